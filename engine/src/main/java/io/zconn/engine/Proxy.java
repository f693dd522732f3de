package io.zconn.engine;

import java.util.Objects;

/**
 * Shuttles messages between a frontend and a backend socket, like {@code zmq_proxy}: e.g. ROUTER
 * to DEALER for a request broker, XSUB to XPUB for a pub/sub forwarder (subscriptions flow back).
 * Every message may also be copied to a capture socket. Runs in the calling thread until a socket
 * is closed (ETERM) or {@link #stop()} is called.
 */
public final class Proxy {
    private final Socket frontend;
    private final Socket backend;
    private final Socket capture;
    private volatile boolean stopped;

    /**
     * @param frontend one side
     * @param backend  the other side
     * @param capture  receives a copy of every message, or null
     */
    public Proxy(Socket frontend, Socket backend, Socket capture) {
        this.frontend = Objects.requireNonNull(frontend, "frontend");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.capture = capture;
    }

    /** Asks {@link #run()} to return within about 100 ms. */
    public void stop() {
        stopped = true;
    }

    /**
     * Forwards until stopped or until a socket or the context closes.
     */
    public void run() {
        try (Poller poller = new Poller()) {
            int front = poller.register(frontend, Poller.POLLIN);
            int back = poller.register(backend, Poller.POLLIN);
            while (!stopped) {
                if (poller.poll(100) == 0) {
                    continue;
                }
                if (poller.isReadable(front)) {
                    forward(frontend, backend);
                }
                if (poller.isReadable(back)) {
                    forward(backend, frontend);
                }
            }
        } catch (ZmqException e) {
            if (e.errno() != Errno.ETERM) {
                throw e;
            }
        }
    }

    private void forward(Socket from, Socket to) {
        Message m = from.tryRecvMessage();
        if (m == null) {
            return;
        }
        if (capture != null) {
            capture.trySend(m);
        }
        to.send(m);
    }
}
