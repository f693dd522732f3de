package io.zconn.engine.transport.stream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A connected tcp or ipc endpoint: keeps one connection up, reconnecting after RECONNECT_IVL
 * (doubling up to RECONNECT_IVL_MAX) when it fails or drops. Its pipe to the socket outlives the
 * connections, so messages queued while disconnected are sent once connected — unless IMMEDIATE
 * is set or the socket must know the peer's routing id first (ROUTER without CONNECT_ROUTING_ID),
 * in which case each connection gets its own pipe after its handshake.
 */
@SuppressWarnings("FutureReturnValueIgnored") // Netty close() futures: nothing to report, no one awaits them
final class Connecter implements EndpointHandle, SessionOwner {
    private static final System.Logger LOG = System.getLogger(Connecter.class.getName());

    private final StreamTransport transport;
    private final SocketBase socket;
    private final Options opts;
    private final String endpoint;
    private final SocketAddress address;
    private final boolean ipv6;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final boolean pipePerConnection;
    private final Pipe.Events idle;
    /** The routing id CONNECT_ROUTING_ID gave this connection's peer, or null. */
    private final byte[] connectRoutingId;
    private Pipe sessionPipe;
    private boolean sessionPipeConnected;
    private int interval;
    private volatile boolean closed;
    private boolean lingering;
    private boolean stopped;
    private ScheduledFuture<?> lingerTimer;
    private Channel current;
    private ScheduledFuture<?> retry;
    private boolean refused;
    /** The last connection attempt that succeeded (on the loop). */
    private Channel connected;
    /** Whether a handshake ever completed through this connecter (on the loop): the next one is a reconnect. */
    private boolean handshaken;

    Connecter(StreamTransport transport, SocketBase socket, Options opts, String endpoint, SocketAddress address,
              EventLoop loop, Bootstrap bootstrap) {
        this.transport = transport;
        this.socket = socket;
        this.opts = opts;
        this.endpoint = endpoint;
        this.address = address;
        this.ipv6 = opts.get(ZmqOption.IPV6);
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.connectRoutingId = opts.connectRoutingId();
        // a ROUTER told the peer's routing id (CONNECT_ROUTING_ID) routes to it before the handshake
        this.pipePerConnection = opts.get(ZmqOption.IMMEDIATE)
                || (socket.needsPeerRoutingId() && connectRoutingId == null);
        this.interval = opts.get(ZmqOption.RECONNECT_IVL);
        this.idle = new Pipe.Events() {
            @Override
            public void readActivated(Pipe pipe) {
            }

            @Override
            public void writeActivated(Pipe pipe) {
            }

            @Override
            public void terminated(Pipe pipe) {
                onLoop(() -> {
                    if (current == null && !lingering) {
                        stop();
                    }
                });
            }
        };
    }

    /** Starts connecting; the caller holds the socket's lock. */
    void start() {
        if (!pipePerConnection) {
            Pipe[] pair = Pipe.pair(opts.sndHwm(), opts.rcvHwm(), opts.get(ZmqOption.CONFLATE));
            pair[0].attachment(this);
            pair[0].routingId(connectRoutingId);
            sessionPipe = pair[1];
            sessionPipe.setEvents(idle);
            pair[0].connected(false); // no peer until a handshake completes (see pipeFor)
            socket.attachNow(pair[0]);
        }
        onLoop(this::attempt);
    }

