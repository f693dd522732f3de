package io.zconn.engine;

import io.zconn.engine.core.Ctx;
import io.zconn.engine.security.ZapDispatcher;
import io.zconn.engine.socket.SocketFactory;
import io.zconn.engine.transport.inproc.InprocRegistry;
import io.zconn.engine.transport.pgm.EpgmTransport;
import io.zconn.engine.transport.stream.StreamTransport;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The root of zconn: owns the I/O threads and the sockets made from it. Create one per
 * application (or per app-server deployment) and close it when done; closing closes every socket,
 * waits for their LINGER, stops the I/O threads and leaves no thread behind.
 *
 * <p>I/O threads come from the host when it supplies an {@link Executor} (e.g. a Jakarta
 * Connectors WorkManager) or a {@link ThreadFactory}; otherwise zconn makes daemon threads named
 * {@code zconn-io-N}. An {@code Executor} must run each task on its own long-lived thread.
 */
public final class Context implements AutoCloseable {
    private final Ctx ctx;
    private final ZapDispatcher zap;

    /** Creates a context with one I/O thread of its own. */
    public Context() {
        this(builder());
    }

    private Context(Builder b) {
        int ioThreads = b.ioThreads;
        ThreadFactory threadFactory = b.threadFactory;
        Executor executor = b.executor;
        // the implementation packages are wired here, so core depends on none of them
        InprocRegistry inproc = new InprocRegistry();
        this.zap = new ZapDispatcher(() -> inproc.connectService(ZapDispatcher.ENDPOINT), executor, threadFactory);
        zap.handler(b.zapHandler);
        this.ctx = new Ctx(ioThreads, SocketFactory::create, inproc,
                onLoopDeath -> new StreamTransport(ioThreads, threadFactory, executor, onLoopDeath).authenticator(zap),
                new EpgmTransport(executor, threadFactory), executor, threadFactory);
    }

    /** @return a builder for a context with host-supplied threads or more I/O threads */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a socket.
     *
     * @param type the socket type
     * @return a new socket, open until closed or until this context closes
     * @throws ZmqException ETERM when the context is closed
     */
    public Socket socket(SocketType type) {
        return new Socket(ctx.createSocket(Objects.requireNonNull(type, "type")));
    }

    /**
     * Sets the Java ZAP handler that authenticates this context's connections (PLAIN servers, and
     * NULL sockets with a {@link ZmqOption#ZAP_DOMAIN}); it takes effect for handshakes that start
     * afterwards. Without one, a REP or ROUTER socket bound at {@code inproc://zeromq.zap.01} is
     * asked (as in libzmq), and with neither, a PLAIN server refuses every client: see
     * {@link ZapHandler}.
     *
     * @param handler the handler, or null to remove it
     */
    public void setZapHandler(ZapHandler handler) {
        zap.handler(handler);
    }

    /** @return the Java ZAP handler, or null */
    public ZapHandler getZapHandler() {
        return zap.handler();
    }

    /** @return the number of I/O threads */
    public int ioThreads() {
        return ctx.ioThreads();
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return ctx.isClosed();
    }

    /**
     * Closes every socket, waits for their queued messages as each one's LINGER says, stops the
     * I/O threads and waits for them; no zconn thread is left running when it returns. Like
     * libzmq's {@code zmq_ctx_term}: a socket with LINGER 0 drops its queue at once; with a
     * positive LINGER, this returns as soon as every queued message has been written to its peer's
     * connection, and at LINGER at the latest (a connecting socket whose peer is not there keeps
     * trying until then); with LINGER -1 it waits until everything is delivered, however long that
     * takes (the one unbounded wait). Every other wait is bounded (a few seconds of grace for
     * connections to close). Interrupting the thread blocked here cuts the LINGER wait short.
     * Blocking calls in other threads on this context's sockets fail with {@link Errno#ETERM}.
     * Idempotent; a concurrent second call waits for the first.
     *
     * <p>If an I/O thread dies (it should not: every task's failure is caught and logged), the
     * context logs the cause at ERROR and closes itself, so its sockets fail with {@code ETERM}
     * instead of silently serving nothing; {@link #socket} then reports the cause.
     */
    @Override
    public void close() {
        try {
            ctx.close();
        } finally {
            zap.close();
        }
    }

    /** Builds a {@link Context}. */
    public static final class Builder {
        private int ioThreads = 1;
        private ThreadFactory threadFactory;
        private Executor executor;
        private ZapHandler zapHandler;

        private Builder() {
        }

        /**
         * @param handler authenticates the context's connections (see {@link Context#setZapHandler})
         * @return this builder
         */
        public Builder zapHandler(ZapHandler handler) {
            this.zapHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param n number of I/O threads (1 to 64); each serves many connections
         * @return this builder
         */
        public Builder ioThreads(int n) {
            if (n < 1 || n > 64) {
                throw new ZmqException(Errno.EINVAL, "ioThreads must be between 1 and 64, was " + n);
            }
            this.ioThreads = n;
            return this;
        }

        /**
         * @param factory makes the I/O threads
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            this.executor = null;
            return this;
        }

        /**
         * @param executor runs each I/O loop as one long task (e.g. a WorkManager adapter)
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            this.threadFactory = null;
            return this;
        }

        /** @return the context */
        public Context build() {
            return new Context(this);
        }
    }
}
