package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.zconn.engine.Frame;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.security.Authenticator;
import io.zconn.engine.security.CurveKeys;
import io.zconn.engine.security.SecurityConfig;
import io.zconn.engine.transport.stream.WarningLimiter.Kind;
import io.zconn.engine.zmtp.BodyPool;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.Cumulation;
import io.zconn.engine.zmtp.FrameDecoder;
import io.zconn.engine.zmtp.FrameEncoder;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.HandshakeListener;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.PeerInfo;
import io.zconn.engine.zmtp.ZmtpException;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One ZMTP connection after its handshake: decodes frames from the channel into the pipe to the
 * socket (pausing reads while that pipe is at its HWM), encodes batches of queued messages into
 * one buffer per write, converts subscriptions to SUBSCRIBE/CANCEL commands for ZMTP 3.1 peers,
 * answers PINGs and sends its own heartbeats. Runs on the channel's event loop only, except the
 * {@link Pipe.Events} callbacks, which hop onto it.
 *
 * <p>Inbound memory is bounded by what the peer sent: the {@link FrameDecoder} takes large bodies as
 * they arrive and {@link Cumulation} keeps only the undecoded rest (amortised linear). SUBSCRIBE and
 * CANCEL from ZMTP 3.1 peers go into the pipe as the frames ZMTP 3.0 uses for them, for PUB and
 * XPUB only, counted against the receive HWM exactly like data (reading stalls at the HWM and
 * resumes on {@link #writeActivated}); every other socket type drops them unread. A connection
 * this side drops (protocol error, oversized frame, refused or timed-out handshake, heartbeat
 * timeout, ERROR from the peer, an {@code Error}) is logged once at WARNING with the peer's
 * address and the reason, within the context's {@link WarningLimiter} budget (a storm of dropped
 * peers writes a few lines and a count, not a line each); an {@code Error} is also logged at
 * ERROR with its stack trace, always.
 */
// Netty channel futures: writes go out with the void promise (a failure reaches exceptionCaught)
// or close the channel on an I/O error themselves, and close() has nothing to report; no one awaits them.
@SuppressWarnings("FutureReturnValueIgnored")
final class ZmtpEngine extends ChannelInboundHandlerAdapter
        implements Pipe.Events, FrameDecoder.Sink, HandshakeListener {
    private static final System.Logger LOG = System.getLogger(ZmtpEngine.class.getName());
    private static final int WRITE_BUDGET = 256 * 1024;
    /** Encoding chunk: the largest size Netty's pooled allocator keeps in its thread caches. */
    private static final int WRITE_CHUNK = 32 * 1024;
    /**
     * A frame over a direct buffer at least this large is written from that buffer (its header
     * goes into the chunk, the body follows as its own buffer of the gathering write): below it,
     * copying into the chunk costs less than another buffer to write.
     */
    static final int ZERO_COPY_MIN = 8 * 1024;

    private final SocketType type;
    private final Options opts;
    private final SessionOwner owner;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushOutbound;
    private Channel channel;
    private Pipe pipe;
    private FrameDecoder decoder;
    private ByteBuf cumulation;
    private Frame stalled;
    private boolean readBlocked;
    /** The peer hung up (EOF) while what it sent before was still waiting for room in the pipe. */
    private boolean peerHungUp;
    private boolean moreIn;
    private boolean moreOut;
    private boolean subscriptionsAsCommands;
    private boolean terminating;
    private boolean closed;
    private boolean dropLogged;
    /** The routing id the peer announced, for its events; null when none. */
    private byte[] peerRoutingId;
    /** Whether the handshake's outcome is known (and a failure reported to monitors). */
    private boolean handshakeEnded;
    private long lastReceived = System.nanoTime();
    private long lastPingSent;
    private long peerTtlNanos;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> ttlCheck;

    ZmtpEngine(SocketType type, Options opts, SessionOwner owner) {
        this.type = type;
        this.opts = opts;
        this.owner = owner;
    }

    /**
     * Installs the handshake on a fresh channel; this engine joins the pipeline when it succeeds.
     * The security mechanism and this side's role in it come from the socket's options (MECHANISM,
     * PLAIN_SERVER), not from which side connected, as in libzmq.
     *
     * @param ch       the channel
     * @param accepted whether the connection was accepted (else made) by this side
     */
    void install(Channel ch, boolean accepted) {
        this.channel = ch;
        byte[] id = switch (type) {
            case REQ, DEALER, ROUTER -> opts.routingId();
            default -> new byte[0];
        };
        StreamTransport transport = owner.transport();
        Authenticator auth = transport == null ? Authenticator.NONE : transport.authenticator();
        int handshakeIvl = opts.get(ZmqOption.HANDSHAKE_IVL);
        SecurityConfig security = new SecurityConfig(opts.mechanism(), opts.asServer(),
                opts.get(ZmqOption.PLAIN_USERNAME), opts.get(ZmqOption.PLAIN_PASSWORD), opts.get(ZmqOption.ZAP_DOMAIN),
                opts.get(ZmqOption.ZAP_ENFORCE_DOMAIN), opts.routingId(), handshakeIvl > 0 ? handshakeIvl : 30_000, auth,
                new CurveKeys(opts.get(ZmqOption.CURVE_PUBLICKEY), opts.get(ZmqOption.CURVE_SECRETKEY),
                        opts.get(ZmqOption.CURVE_SERVERKEY)), opts.get(ZmqOption.MAXMSGSIZE));
        HandshakeConfig cfg = new HandshakeConfig(type, id, security.provider(), security.asServer(),
                opts.get(ZmqOption.MAXMSGSIZE), handshakeIvl);
        ch.pipeline().addLast("zmtp-handshake", new ZmtpHandshakeHandler(cfg, this));
        if (opts.get(ZmqOption.RECV_DIRECT)
                && ch.config().getRecvByteBufAllocator() instanceof MaxMessagesRecvByteBufAllocator a) {
            // before the first read: Netty keeps the handle it makes then for the channel's life
            ch.config().setRecvByteBufAllocator(new DirectReadAllocator(a, this::readTarget));
        }
        ch.closeFuture().addListener(f -> onClosed());
    }

    // ---- handshake ------------------------------------------------------------------------------

    @Override
    public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peer) {
        handshakeEnded = true;
        peerRoutingId = peer.routingId().length > 0 ? peer.routingId() : null;
        Monitoring.emit(owner.socket(), SocketEvent.Type.HANDSHAKE_SUCCEEDED, owner.endpoint(), 0, channel, peerRoutingId);
        Pipe p = owner.pipeFor(channel, peer);
        if (p == null) {
            ctx.close();
            return;
        }
        pipe = p;
        p.peer().remoteAddress(Monitoring.peer(channel)); // for the socket's metrics
        // the peer's EOF may be read while reads are paused for back-pressure (epoll reads once on
        // RDHUP): it then shuts our input only (userEventTriggered), so that the frames read before
        // it still reach the pipe as it drains, and the connection closes after them
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // like libzmq, SUBSCRIBE/CANCEL reach the socket through the pipe (HWM and back-pressure
        // included); only PUB/XPUB use them, the other types would drop them: drop them unread here
        // one immutable property set per connection, referenced by every frame it receives
        PeerMetadata metadata = Metadata.forConnection(PeerAddress.of(channel), peer.zapProperties(), peer.properties());
        decoder = new FrameDecoder(opts.get(ZmqOption.MAXMSGSIZE), this,
                type == SocketType.PUB || type == SocketType.XPUB
                        ? FrameDecoder.Subscriptions.AS_FRAMES : FrameDecoder.Subscriptions.DISCARD, metadata)
                .directBodies(opts.get(ZmqOption.RECV_DIRECT) ? BodyPool.SHARED : null);
        subscriptionsAsCommands = peer.minorVersion() >= 1 && (type == SocketType.SUB || type == SocketType.XSUB);
        ctx.pipeline().addLast("zmtp", this);
        pipe.setEvents(this);
        startHeartbeats();
        flushOutbound();
    }

    @Override
    public void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause) {
        SocketBase socket = owner.socket();
        boolean reported = handshakeEnded; // the close may have been seen first (see onClosed)
        handshakeEnded = true;
        if (socket != null && !owner.closing() && !reported) {
            socket.counters().handshakeFailed();
        }
        if (socket != null && socket.monitored() && !owner.closing() && !reported) {
            socket.event(handshakeFailure(cause));
        }
        if (cause instanceof ZmtpException z && z.isFatal()) {
            dropped(Kind.HANDSHAKE, "handshake failed: " + cause.getMessage());
            owner.refused(channel);
        } else if (cause instanceof ZmtpException z && z.isReported()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "handshake with " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
        } else if (cause instanceof ZmtpException) {
            // refused, timed out or broke the protocol: an operator wants to know
            dropped(Kind.HANDSHAKE, "handshake failed: " + cause.getMessage());
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> "handshake with " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
        }
    }

    /** The event libzmq emits for this handshake failure. */
    private SocketEvent handshakeFailure(ZmqException cause) {
        SocketEvent.Type type;
        int value;
        if (cause instanceof ZmtpException z && z.zapStatus() > 0) {
            type = SocketEvent.Type.HANDSHAKE_FAILED_AUTH;
            value = z.zapStatus();
        } else if (cause instanceof ZmtpException z && z.protocolCode() != 0) {
            type = SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL;
            value = z.protocolCode();
        } else {
            // the peer went away or was too slow: no protocol rule broken
            type = SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL;
            value = cause instanceof ZmtpException ? Monitoring.ETIMEDOUT
                    : cause.getMessage() != null && cause.getMessage().startsWith("connection closed")
                    ? Monitoring.EPIPE : Monitoring.ECONNRESET;
        }
        return new SocketEvent(type, owner.endpoint(), value, Monitoring.peer(channel), null);
    }

    // ---- inbound ----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        lastReceived = System.nanoTime();
        if (closed || pipe == null) {
            in.release();
            return;
        }
        cumulation = Cumulation.append(ctx.alloc(), cumulation, in);
        decodeAvailable();
    }

    /**
     * Where Netty's next read goes (on the loop, just before it): the rest of a large body in
     * pooled direct memory ({@link FrameDecoder#readTarget()}) when the socket's bytes come to this
     * engine unchanged (no CURVE layer under it) and nothing undecoded waits before them, so they
     * land where the body continues; else null (a buffer of Netty's).
     */
    private ByteBuf readTarget() {
        if (closed || decoder == null || cumulation != null || stalled != null || readBlocked
                || channel.pipeline().first() != this) {
            return null;
        }
        return decoder.readTarget();
    }

    private void decodeAvailable() {
        if (stalled != null) {
            if (!pipe.checkWrite()) {
                blockReads();
                return;
            }
            pipe.write(stalled);
            moreIn = stalled.hasMore();
            stalled = null;
        }
        readBlocked = false;
        if (cumulation != null) {
            try {
                decoder.decode(cumulation);
            } catch (ZmqException e) {
                dropped(Kind.PROTOCOL, e.getMessage());
                pipe.flush();
                close();
                return;
            } catch (OutOfMemoryError e) {
                LOG.log(System.Logger.Level.ERROR, "out of memory decoding from " + channel.remoteAddress(), e);
                dropped(Kind.FAILURE, "out of memory (" + e.getMessage() + "); consider MAXMSGSIZE");
                pipe.flush();
                close();
                return;
            }
            if (!cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            }
        }
        pipe.flush();
        if (readBlocked) {
            blockReads();
        } else if (peerHungUp) {
            close(); // all the peer sent before its EOF is in the pipe
        } else if (!channel.config().isAutoRead()) {
            // reads were blocked, and what was waiting is now all in the pipe: this happens when a
            // layer under the engine (CURVE's MESSAGE boxes) hands up more frames of a read after
            // the block, so the pipe's later write activation finds nothing blocked to resume
            channel.config().setAutoRead(true);
        }
    }

    /**
     * The peer hung up (half-closure is on once the handshake succeeded): as libzmq, which does not
     * read past a paused input, what was read before the EOF is delivered first; the connection
     * closes once it is all in the pipe (at once if it already is).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            peerHungUp = true;
            if (!readBlocked && stalled == null) {
                close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void blockReads() {
        readBlocked = true;
        channel.config().setAutoRead(false);
    }

    @Override
    public boolean onFrame(Frame frame) {
        if (!moreIn && !pipe.checkWrite()) {
            stalled = frame;
            readBlocked = true;
            return false;
        }
        pipe.write(frame);
        moreIn = frame.hasMore();
        return true;
    }

    @Override
    public boolean onCommand(Command command) {
        if (command instanceof Command.Ping ping) {
            // a peer that PINGs without reading our PONGs gets none past the write buffer's
            // watermark (libzmq keeps one pending PONG): PINGs cannot grow our outbound queue
            if (channel.isWritable()) {
                ByteBuf out = channel.alloc().ioBuffer(32);
                FrameEncoder.encodeCommand(new Command.Pong(ping.context()), out);
                channel.writeAndFlush(out, channel.voidPromise());
            }
            if (ping.ttlDeciseconds() > 0) {
                peerTtlNanos = TimeUnit.MILLISECONDS.toNanos(ping.ttlDeciseconds() * 100L);
                scheduleTtlCheck();
            }
        } else if (command instanceof Command.Error e) {
            dropped(Kind.PEER_ERROR, "peer sent ERROR: " + e.reason());
            close();
            return false;
        }
        return true;
    }

    @Override
    public void onDiscarded(String name, long size) {
        LOG.log(System.Logger.Level.DEBUG, () -> "ignoring " + name + " command of " + size + " bytes from " + channel.remoteAddress());
    }

    /**
     * Logs, once per connection, why it is being dropped, where an operator sees it (within the
     * context's budget for such lines: a storm of peers gets a summary, not a line each).
     */
    private void dropped(Kind kind, String reason) {
        if (dropLogged) {
            return;
        }
        dropLogged = true;
        warn(kind, () -> "dropping connection " + channel.localAddress() + " <- "
                + channel.remoteAddress() + " (" + type + "): " + reason, null);
    }

    /** A per-connection WARNING, through the context's {@link WarningLimiter} (directly for an engine alone). */
    private void warn(Kind kind, Supplier<String> message, Throwable thrown) {
        StreamTransport transport = owner.transport();
        if (transport == null) {
            LOG.log(System.Logger.Level.WARNING, message.get(), thrown);
            return;
        }
        EventLoop loop = channel.eventLoop();
        transport.dropWarnings().warn(kind, message, thrown,
                (task, delayNanos) -> loop.schedule(() -> StreamTransport.runGuarded(task), delayNanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public void writeActivated(Pipe p) {
        onLoop(() -> {
            if (!closed && pipe != null && (readBlocked || stalled != null)) {
                try {
                    decodeAvailable();
                } catch (RuntimeException | Error e) {
                    // not inside a handler call: route it where a channelRead failure would go
                    failed(e);
                    return;
                }
                if (!readBlocked && !peerHungUp) {
                    channel.config().setAutoRead(true);
                }
            }
        });
    }

    // ---- outbound ---------------------------------------------------------------------------------

    @Override
    public void readActivated(Pipe p) {
        if (flushScheduled.compareAndSet(false, true)) {
            onLoop(flushTask);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            flushOutbound();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    private void flushOutbound() {
        flushScheduled.set(false);
        if (closed || pipe == null || !channel.isWritable()) {
            return;
        }
        ByteBuf buf = null;
        int bytes = 0;
        boolean done = false;
        while (bytes < WRITE_BUDGET) {
            Frame f = pipe.read();
            if (f == null) {
                break;
            }
            if (f == Pipe.DELIMITER) {
                done = true;
                break;
            }
            // frames go into pooled chunks written together (one gathering write per flush); a
            // chunk is never grown, so no frame is copied twice
            boolean subscription = subscriptionsAsCommands && !moreOut && !f.hasMore() && f.size() > 0
                    && (f.byteAt(0) == 1 || f.byteAt(0) == 0);
            ByteBuffer direct = !subscription && f.size() >= ZERO_COPY_MIN && !f.hasArray() ? f.buffer() : null;
            if (direct != null && !direct.isDirect()) {
                direct = null;
            }
            // the header (or a SUBSCRIBE/CANCEL command's name), and the body unless written from its own buffer
            int need = (direct != null ? 0 : f.size()) + 24;
            if (buf == null || buf.writableBytes() < need) {
                if (buf != null) {
                    channel.write(buf, channel.voidPromise());
                }
                buf = channel.alloc().ioBuffer(Math.max(WRITE_CHUNK, need));
            }
            if (subscription) {
                byte[] d = f.data();
                byte[] topic = java.util.Arrays.copyOfRange(d, 1, d.length);
                FrameEncoder.encodeCommand(d[0] == 1 ? new Command.Subscribe(topic) : new Command.Cancel(topic), buf);
            } else if (direct != null) {
                // the application's direct buffer goes out as it is, after what the chunk holds so
                // far (the chunk's rest stays in use for the frames that follow)
                FrameEncoder.encodeHeader(f, buf);
                channel.write(buf.readRetainedSlice(buf.readableBytes()), channel.voidPromise());
                channel.write(Unpooled.wrappedBuffer(direct), channel.voidPromise());
            } else {
                FrameEncoder.encode(f, buf);
            }
            moreOut = f.hasMore();
            bytes += f.size() + 9;
        }
        if (buf != null && buf.isReadable()) {
            channel.writeAndFlush(buf, channel.voidPromise());
        } else {
            if (buf != null) {
                buf.release();
            }
            if (bytes > 0) {
                channel.flush();
            }
        }
        if (done) {
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(f -> channel.close());
        } else if (bytes >= WRITE_BUDGET) {
            readActivated(pipe);
        }
    }

    /**
     * The socket closed its end: send what it queued before, then hang up (on reading the
     * delimiter). LINGER starts now: 0 hangs up at once; a finite LINGER hangs up at its deadline
     * at the latest; -1 waits for delivery however long. Until the connection closes, the context
     * waits for it: registered here, on the closing thread, so {@code Context.close()} cannot miss
     * it.
     */
    @Override
    public void terminated(Pipe p) {
        int linger = opts.linger();
        long deadline = StreamTransport.deadline(linger);
        StreamTransport transport = owner.transport();
        if (linger != 0 && transport != null) {
            transport.lingerUntilClosed(channel, deadline);
        }
        onLoop(() -> {
            if (closed || terminating) {
                return;
            }
            terminating = true;
            if (linger == 0) {
                close();
                return;
            }
            flushOutbound();
            if (deadline != StreamTransport.FOREVER && !closed) {
                long left = Math.max(0, deadline - System.nanoTime());
                channel.eventLoop().schedule(() -> StreamTransport.runGuarded(this::close),
                        left, TimeUnit.NANOSECONDS);
            }
        });
    }

    /**
     * Hops onto the channel's loop. A {@link Pipe.Events} callback must not throw into the socket
     * calling it: if the loop died (the context is terminating then), the task is dropped.
     */
    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "I/O loop of " + channel + " is gone: " + e);
        }
    }

    // ---- heartbeats -------------------------------------------------------------------------------

    private void startHeartbeats() {
        int ivl = opts.get(ZmqOption.HEARTBEAT_IVL);
        if (ivl <= 0) {
            return;
        }
        int timeoutMs = opts.get(ZmqOption.HEARTBEAT_TIMEOUT);
        long timeout = TimeUnit.MILLISECONDS.toNanos(timeoutMs > 0 ? timeoutMs : ivl);
        int ttl = Math.min(opts.get(ZmqOption.HEARTBEAT_TTL) / 100, 0xFFFF);
        // a scheduled task's failure would stay in its future, unseen (and end a periodic task):
        // guard it, as every other timer of the transport is guarded
        heartbeat = channel.eventLoop().scheduleAtFixedRate(
                () -> StreamTransport.runGuarded(() -> heartbeatTick(timeout, ttl)), ivl, ivl, TimeUnit.MILLISECONDS);
    }

    private void heartbeatTick(long timeout, int ttl) {
        long now = System.nanoTime();
        if (lastPingSent != 0 && lastReceived - lastPingSent < 0 && now - lastPingSent >= timeout) {
            dropped(Kind.HEARTBEAT, "heartbeat timeout: nothing received for " + timeoutMs(timeout) + " ms after a PING");
            close();
            return;
        }
        if (lastPingSent == 0 || lastReceived - lastPingSent >= 0) {
            ByteBuf out = channel.alloc().ioBuffer(16);
            FrameEncoder.encodeCommand(new Command.Ping(ttl, new byte[0]), out);
            channel.writeAndFlush(out, channel.voidPromise());
            lastPingSent = now;
        }
    }

    private void scheduleTtlCheck() {
        if (ttlCheck != null) {
            ttlCheck.cancel(false);
        }
        long ttl = peerTtlNanos;
        ttlCheck = channel.eventLoop().schedule(() -> StreamTransport.runGuarded(() -> {
            if (System.nanoTime() - lastReceived >= ttl) {
                dropped(Kind.HEARTBEAT, "peer's heartbeat TTL of " + timeoutMs(ttl) + " ms expired");
                close();
            } else {
                scheduleTtlCheck();
            }
        }), ttl, TimeUnit.NANOSECONDS);
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failed(cause);
    }

    /** Logs a failure where an operator sees it (an Error at ERROR, never silently) and closes. */
    private void failed(Throwable cause) {
        if (cause instanceof Error) {
            // safe: falls back to stderr should logging itself fail (e.g. no descriptor left)
            StreamTransport.logError(LOG, "error on connection " + channel.remoteAddress() + ": closing it", cause);
            dropped(Kind.FAILURE, cause.toString());
        } else if (cause instanceof ZmqException z) {
            // a layer under the engine refused the peer's bytes (CURVE: a box that does not open)
            dropped(Kind.PROTOCOL, z.getMessage());
        } else if (cause instanceof java.io.IOException) {
            // the network or the peer ended it (reset, broken pipe): nothing we decided
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + channel.remoteAddress() + " failed: " + cause);
        } else {
            warn(Kind.FAILURE, () -> "unexpected failure on connection " + channel.remoteAddress(), cause);
            dropped(Kind.FAILURE, cause.toString());
        }
        close();
    }

    private static long timeoutMs(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Closes the connection now. */
    void close() {
        channel.close();
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (ttlCheck != null) {
            ttlCheck.cancel(false);
        }
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (pipe != null) {
            if (moreIn) {
                pipe.rollback();
            }
            pipe.flush();
        }
        SocketBase socket = owner.socket();
        if (socket != null && !terminating && !owner.closing() && owner.wasConnected(channel) && !handshakeEnded) {
            // Netty tells the close before the handshake hears of it: the failure comes first, as in libzmq
            handshakeEnded = true;
            socket.counters().handshakeFailed();
            if (socket.monitored()) {
                socket.event(handshakeFailure(new ZmqException(io.zconn.engine.Errno.EOTHER, "connection closed during handshake")));
            }
        }
        if (socket != null && socket.monitored() && !terminating && !owner.closing() && owner.wasConnected(channel)) {
            socket.event(new SocketEvent(SocketEvent.Type.DISCONNECTED, owner.endpoint(), Monitoring.fd(channel),
                    Monitoring.peer(channel), peerRoutingId));
        }
        owner.closed(channel, pipe);
    }

    Channel channel() {
        return channel;
    }
}