    /** Runs a task on this connecter's loop; if the loop is gone, there is nothing left to do. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            transport.lingerDone(this);
            LOG.log(System.Logger.Level.DEBUG, () -> "I/O loop of " + endpoint + " is gone: " + e);
        }
    }

    private void attempt() {
        retry = null;
        if (stopped || (closed && !lingering) || current != null) {
            return;
        }
        SocketAddress target = address;
        if (address instanceof InetSocketAddress isa) {
            try {
                target = Addresses.resolveNow(isa, ipv6);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "cannot resolve " + endpoint + ": " + e.getMessage());
                scheduleRetry();
                return;
            }
        }
        ChannelFuture f = bootstrap.connect(target);
        Channel ch = f.channel();
        current = ch;
        if (!f.isDone()) {
            Monitoring.emit(socket, SocketEvent.Type.CONNECT_DELAYED, endpoint, Monitoring.EINPROGRESS, null, null);
        }
        f.addListener(done -> {
            if (done.isSuccess()) {
                connected = ch;
                Monitoring.emitFd(socket, SocketEvent.Type.CONNECTED, endpoint, ch);
            } else {
                current = null;
                Monitoring.emitFd(socket, SocketEvent.Type.CLOSED, endpoint, ch);
                scheduleRetry();
            }
        });
    }

    void initChannel(Channel ch) {
        if (socket.type() == SocketType.STREAM) {
            new RawEngine(opts, this).install(ch);
        } else {
            new ZmtpEngine(socket.type(), opts, this).install(ch, false);
        }
    }

    private void scheduleRetry() {
        int ivl = opts.get(ZmqOption.RECONNECT_IVL);
        if ((closed && !lingering) || ivl < 0) {
            return;
        }
        int delay = Math.max(1, interval);
        // a scheduled task's failure would be kept in its future, unseen: guard it
        retry = loop.schedule(() -> StreamTransport.runGuarded(this::attempt), delay, TimeUnit.MILLISECONDS);
        socket.counters().connectRetried();
        Monitoring.emit(socket, SocketEvent.Type.CONNECT_RETRIED, endpoint, delay, null, null);
        int max = opts.get(ZmqOption.RECONNECT_IVL_MAX);
        if (max > ivl) {
            interval = (int) Math.min((long) interval * 2, max);
        }
    }

    @Override
    public Pipe pipeFor(Channel channel, PeerInfo peer) {
        interval = opts.get(ZmqOption.RECONNECT_IVL);
        if (closed && !lingering) {
            return null;
        }
        if (handshaken) {
            socket.counters().reconnected();
        }
        handshaken = true;
        if (pipePerConnection) {
            Pipe[] pair = Pipe.pair(opts.sndHwm(), opts.rcvHwm(), opts.get(ZmqOption.CONFLATE));
            pair[0].routingId(connectRoutingId != null ? connectRoutingId
                    : peer.routingId().length > 0 ? peer.routingId() : null);
            pair[0].peerSocketType(peer.socketType());
            pair[0].attachment(this);
            socket.attachLater(pair[0]);
            return pair[1];
        }
        if (sessionPipeConnected && !closed) {
            // a new peer behind the same pipe: the socket re-sends its per-peer state (subscriptions)
            socket.hiccupLater(sessionPipe.peer());
        }
        sessionPipeConnected = true;
        sessionPipe.peer().connected(true);
        socket.peersChanged();
        return sessionPipe; // after the socket closed, the engine sends what is queued, then hangs up
    }

    @Override
    public void refused(Channel channel) {
        refused = true;
    }

    @Override
    public void closed(Channel channel, Pipe pipe) {
        if (channel == current) {
            current = null;
        }
        if (refused && pipe == null) {
            // refused for good (credentials, mechanism): as libzmq, this endpoint is given up; its
            // pipe ends, so nothing more is queued for a peer that will never take it
            LOG.log(System.Logger.Level.WARNING, "not reconnecting to " + endpoint
                    + " (the peer refused this socket; see the warning above); disconnect and connect again to retry");
            if (!pipePerConnection && sessionPipe != null) {
                sessionPipe.terminate();
            }
            stop();
            return;
        }
        if (pipe != null) {
            if (pipePerConnection) {
                pipe.terminate();
            } else {
                pipe.setEvents(idle);
                pipe.peer().connected(false);
                socket.peersChanged();
                // the backlog is exact once the engine has taken the delimiter
                if (pipe.isPeerTerminated() && (!lingering || pipe.peer().outboundBacklog() <= 0)) {
                    stop();
                    return;
                }
            }
        }
        if (channel != connected) {
            return; // an attempt that never connected: its connect listener has scheduled the retry
        }
        scheduleRetry();
    }

    private void stop() {
        stopped = true;
        closed = true;
        lingering = false;
        transport.lingerDone(this);
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    @Override
    public SocketBase socket() {
        return socket;
    }

    @Override
    public boolean closing() {
        return closed;
    }

    @Override
    public boolean wasConnected(Channel channel) {
        return channel == connected;
    }

    @Override
    public StreamTransport transport() {
        return transport;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        int linger = opts.linger();
        // with LINGER, queued messages are still delivered: keep (re)connecting until they are
        // sent or LINGER expires; the socket terminates the pipe right after this call
        boolean keepTrying = linger != 0 && !pipePerConnection && sessionPipe != null
                && sessionPipe.peer().outboundBacklog() > 0;
        long deadline = StreamTransport.deadline(linger);
        if (keepTrying) {
            transport.lingerUntil(this, deadline); // before returning: the context waits for it
        }
        closed = true;
        onLoop(() -> {
            if (stopped) {
                transport.lingerDone(this);
                return; // the queue was already delivered and the connection ended
            }
            if (keepTrying) {
                lingering = true;
                if (deadline != StreamTransport.FOREVER) {
                    long left = Math.max(0, deadline - System.nanoTime());
                    lingerTimer = loop.schedule(() -> StreamTransport.runGuarded(this::abort), left, TimeUnit.NANOSECONDS);
                }
                if (current == null && retry == null) {
                    attempt();
                }
                return;
            }
            abort();
        });
    }

    private void abort() {
        boolean lingerExpired = lingering;
        stop();
        Channel c = current;
        if (c != null && (lingerExpired || !StreamTransport.established(c))) {
            c.close(); // LINGER is over, or still connecting: nothing more to deliver through it
        }
    }
}
