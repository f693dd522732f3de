package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.pipe.SpillFiles;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The implementation behind {@link io.zconn.engine.Context}: the socket set, the inproc registry
 * and the stream transports (tcp, ipc), whose I/O threads start only when first needed.
 *
 * <p>When an I/O thread dies, the context fails loudly rather than serving nothing: the transport
 * logs the cause at ERROR, and the context closes itself on that dying thread; blocked and later
 * calls on its sockets fail with {@code ETERM}, and {@link #createSocket} names the cause.
 */
public final class Ctx {
    /** How long closing waits for listeners to take the last events. */
    private static final int EVENTS_GRACE_SECONDS = 5;
    private final int ioThreads;
    private final SocketMaker socketMaker;
    private final Function<Consumer<Throwable>, Transport> streamsFactory;
    private final Set<SocketBase> sockets = ConcurrentHashMap.newKeySet();
    private final Transport inproc;
    /** epgm:// (PGM over UDP), or null when not wired. */
    private final Transport multicast;
    private volatile Transport streams;
    private volatile boolean closed;
    private volatile Throwable failure;
    private final CountDownLatch closeDone = new CountDownLatch(1);
    private final HostWorkers events;
    private final SpillFiles spillFiles = new SpillFiles();

    /**
     * @param ioThreads      number of I/O threads
     * @param socketMaker    makes the socket implementations (the socket package's factory)
     * @param inproc         the inproc transport
     * @param streamsFactory makes the tcp/ipc transport, on first use only (it starts I/O threads),
     *                       given what to call when one of its I/O threads dies
     */
    public Ctx(int ioThreads, SocketMaker socketMaker, Transport inproc,
               Function<Consumer<Throwable>, Transport> streamsFactory) {
        this(ioThreads, socketMaker, inproc, streamsFactory, null, null);
    }

    /**
     * @param ioThreads      number of I/O threads
     * @param socketMaker    makes the socket implementations (the socket package's factory)
     * @param inproc         the inproc transport
     * @param streamsFactory makes the tcp/ipc transport, as above
     * @param executor       the host's executor, where socket listeners run too, or null
     * @param threadFactory  the host's thread factory (when no executor), or null
     */
    public Ctx(int ioThreads, SocketMaker socketMaker, Transport inproc,
               Function<Consumer<Throwable>, Transport> streamsFactory,
               java.util.concurrent.Executor executor, java.util.concurrent.ThreadFactory threadFactory) {
        this(ioThreads, socketMaker, inproc, streamsFactory, null, executor, threadFactory);
    }

    /**
     * @param ioThreads      number of I/O threads
     * @param socketMaker    makes the socket implementations (the socket package's factory)
     * @param inproc         the inproc transport
     * @param streamsFactory makes the tcp/ipc transport, as above
     * @param multicast      the epgm/pgm transport (starts threads only per endpoint), or null
     * @param executor       the host's executor, where socket listeners run too, or null
     * @param threadFactory  the host's thread factory (when no executor), or null
     */
    public Ctx(int ioThreads, SocketMaker socketMaker, Transport inproc,
               Function<Consumer<Throwable>, Transport> streamsFactory, Transport multicast,
               java.util.concurrent.Executor executor, java.util.concurrent.ThreadFactory threadFactory) {
        this.multicast = multicast;
        this.events = MonitorQueue.workers(executor, threadFactory);
        this.ioThreads = ioThreads;
        this.socketMaker = socketMaker;
        this.inproc = inproc;
        this.streamsFactory = streamsFactory;
    }

    /** @return the SWAP files of this context's pipes that are still open */
    public SpillFiles spillFiles() {
        return spillFiles;
    }

    /** @return the number of I/O threads */
    public int ioThreads() {
        return ioThreads;
    }

    /** @return where socket listeners run */
    HostWorkers events() {
        return events;
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
            throw terminated();
        }
        SocketBase s = socketMaker.create(this, type);
        sockets.add(s);
        if (closed) {
            s.close();
            throw terminated();
        }
        return s;
    }

    private ZmqException terminated() {
        Throwable f = failure;
        return f == null ? new ZmqException(Errno.ETERM, "context is closed")
                : new ZmqException(Errno.ETERM, "context terminated because an I/O thread died: " + f, f);
    }

    /** @return why the context terminated by itself (an I/O thread died), or null */
    public Throwable failure() {
        return failure;
    }

    public void socketClosed(SocketBase s) {
        sockets.remove(s);
    }

    private Transport streams() {
        Transport t = streams;
        if (t == null) {
            synchronized (this) {
                if (closed) {
                    throw terminated();
                }
                t = streams;
                if (t == null) {
                    t = streamsFactory.apply(this::ioThreadDied);
                    streams = t;
                }
            }
        }
        return t;
    }

    private Transport multicast() {
        if (multicast == null) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "no multicast transport in this context");
        }
        return multicast;
    }

    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        checkRaw(socket, ep);
        return switch (ep.transport()) {
            case INPROC -> inproc.bind(socket, ep);
            case TCP, IPC -> streams().bind(socket, ep);
            case EPGM, PGM -> multicast().bind(socket, ep);
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "transport " + ep.transport().name().toLowerCase(java.util.Locale.ROOT) + " is not supported yet: " + ep);
        };
    }

    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        checkRaw(socket, ep);
        return switch (ep.transport()) {
            case INPROC -> inproc.connect(socket, ep);
            case TCP, IPC -> streams().connect(socket, ep);
            case EPGM, PGM -> multicast().connect(socket, ep);
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "transport " + ep.transport().name().toLowerCase(java.util.Locale.ROOT) + " is not supported yet: " + ep);
        };
    }

    private static void checkRaw(SocketBase socket, Endpoint ep) {
        if (socket.type() == SocketType.STREAM && ep.transport() == Endpoint.Transport.INPROC) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "STREAM sockets speak raw tcp or ipc, not inproc: " + ep);
        }
    }

    /**
     * Closes all sockets, waits for lingering sessions (see {@link Transport#shutdown()}),
     * stops the I/O threads. A second caller waits for the first to finish.
     */
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
        }
        if (!first) {
            awaitClosed();
            return;
        }
        try {
            for (SocketBase s : new ArrayList<>(sockets)) {
                try {
                    s.closeByContext();
                } catch (RuntimeException e) {
                    // one socket failing to close must not keep the others open or the threads running
                    System.getLogger(Ctx.class.getName()).log(System.Logger.Level.WARNING,
                            "closing " + s + " failed", e);
                }
            }
            Transport t = streams;
            if (t != null) {
                t.shutdown();
            }
            if (multicast != null) {
                multicast.shutdown();
            }
            spillFiles.closeAll(); // SWAP files whose sessions ended without reading them
            // the last events (CLOSED, DISCONNECTED, MONITOR_STOPPED) reach their listeners, then
            // no listener runs any more
            if (!events.finishAndClose(EVENTS_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                System.getLogger(Ctx.class.getName()).log(System.Logger.Level.WARNING,
                        "socket listeners still running " + EVENTS_GRACE_SECONDS + " s after the context closed");
            }
        } finally {
            closeDone.countDown();
        }
    }

    private void awaitClosed() {
        try {
            closeDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Called on the dying I/O thread once its loop has ended: terminates the context right there
     * (no thread of its own is made; the shutdown does not wait for lingering sessions then, so
     * this returns the thread to its owner within seconds).
     */
    private void ioThreadDied(Throwable cause) {
        failure = cause;
        close();
    }
}
