package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The implementation behind {@link io.zconn.engine.Context}: the socket set, the inproc registry
 * and the stream transports (tcp, ipc), whose I/O threads start only when first needed.
 */
public final class Ctx {
    private final int ioThreads;
    private final SocketMaker socketMaker;
    private final Supplier<Transport> streamsFactory;
    private final Set<SocketBase> sockets = ConcurrentHashMap.newKeySet();
    private final Transport inproc;
    private volatile Transport streams;
    private volatile boolean closed;

    /**
     * @param ioThreads      number of I/O threads
     * @param socketMaker    makes the socket implementations (the socket package's factory)
     * @param inproc         the inproc transport
     * @param streamsFactory makes the tcp/ipc transport, on first use only (it starts I/O threads)
     */
    public Ctx(int ioThreads, SocketMaker socketMaker, Transport inproc, Supplier<Transport> streamsFactory) {
        this.ioThreads = ioThreads;
        this.socketMaker = socketMaker;
        this.inproc = inproc;
        this.streamsFactory = streamsFactory;
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
        SocketBase s = socketMaker.create(this, type);
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

    private Transport streams() {
        Transport t = streams;
        if (t == null) {
            synchronized (this) {
                if (closed) {
                    throw new ZmqException(Errno.ETERM, "context is closed");
                }
                t = streams;
                if (t == null) {
                    t = streamsFactory.get();
                    streams = t;
                }
            }
        }
        return t;
    }

    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        return switch (ep.transport()) {
            case INPROC -> inproc.bind(socket, ep);
            case TCP, IPC -> streams().bind(socket, ep);
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "transport " + ep.transport().name().toLowerCase(java.util.Locale.ROOT) + " is not supported yet: " + ep);
        };
    }

    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        return switch (ep.transport()) {
            case INPROC -> inproc.connect(socket, ep);
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
        Transport t = streams;
        if (t != null) {
            t.shutdown();
        }
    }
}
