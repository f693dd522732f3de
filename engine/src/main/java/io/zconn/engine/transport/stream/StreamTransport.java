package io.zconn.engine.transport.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;

import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The tcp and ipc transports, on Netty: epoll (with Unix domain sockets) where available, else NIO
 * (tcp only). The event loops run on threads from the host's executor or thread factory.
 */
public final class StreamTransport {
    private final EventLoopGroup group;
    private final boolean epoll;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final Set<Object> lingerers = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger loopsRunning = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param ioThreads     number of event loops
     * @param threadFactory makes their threads (null for zconn's daemon threads)
     * @param executor      or runs them (takes precedence)
     */
    public StreamTransport(int ioThreads, ThreadFactory threadFactory, Executor executor) {
        Executor host = executor != null ? executor
                : new ThreadPerTaskExecutor(threadFactory != null ? threadFactory
                : new DefaultThreadFactory("zconn-io", true));
        // count the loops still running on host threads, so shutdown returns only once every
        // task has handed its thread back
        Executor ex = task -> {
            loopsRunning.incrementAndGet();
            try {
                host.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        loopDone();
                    }
                });
            } catch (RuntimeException e) {
                loopDone();
                throw e;
            }
        };
        this.epoll = Epoll.isAvailable() && !Boolean.getBoolean("io.zconn.noEpoll");
        this.group = epoll ? new EpollEventLoopGroup(ioThreads, ex) : new NioEventLoopGroup(ioThreads, ex);
    }

    /**
     * Binds a tcp or ipc endpoint; returns once listening.
     *
     * @param socket the socket
     * @param ep     the endpoint
     * @return the listener
     */
    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        Options opts = socket.optionsSnapshot();
        boolean ipc = ep.transport() == Endpoint.Transport.IPC;
        checkIpc(ipc, ep);
        SocketAddress addr = Addresses.forBind(ep, opts.get(ZmqOption.IPV6));
        Listener listener = new Listener(socket, opts);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(serverChannel(ipc, addr))
                .option(ChannelOption.SO_BACKLOG, opts.get(ZmqOption.BACKLOG))
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
            throw new ZmqException(errno, "cannot bind " + ep + ": " + c.getMessage(), c);
        }
        listener.bound(f.channel(), resolved(ep, f.channel().localAddress()));
        return listener;
    }

    /**
     * Starts connecting to a tcp or ipc endpoint; returns at once.
     *
     * @param socket the socket (its lock is held)
     * @param ep     the endpoint
     * @return the connecter
     */
    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        Options opts = socket.optionsSnapshot();
        boolean ipc = ep.transport() == Endpoint.Transport.IPC;
        checkIpc(ipc, ep);
        SocketAddress addr = Addresses.forConnect(ep, opts.get(ZmqOption.IPV6));
        EventLoop loop = group.next();
        Connecter[] holder = new Connecter[1];
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(ipc ? (epoll ? EpollDomainSocketChannel.class : null) : (epoll ? EpollSocketChannel.class : NioSocketChannel.class))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
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
        ch.closeFuture().addListener(f -> channels.remove(ch));
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
    private ChannelFactory<ServerChannel> serverChannel(boolean ipc, SocketAddress addr) {
        if (ipc) {
            return EpollServerDomainSocketChannel::new;
        }
        InternetProtocolFamily family = ((InetSocketAddress) addr).getAddress() instanceof Inet4Address
                ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        return epoll ? () -> new EpollServerSocketChannel(family)
                : () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
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
        }
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

    void lingering(Object o, boolean on) {
        if (on) {
            lingerers.add(o);
        } else {
            lingerers.remove(o);
        }
    }

    /** Waits for lingering connections to finish, then stops the event loops and their threads. */
    public void shutdown() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!channels.isEmpty() || !lingerers.isEmpty()) && System.nanoTime() < deadline) {
            Channel any = channels.stream().findFirst().orElse(null);
            if (any != null) {
                any.closeFuture().awaitUninterruptibly(50);
            } else {
                try {
                    Thread.sleep(10); // a lingering connecter between attempts has no channel to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (loopsRunning) {
            while (loopsRunning.get() > 0 && System.nanoTime() < until) {
                try {
                    loopsRunning.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void loopDone() {
        loopsRunning.decrementAndGet();
        synchronized (loopsRunning) {
            loopsRunning.notifyAll();
        }
    }
}
