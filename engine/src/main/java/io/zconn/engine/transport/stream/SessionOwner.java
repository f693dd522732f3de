package io.zconn.engine.transport.stream;

import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;

/**
 * Who a connection belongs to: a {@link Listener} (accepted connections) or a {@link Connecter}
 * (one outgoing connection, remade after failures).
 */
interface SessionOwner {
    /**
     * The handshake succeeded: give the connection its pipe end.
     *
     * @param engine the connection
     * @param peer   what the peer announced
     * @return the session's end of the pipe to the socket, or null to refuse the connection
     */
    Pipe pipeFor(ZmtpEngine engine, PeerInfo peer);

    /**
     * The connection closed.
     *
     * @param engine the connection
     * @param pipe   its pipe end, or null if the handshake never completed
     */
    void closed(ZmtpEngine engine, Pipe pipe);

    /**
     * The peer refused this side for good (its ZAP handler refused our credentials) or uses another
     * security mechanism: a connecting owner stops reconnecting, as libzmq does.
     *
     * @param engine the connection, about to close
     */
    default void refused(ZmtpEngine engine) {
    }

    /**
     * @return the transport, which keeps the context open while a connection lingers; null for an
     *         owner outside any transport (an engine tested alone)
     */
    default StreamTransport transport() {
        return null;
    }
}
