package io.zconn.engine.zmtp;

import io.zconn.engine.SocketType;

import java.util.Map;

/**
 * What a {@link Mechanism} knows of its connection, given by the {@link ZmtpHandshakeHandler}: the
 * local side, the peer's address, and a way back onto the connection's I/O thread for answers
 * that arrive later (a ZAP handler's reply).
 */
public interface HandshakeSession {
    /** @return the local socket type */
    SocketType socketType();

    /** @return metadata to announce (Socket-Type, Identity) */
    Map<String, byte[]> localProperties();

    /** @return whether this side is the mechanism's server */
    boolean asServer();

    /** @return the peer's address as ZAP reports it: its IP for tcp, empty (or credentials) for ipc */
    String peerAddress();

    /**
     * Runs a task on the connection's I/O thread, then goes on with the handshake: sends the
     * commands the mechanism has ready and acts on its status. Callable from any thread; the task
     * is dropped when the handshake has already ended (the connection closed or timed out).
     *
     * @param task what to do there, e.g. hand a ZAP reply to the mechanism
     */
    void resume(Runnable task);

    /**
     * Runs {@link #resume(Runnable) resume(task)} after a delay, unless the handshake ends first.
     *
     * @param task        the task
     * @param delayMillis the delay
     */
    void schedule(Runnable task, long delayMillis);
}
