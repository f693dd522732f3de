package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.socket.SocketFactory;
import io.zconn.engine.transport.inproc.InprocRegistry;
import io.zconn.engine.transport.stream.StreamTransport;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The implementation behind {@link io.zconn.engine.Context}: the socket set, the inproc registry
 * and the stream transports (tcp, ipc), whose I/O threads start only when first needed.
 */
public final class Ctx {
    private final int ioThreads;
    private final ThreadFactory threadFactory;
    private final Executor executor;
    private final Set<SocketBase> sockets = ConcurrentHashMap.newKeySet();
    private final InprocRegistry inproc = new InprocRegistry();
    private volatile StreamTransport streams;
    private volatile boolean closed;

    /**
     * @param ioThreads     number of I/O threads
     * @param threadFactory makes them (null: zconn's own daemon threads), or
     * @param executor      runs them (null: use the thread factory)
     */
    public Ctx(int ioThreads, ThreadFactory threadFactory, Executor executor) {
        this.ioThreads = ioThreads;
        this.threadFactory = threadFactory;
        this.executor = executor;
    }

    /** @return the number of I/O threads */
    public int ioThreads() {
        return ioThreads;
    }

    /** @return whether closed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * @param type socket type
     * @return a new socket
     */
    public SocketBase createSocket(SocketType type) {
        if (closed) {
            throw new ZmqException(Errno.ETERM, "context is closed");
        }
        SocketBase s = SocketFactory.create(this, type);
        sockets.add(s);
        if (closed) {
            s.close();
            throw new ZmqException(Errno.ETERM, "context is closed");
        }
        return s;
    }

    public void socketClosed(SocketBase s) {
        sockets.remove(s);
    }

    private StreamTransport streams() {
        StreamTransport t = streams;
        if (t == null) {
            synchronized (this) {
                if (closed) {
                    throw new ZmqException(Errno.ETERM, "context is closed");
                }
                t = streams;
                if (t == null) {
                    t = new StreamTransport(ioThreads, threadFactory, executor);
                    streams = t;
                }
            }
        }
        return t;
    }

    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        return switch (ep.transport()) {
            case INPROC -> inproc.bind(ep.address(), socket);
            case TCP, IPC -> streams().bind(socket, ep);
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "transport " + ep.transport().name().toLowerCase(java.util.Locale.ROOT) + " is not supported yet: " + ep);
        };
    }

    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        return switch (ep.transport()) {
            case INPROC -> inproc.connect(ep.address(), socket);
            case TCP, IPC -> streams().connect(socket, ep);
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "transport " + ep.transport().name().toLowerCase(java.util.Locale.ROOT) + " is not supported yet: " + ep);
        };
    }

    /** Closes all sockets, waits for lingering sessions, stops the I/O threads. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (SocketBase s : new ArrayList<>(sockets)) {
            s.close();
        }
        StreamTransport t = streams;
        if (t != null) {
            t.shutdown();
        }
    }
}
