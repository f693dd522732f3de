package io.zconn.engine.transport.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.EventLoopTaskQueueFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.RejectedExecutionHandler;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.core.Transport;

import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * The tcp and ipc transports, on Netty: epoll (with Unix domain sockets) where available, else NIO
 * (tcp only). The event loops run on threads from the host's executor or thread factory.
 *
 * <p>Failures on the event loops: a {@link Throwable} (an {@code Error} included) thrown by any
 * task run on a loop is caught around that task, logged at ERROR and the loop goes on. Should a
 * loop thread end all the same (an error thrown by Netty's own code, or by its logging), the
 * transport notices at once, logs the cause at ERROR, refuses new endpoints with
 * {@link Errno#ETERM} and reports the failure to its owner, which terminates the context (sockets
 * then fail with {@code ETERM}) instead of serving nothing in silence. Every ERROR report falls
 * back to standard error when the logging system itself fails (as it may without file descriptors).
 *
 * <p>Failed accepts (EMFILE: no descriptor left) pause accepting on that listener with a back-off
 * from 100 ms up to 1 s and are logged once per episode, not per attempt.
 *
 * <p>Shutdown honours LINGER: every session with messages still queued registers as lingering
 * until its deadline (forever for LINGER -1); {@link #shutdown()} returns as soon as those
 * sessions have written everything and closed, and never later than the last deadline plus a short
 * grace; other connections get the same grace to close before they are closed by force.
 */
public final class StreamTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(StreamTransport.class.getName());
    /** How long connections not lingering may take to close, and slack after the last deadline. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Deadline of a session lingering with LINGER -1. */
    static final long FOREVER = Long.MAX_VALUE;
    /** Per-connection WARNING lines of one kind written per interval; past it, one summary line. */
    static final int DROP_WARNINGS_PER_INTERVAL = 10;
    static final long DROP_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EventLoopGroup group;
    private final boolean epoll;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    /** Lingering sessions (connecters, channels) and their deadlines in nanoTime, or FOREVER. */
    private final Map<Object, Long> lingerers = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private final AtomicInteger loopsRunning = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Consumer<Throwable> onLoopDeath;
    private volatile boolean shuttingDown;
    private volatile Throwable failure;
    private final WarningLimiter dropWarnings = new WarningLimiter(System.getLogger(ZmtpEngine.class.getName()),
            "dropping connections", DROP_WARNINGS_PER_INTERVAL, DROP_WARNING_INTERVAL_NANOS, System::nanoTime);
    private volatile io.zconn.engine.security.Authenticator authenticator = io.zconn.engine.security.Authenticator.NONE;

    /**
     * @param auth where the handshakes of this transport's connections send their ZAP requests
     * @return this transport
     */
    public StreamTransport authenticator(io.zconn.engine.security.Authenticator auth) {
        this.authenticator = java.util.Objects.requireNonNull(auth, "auth");
        return this;
    }

    /** @return where ZAP requests go */
    io.zconn.engine.security.Authenticator authenticator() {
        return authenticator;
    }

    /**
     * @param ioThreads     number of event loops
     * @param threadFactory makes their threads (null for zconn's daemon threads)
     * @param executor      or runs them (takes precedence)
     */
    public StreamTransport(int ioThreads, ThreadFactory threadFactory, Executor executor) {
        this(ioThreads, threadFactory, executor, cause -> { });
    }

    /**
     * @param ioThreads     number of event loops
     * @param threadFactory makes their threads (null for zconn's daemon threads)
     * @param executor      or runs them (takes precedence)
     * @param onLoopDeath   told (once, on the dying thread) when an event loop ended unexpectedly
     */
    public StreamTransport(int ioThreads, ThreadFactory threadFactory, Executor executor,
                           Consumer<Throwable> onLoopDeath) {
        this.onLoopDeath = onLoopDeath;
        // initialise logging now, while descriptors and classes can still be loaded
        LOG.isLoggable(System.Logger.Level.ERROR);
        // and the classes only shutdown needs: a server may delete the jars before it stops us
        ShutdownClasses.preload(EventLoopGroup.class.getClassLoader());
        ThreadFactory factory = threadFactory != null ? threadFactory : new DefaultThreadFactory("zconn-io", true);
        Executor host = executor != null ? executor : new ThreadPerTaskExecutor(r -> {
            Thread t = factory.newThread(r);
            threads.add(t); // joined at shutdown, so none is left running when close() returns
            return t;
        });
        // count the loops still running on host threads, so shutdown returns only once every
        // task has handed its thread back; a loop that ends before shutdown has died
        Executor ex = task -> {
            loopsRunning.incrementAndGet();
            try {
                host.execute(() -> {
                    Throwable died = null;
                    try {
                        task.run();
                    } catch (Throwable t) {
                        died = t;
                    } finally {
                        loopDone(died);
                    }
                });
            } catch (RuntimeException e) {
                loopNotStarted(); // the host refused a thread: the caller (bind, connect) fails
                throw e;
            }
        };
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("io.zconn.noEpoll");
        EventLoopTaskQueueFactory guarded = GuardedTaskQueue::new;
        RejectedExecutionHandler rejected = RejectedExecutionHandlers.reject();
        this.group = epoll
                ? new EpollEventLoopGroup(ioThreads, ex, DefaultEventExecutorChooserFactory.INSTANCE,
                        DefaultSelectStrategyFactory.INSTANCE, rejected, guarded)
                : new NioEventLoopGroup(ioThreads, ex, DefaultEventExecutorChooserFactory.INSTANCE,
                        java.nio.channels.spi.SelectorProvider.provider(), DefaultSelectStrategyFactory.INSTANCE,
                        rejected, guarded);
    }

    /**
     * Binds a tcp or ipc endpoint; returns once listening.
     *
     * @param socket the socket
     * @param ep     the endpoint
     * @return the listener
     */
    @Override
    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        checkAlive();
        Options opts = socket.optionsSnapshot();
        boolean ipc = ep.transport() == Endpoint.Transport.IPC;
        checkIpc(ipc, ep);
        SocketAddress addr = Addresses.forBind(ep, opts.get(ZmqOption.IPV6));
        if (!ipc) {
            checkTcpOptions(opts, ep);
        }
        Listener listener = new Listener(this, socket, opts);
        AcceptGuard acceptGuard = new AcceptGuard(ep.text(), socket);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(serverChannel(ipc, addr, opts))
                .option(ChannelOption.SO_BACKLOG, opts.get(ZmqOption.BACKLOG))
                .handler(acceptGuard)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        track(ch);
                        listener.accepted(ch);
                    }
                });
        if (!ipc) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        childOptions(b, opts, ipc);
        ChannelFuture f = b.bind(addr).awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            Errno errno = c instanceof BindException || String.valueOf(c.getMessage()).contains("in use")
                    ? Errno.EADDRINUSE : Errno.EADDRNOTAVAIL;
            // as libzmq: the descriptor that could not be bound is closed, then the bind reported failed
            Monitoring.emit(socket, io.zconn.engine.SocketEvent.Type.CLOSED, ep.text(), Monitoring.fd(f.channel()), null, null);
            Monitoring.emit(socket, io.zconn.engine.SocketEvent.Type.BIND_FAILED, ep.text(),
                    errno == Errno.EADDRINUSE ? Monitoring.EADDRINUSE : Monitoring.EADDRNOTAVAIL, null, null);
            throw new ZmqException(errno, "cannot bind " + ep + ": " + c.getMessage(), c);
        }
        track(f.channel()); // closed by the listener; by force at shutdown if its loop died
        String bound = resolved(ep, f.channel().localAddress());
        acceptGuard.endpoint = bound;
        listener.bound(f.channel(), bound);
        Monitoring.emitFd(socket, io.zconn.engine.SocketEvent.Type.LISTENING, bound, f.channel());
        return listener;
    }

    /**
     * Starts connecting to a tcp or ipc endpoint; returns at once.
     *
     * @param socket the socket (its lock is held)
     * @param ep     the endpoint
     * @return the connecter
     */
    @Override
    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        checkAlive();
        Options opts = socket.optionsSnapshot();
        boolean ipc = ep.transport() == Endpoint.Transport.IPC;
        checkIpc(ipc, ep);
        SocketAddress addr = Addresses.forConnect(ep, opts.get(ZmqOption.IPV6));
        if (!ipc) {
            checkTcpOptions(opts, ep);
        }
        EventLoop loop = group.next();
        Connecter[] holder = new Connecter[1];
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channelFactory(ipc ? (ChannelFactory<Channel>) EpollDomainSocketChannel::new : tcpChannel(opts))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, opts.get(ZmqOption.CONNECT_TIMEOUT))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        track(ch);
                        holder[0].initChannel(ch);
                    }
                });
        connectionOptions(b, opts, ipc);
        InetSocketAddress source = ipc ? null : Addresses.source(ep, opts.get(ZmqOption.IPV6));
        if (source != null) {
            // tcp://source;destination: bound before each connection attempt; SO_REUSEADDR lets a
            // fixed source port connect to several peers, as libzmq does
            b.localAddress(source).option(ChannelOption.SO_REUSEADDR, true);
        }
        Connecter c = new Connecter(this, socket, opts, ep.text(), addr, loop, b);
        holder[0] = c;
        c.start();
        return c;
    }

    private void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> {
            channels.remove(ch);
            lingerers.remove(ch);
            changed();
        });
    }

    private void checkAlive() {
        Throwable f = failure;
        if (f != null) {
            throw new ZmqException(Errno.ETERM, "an I/O thread of this context died: " + f, f);
        }
    }

    private void checkIpc(boolean ipc, Endpoint ep) {
        if (ipc && !epoll) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "ipc needs Netty's native epoll transport, unavailable here: " + ep);
        }
    }

    /**
     * The listening channel: for tcp, of the bound address's family, so an IPv4 address (such as
     * {@code *} with IPV6 off) accepts IPv4 only, and {@code ::} (IPV6 on) is dual-stack, as in libzmq.
     */
    private ChannelFactory<ServerChannel> serverChannel(boolean ipc, SocketAddress addr, Options opts) {
        if (ipc) {
            return EpollServerDomainSocketChannel::new;
        }
        InternetProtocolFamily family = ((InetSocketAddress) addr).getAddress() instanceof Inet4Address
                ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        if (!epoll) {
            return () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
        }
        int tos = opts.get(ZmqOption.TOS);
        String device = opts.get(ZmqOption.BINDTODEVICE);
        return () -> {
            EpollServerSocketChannel ch = new EpollServerSocketChannel(family);
            // set on the new socket itself, before bind: a device that cannot be set fails the bind
            // (Netty's bootstrap options would only log a failure)
            if (!device.isEmpty()) {
                ch.config().setOption(TcpOptions.SO_BINDTODEVICE, TcpOptions.deviceName(device));
            }
            if (tos != 0) {
                TcpOptions.setTos(ch, tos);
            }
            return ch;
        };
    }

    /** A tcp connection's channel: bound to BINDTODEVICE (before connecting) when it is set. */
    private ChannelFactory<Channel> tcpChannel(Options opts) {
        if (!epoll) {
            return NioSocketChannel::new;
        }
        String device = opts.get(ZmqOption.BINDTODEVICE);
        if (device.isEmpty()) {
            return EpollSocketChannel::new;
        }
        return () -> {
            EpollSocketChannel ch = new EpollSocketChannel();
            ch.config().setOption(TcpOptions.SO_BINDTODEVICE, TcpOptions.deviceName(device));
            return ch;
        };
    }

    /**
     * Refuses, at bind() or connect(), tcp options this transport cannot honour: BINDTODEVICE
     * naming no device, or needing the native transport (NIO has no SO_BINDTODEVICE). TCP_MAXRT
     * without the native transport is only logged, as libzmq ignores it where the OS lacks it.
     */
    private void checkTcpOptions(Options opts, Endpoint ep) {
        String device = opts.get(ZmqOption.BINDTODEVICE);
        if (!device.isEmpty()) {
            if (!epoll) {
                throw new ZmqException(Errno.ENOTSUP, "BINDTODEVICE needs Netty's native epoll transport, unavailable here: " + ep);
            }
            try {
                if (java.net.NetworkInterface.getByName(device) == null) {
                    throw new ZmqException(Errno.EADDRNOTAVAIL, "BINDTODEVICE: no network device '" + device + "' for " + ep);
                }
            } catch (java.net.SocketException e) {
                throw new ZmqException(Errno.EADDRNOTAVAIL, "BINDTODEVICE: cannot look up device '" + device + "': " + e.getMessage(), e);
            }
        }
        if (!epoll && opts.get(ZmqOption.TCP_MAXRT) > 0) {
            LOG.log(System.Logger.Level.WARNING, "TCP_MAXRT is ignored for " + ep
                    + ": it needs Netty's native epoll transport (TCP_USER_TIMEOUT), unavailable here");
        }
    }

    private void childOptions(ServerBootstrap b, Options opts, boolean ipc) {
        b.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024));
        b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        int snd = opts.get(ZmqOption.SNDBUF);
        int rcv = opts.get(ZmqOption.RCVBUF);
        if (snd > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, snd);
        }
        if (rcv > 0) {
            b.childOption(ChannelOption.SO_RCVBUF, rcv);
        }
        if (!ipc) {
            b.childOption(ChannelOption.TCP_NODELAY, true);
            keepalive(opts).forEach((o, v) -> b.childOption(o, v));
            tcpTuning(opts).forEach((o, v) -> b.childOption(o, v));
        }
    }

    private void connectionOptions(Bootstrap b, Options opts, boolean ipc) {
        b.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024));
        int snd = opts.get(ZmqOption.SNDBUF);
        int rcv = opts.get(ZmqOption.RCVBUF);
        if (snd > 0) {
            b.option(ChannelOption.SO_SNDBUF, snd);
        }
        if (rcv > 0) {
            b.option(ChannelOption.SO_RCVBUF, rcv);
        }
        if (!ipc) {
            b.option(ChannelOption.TCP_NODELAY, true);
            keepalive(opts).forEach((o, v) -> b.option(o, v));
            tcpTuning(opts).forEach((o, v) -> b.option(o, v));
        }
    }

    /** TOS and TCP_MAXRT of a tcp connection (accepted or connecting), when set. */
    @SuppressWarnings("unchecked")
    private java.util.Map<ChannelOption<Object>, Object> tcpTuning(Options opts) {
        java.util.Map<ChannelOption<Object>, Object> m = new java.util.LinkedHashMap<>();
        int tos = opts.get(ZmqOption.TOS);
        if (tos != 0) {
            m.put((ChannelOption<Object>) (ChannelOption<?>) ChannelOption.IP_TOS, tos);
        }
        int maxrt = opts.get(ZmqOption.TCP_MAXRT);
        if (epoll && maxrt > 0) {
            m.put((ChannelOption<Object>) (ChannelOption<?>) EpollChannelOption.TCP_USER_TIMEOUT, maxrt);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private java.util.Map<ChannelOption<Object>, Object> keepalive(Options opts) {
        java.util.Map<ChannelOption<Object>, Object> m = new java.util.LinkedHashMap<>();
        int ka = opts.get(ZmqOption.TCP_KEEPALIVE);
        if (ka >= 0) {
            m.put((ChannelOption<Object>) (ChannelOption<?>) ChannelOption.SO_KEEPALIVE, ka == 1);
        }
        if (epoll && ka == 1) {
            int idle = opts.get(ZmqOption.TCP_KEEPALIVE_IDLE);
            int intvl = opts.get(ZmqOption.TCP_KEEPALIVE_INTVL);
            int cnt = opts.get(ZmqOption.TCP_KEEPALIVE_CNT);
            if (idle > 0) {
                m.put((ChannelOption<Object>) (ChannelOption<?>) EpollChannelOption.TCP_KEEPIDLE, idle);
            }
            if (intvl > 0) {
                m.put((ChannelOption<Object>) (ChannelOption<?>) EpollChannelOption.TCP_KEEPINTVL, intvl);
            }
            if (cnt > 0) {
                m.put((ChannelOption<Object>) (ChannelOption<?>) EpollChannelOption.TCP_KEEPCNT, cnt);
            }
        }
        return m;
    }

    private static String resolved(Endpoint ep, SocketAddress local) {
        if (local instanceof InetSocketAddress isa) {
            String host = isa.getAddress().getHostAddress();
            if (host.contains(":")) {
                host = "[" + compressIpv6(host.replaceFirst("%.*$", "")) + "]";
            }
            return "tcp://" + host + ":" + isa.getPort();
        }
        if (local instanceof DomainSocketAddress dsa) {
            return Addresses.ipcText(dsa);
        }
        return ep.text();
    }

    /** Shortens an IPv6 address as libzmq prints it: the longest run of zero groups becomes "::". */
    static String compressIpv6(String full) {
        String[] g = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return head + "::" + tail;
    }

    /**
     * A session keeps the context open until {@link #lingerDone} or its deadline.
     *
     * @param who      the session (a connecter)
     * @param deadline System.nanoTime() at which LINGER expires, or {@link #FOREVER}
     */
    void lingerUntil(Object who, long deadline) {
        lingerers.put(who, deadline);
        changed();
    }

    /** @param who a session registered with {@link #lingerUntil} that has finished */
    void lingerDone(Object who) {
        if (lingerers.remove(who) != null) {
            changed();
        }
    }

    /**
     * A connection delivering its queue keeps the context open until it closes or its deadline.
     *
     * @param ch       the connection
     * @param deadline System.nanoTime() at which LINGER expires, or {@link #FOREVER}
     */
    void lingerUntilClosed(Channel ch, long deadline) {
        lingerers.put(ch, deadline);
        if (!ch.isOpen()) {
            lingerers.remove(ch); // closed meanwhile: its close listener may have run already
        }
        changed();
    }

    /** @return the deadline for a LINGER of {@code lingerMs} starting now */
    static long deadline(int lingerMs) {
        return lingerMs < 0 ? FOREVER : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMs);
    }

    private void changed() {
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    /**
     * Waits for lingering sessions to deliver their queues (or reach their LINGER), then stops the
     * event loops and waits for their threads. Unbounded only while a session with LINGER -1 still
     * has messages to deliver and its loop is alive; otherwise every wait is bounded. Interrupting
     * the calling thread cuts the LINGER wait short (connections are then closed by force) and
     * leaves the thread's interrupt status set.
     */
    @Override
    public void shutdown() {
        shuttingDown = true;
        long quietSince = System.nanoTime();
        boolean interrupted = false;
        while (true) {
            long now = System.nanoTime();
            if (failure != null) {
                break; // a dead loop delivers nothing more
            }
            if (lingerers.isEmpty()) {
                if (channels.isEmpty()) {
                    break;
                }
                if (now - quietSince >= GRACE_NANOS) {
                    LOG.log(System.Logger.Level.WARNING, channels.size()
                            + " connection(s) not lingering did not close within 2 s; closing them now");
                    break;
                }
            } else {
                quietSince = now;
                long last = lingerers.values().stream().mapToLong(Long::longValue).max().orElse(now);
                if (last != FOREVER && now - last >= GRACE_NANOS) {
                    // the sessions' own timers should have ended them at their deadline
                    LOG.log(System.Logger.Level.WARNING, "the LINGER of " + lingerers.size()
                            + " session(s) expired 2 s ago and they did not close; closing them now");
                    break;
                }
            }
            synchronized (changes) {
                if (!lingerers.isEmpty() || !channels.isEmpty()) {
                    try {
                        changes.wait(50);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        break;
                    }
                }
            }
        }
        lingerers.clear();
        closeAll();
        // Wait for the loops' tasks to hand their threads back, not for the group's termination future:
        // a loop whose shutdown failed (e.g. a class it could not load any more) returns its thread
        // without ever completing that future, and waiting for it would cost the whole 10 s.
        // shutdownGracefully starts a loop that never ran, so every loop is counted once it returns.
        io.netty.util.concurrent.Future<?> terminated = group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (loopsRunning) {
            while (loopsRunning.get() > 0 && System.nanoTime() < until) {
                try {
                    loopsRunning.wait(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        // the group learns of its loops' termination a moment later, through Netty's global executor
        if (loopsRunning.get() > 0 || !terminated.awaitUninterruptibly(500)) {
            LOG.log(System.Logger.Level.WARNING, "zconn I/O threads did not end cleanly ("
                    + loopsRunning.get() + " still running); see the error logged before, if any");
        }
        for (Thread t : threads) {
            long left = until - System.nanoTime();
            if (t == Thread.currentThread() || left <= 0 || interrupted) {
                continue;
            }
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        dropWarnings.flush();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The context's limiter of per-connection WARNING lines (a storm of peers writes a few lines, not one each). */
    WarningLimiter dropWarnings() {
        return dropWarnings;
    }

    /** Closes the connections still open, waiting a bounded time for them to go. */
    private void closeAll() {
        for (Channel ch : new ArrayList<>(channels)) {
            ChannelFuture f;
            try {
                f = loopStopped(ch) ? null : ch.close();
            } catch (RuntimeException e) {
                f = null;
            }
            if (f == null || (f.isDone() && !f.isSuccess())) {
                // its loop is gone and cannot close it: release the descriptor ourselves
                channels.remove(ch);
                if (ch instanceof io.netty.channel.unix.UnixChannel u) {
                    try {
                        u.fd().close();
                    } catch (Exception | Error e) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "cannot close " + ch + ": " + e);
                    }
                }
            }
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Channel ch : new ArrayList<>(channels)) {
            long left = until - System.nanoTime();
            if (left <= 0 || failure != null) {
                break;
            }
            ch.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
    }

    /**
     * @param ch a connection
     * @return whether it has its pipe to the socket: its ZMTP handshake completed, or (raw) it is
     *         connected; until then no pipe can end it and its owner closes it directly
     */
    static boolean established(Channel ch) {
        return ch.pipeline().get("zmtp") != null || RawEngine.hasPipe(ch);
    }

    /** @return whether the channel's event loop no longer runs (died, or never registered) */
    static boolean loopStopped(Channel ch) {
        try {
            return ch.eventLoop().isShutdown();
        } catch (IllegalStateException notRegistered) {
            return true;
        }
    }

    private void loopNotStarted() {
        loopsRunning.decrementAndGet();
        synchronized (loopsRunning) {
            loopsRunning.notifyAll();
        }
    }

    private void loopDone(Throwable cause) {
        loopNotStarted();
        if (!shuttingDown) {
            Throwable reported = cause != null ? cause
                    : new IllegalStateException("I/O thread " + Thread.currentThread().getName()
                    + " ended unexpectedly (its cause was logged by Netty just before)");
            failure = reported;
            logError("zconn I/O thread " + Thread.currentThread().getName()
                    + " died; this context's tcp/ipc connections no longer work and it terminates", reported);
            changed();
            try {
                onLoopDeath.accept(reported);
            } catch (Throwable t) {
                logError("cannot report the death of an I/O thread", t);
            }
        }
    }

    /** @return the cause if an event loop died, else null */
    Throwable failure() {
        return failure;
    }

    /** @return the listening channels (tests) */
    java.util.List<Channel> serverChannels() {
        return channels.stream().filter(c -> c instanceof ServerChannel).toList();
    }

    /** @return the event loops (tests inject failures through them) */
    EventLoopGroup group() {
        return group;
    }

    /** @return the open channels (listeners and connections), for tests */
    Set<Channel> channels() {
        return java.util.Collections.unmodifiableSet(channels);
    }

    /**
     * Logs at ERROR; when the logging system fails (no descriptor left, a class that cannot be
     * loaded), prints to standard error instead, so that the report is never lost.
     */
    static void logError(String message, Throwable cause) {
        logError(LOG, message, cause);
    }

    /**
     * Logs at ERROR on {@code log}, with the same fallback to standard error.
     *
     * @param log     the logger
     * @param message what failed
     * @param cause   why
     */
    static void logError(System.Logger log, String message, Throwable cause) {
        try {
            log.log(System.Logger.Level.ERROR, message, cause);
        } catch (Throwable logFailed) {
            try {
                System.err.println("[zconn] ERROR " + message + ": " + cause);
                cause.printStackTrace();
            } catch (Throwable ignored) {
                // nothing is left to report with
            }
        }
    }

    /**
     * The event loops' task queue: every task taken out of it runs inside a guard that catches and
     * logs what it throws, so that no task can end a loop (Netty's own guard logs at WARN through a
     * logger that may fail when descriptors are exhausted, and then the loop thread dies).
     */
    private static final class GuardedTaskQueue extends AbstractQueue<Runnable> {
        private final Queue<Runnable> q;

        GuardedTaskQueue(int maxCapacity) {
            this.q = maxCapacity == Integer.MAX_VALUE ? new MpscUnboundedArrayQueue<>(1024)
                    : new MpscChunkedArrayQueue<>(Math.max(2, Math.min(1024, maxCapacity / 2)), Math.max(4, maxCapacity));
        }

        @Override
        public boolean offer(Runnable task) {
            return q.offer(task);
        }

        @Override
        public Runnable poll() {
            Runnable task = q.poll();
            return task == null ? null : () -> runGuarded(task);
        }

        @Override
        public Runnable peek() {
            return q.peek();
        }

        @Override
        public boolean remove(Object o) {
            return q.remove(o);
        }

        @Override
        public boolean isEmpty() {
            return q.isEmpty();
        }

        @Override
        public int size() {
            return q.size();
        }

        @Override
        public Iterator<Runnable> iterator() {
            throw new UnsupportedOperationException();
        }
    }

    static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            logError("a task on zconn I/O thread " + Thread.currentThread().getName()
                    + " failed; the thread goes on", t);
        }
    }

    /**
     * First handler of a listening channel: when accepting fails (typically EMFILE, no descriptor
     * left), stops accepting for a back-off of 100 ms doubling to 1 s, so the loop does not spin,
     * and logs once per episode of failures rather than per attempt.
     */
    private static final class AcceptGuard extends ChannelInboundHandlerAdapter {
        private volatile String endpoint;
        private final SocketBase socket;
        private int failures;
        private long backoffMs = 100;

        AcceptGuard(String endpoint, SocketBase socket) {
            this.endpoint = endpoint;
            this.socket = socket;
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (failures > 0) {
                int n = failures;
                failures = 0;
                backoffMs = 100;
                LOG.log(System.Logger.Level.INFO, () -> "accepting on " + endpoint + " again after "
                        + n + " failed attempt(s)");
            }
            ctx.fireChannelRead(msg);
        }

        @SuppressWarnings("FutureReturnValueIgnored") // the re-enable task checks the channel itself
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Monitoring.emit(socket, io.zconn.engine.SocketEvent.Type.ACCEPT_FAILED, endpoint,
                    String.valueOf(cause.getMessage()).contains("Too many open files") ? Monitoring.EMFILE : 0, null, null);
            if (failures++ == 0) {
                logError("cannot accept connections on " + endpoint
                        + " (retrying with back-off; further failures are logged at DEBUG)", cause);
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> "accept on " + endpoint + " failed again: " + cause);
            }
            Channel server = ctx.channel();
            if (server.config().isAutoRead()) {
                server.config().setAutoRead(false);
                long delay = backoffMs;
                backoffMs = Math.min(backoffMs * 2, 1000);
                server.eventLoop().schedule(() -> {
                    if (server.isOpen()) {
                        server.config().setAutoRead(true);
                    }
                }, delay, TimeUnit.MILLISECONDS);
            }
        }

    }
}
