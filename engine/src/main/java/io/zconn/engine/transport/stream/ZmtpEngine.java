package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Options;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.security.NullMechanism;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.FrameDecoder;
import io.zconn.engine.zmtp.FrameEncoder;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.HandshakeListener;
import io.zconn.engine.zmtp.PeerInfo;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ZMTP connection after its handshake: decodes frames from the channel into the pipe to the
 * socket (pausing reads while that pipe is at its HWM), encodes batches of queued messages into
 * one buffer per write, converts subscriptions to SUBSCRIBE/CANCEL commands for ZMTP 3.1 peers,
 * answers PINGs and sends its own heartbeats. Runs on the channel's event loop only, except the
 * {@link Pipe.Events} callbacks, which hop onto it.
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
    private boolean moreIn;
    private boolean moreOut;
    private boolean subscriptionsAsCommands;
    private boolean terminating;
    private boolean closed;
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

    /** Installs the handshake on a fresh channel; this engine joins the pipeline when it succeeds. */
    void install(Channel ch, boolean asServer) {
        this.channel = ch;
        byte[] id = switch (type) {
            case REQ, DEALER, ROUTER -> opts.routingId();
            default -> new byte[0];
        };
        HandshakeConfig cfg = new HandshakeConfig(type, id, NullMechanism.PROVIDER, asServer,
                opts.get(ZmqOption.MAXMSGSIZE), 30_000);
        ch.pipeline().addLast("zmtp-handshake", new ZmtpHandshakeHandler(cfg, this));
        ch.closeFuture().addListener(f -> onClosed());
    }

    // ---- handshake ------------------------------------------------------------------------------

    @Override
    public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peer) {
        Pipe p = owner.pipeFor(this, peer);
        if (p == null) {
            ctx.close();
            return;
        }
        pipe = p;
        decoder = new FrameDecoder(opts.get(ZmqOption.MAXMSGSIZE), this);
        subscriptionsAsCommands = peer.minorVersion() >= 1 && (type == SocketType.SUB || type == SocketType.XSUB);
        ctx.pipeline().addLast("zmtp", this);
        pipe.setEvents(this);
        startHeartbeats();
        flushOutbound();
    }

    @Override
    public void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause) {
        LOG.log(System.Logger.Level.DEBUG, () -> "handshake with " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
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
        if (cumulation == null) {
            cumulation = in;
        } else {
            if (cumulation.writableBytes() < in.readableBytes() || cumulation.refCnt() > 1 || cumulation.isReadOnly()) {
                ByteBuf bigger = ctx.alloc().buffer(cumulation.readableBytes() + in.readableBytes());
                bigger.writeBytes(cumulation);
                cumulation.release();
                cumulation = bigger;
            }
            cumulation.writeBytes(in);
            in.release();
        }
        decodeAvailable();
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
                LOG.log(System.Logger.Level.WARNING, "dropping connection from " + channel.remoteAddress() + ": " + e.getMessage());
                pipe.flush();
                close();
                return;
            }
            if (!cumulation.isReadable()) {
                cumulation.release();
                cumulation = null;
            } else if (cumulation.readerIndex() > 0 && cumulation.readerIndex() > cumulation.capacity() / 2) {
                cumulation.discardReadBytes();
            }
        }
        pipe.flush();
        if (readBlocked) {
            blockReads();
        }
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
    public void onCommand(Command command) {
        if (command instanceof Command.Ping ping) {
            ByteBuf out = channel.alloc().ioBuffer(32);
            FrameEncoder.encodeCommand(new Command.Pong(ping.context()), out);
            channel.writeAndFlush(out, channel.voidPromise());
            if (ping.ttlDeciseconds() > 0) {
                peerTtlNanos = TimeUnit.MILLISECONDS.toNanos(ping.ttlDeciseconds() * 100L);
                scheduleTtlCheck();
            }
        } else if (command instanceof Command.Subscribe s) {
            writeSubscription((byte) 1, s.topic());
        } else if (command instanceof Command.Cancel c) {
            writeSubscription((byte) 0, c.topic());
        } else if (command instanceof Command.Error e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "peer " + channel.remoteAddress() + " sent ERROR: " + e.reason());
            close();
        } else if (!(command instanceof Command.Pong)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "ignoring unexpected command " + command.name());
        }
    }

    private void writeSubscription(byte kind, byte[] topic) {
        byte[] d = new byte[topic.length + 1];
        d[0] = kind;
        System.arraycopy(topic, 0, d, 1, topic.length);
        pipe.write(Frame.wrap(d)); // subscriptions pass even at the HWM, as in libzmq
    }

    @Override
    public void writeActivated(Pipe p) {
        channel.eventLoop().execute(() -> {
            if (!closed && pipe != null && (readBlocked || stalled != null)) {
                decodeAvailable();
                if (!readBlocked) {
                    channel.config().setAutoRead(true);
                }
            }
        });
    }

    // ---- outbound ---------------------------------------------------------------------------------

    @Override
    public void readActivated(Pipe p) {
        if (flushScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(flushTask);
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
            int need = f.size() + 24; // header, or a SUBSCRIBE/CANCEL command's name
            if (buf == null || buf.writableBytes() < need) {
                if (buf != null) {
                    channel.write(buf, channel.voidPromise());
                }
                buf = channel.alloc().ioBuffer(Math.max(WRITE_CHUNK, need));
            }
            if (subscriptionsAsCommands && !moreOut && !f.hasMore() && f.size() > 0
                    && (f.byteAt(0) == 1 || f.byteAt(0) == 0)) {
                byte[] d = f.data();
                byte[] topic = java.util.Arrays.copyOfRange(d, 1, d.length);
                FrameEncoder.encodeCommand(d[0] == 1 ? new Command.Subscribe(topic) : new Command.Cancel(topic), buf);
            } else {
                FrameEncoder.encode(f, buf);
            }
            moreOut = f.hasMore();
            bytes += f.size() + 9;
        }
        if (buf != null) {
            channel.writeAndFlush(buf, channel.voidPromise());
        }
        if (done) {
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(f -> channel.close());
        } else if (bytes >= WRITE_BUDGET) {
            readActivated(pipe);
        }
    }

    @Override
    public void terminated(Pipe p) {
        channel.eventLoop().execute(() -> {
            if (closed || terminating) {
                return;
            }
            terminating = true;
            int linger = opts.linger();
            if (linger == 0) {
                close();
                return;
            }
            flushOutbound();
            if (linger > 0) {
                channel.eventLoop().schedule(this::close, linger, TimeUnit.MILLISECONDS);
            }
        });
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
        heartbeat = channel.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (lastPingSent != 0 && lastReceived - lastPingSent < 0 && now - lastPingSent >= timeout) {
                LOG.log(System.Logger.Level.DEBUG, () -> "heartbeat timeout: closing " + channel.remoteAddress());
                close();
                return;
            }
            if (lastPingSent == 0 || lastReceived - lastPingSent >= 0) {
                ByteBuf out = channel.alloc().ioBuffer(16);
                FrameEncoder.encodeCommand(new Command.Ping(ttl, new byte[0]), out);
                channel.writeAndFlush(out, channel.voidPromise());
                lastPingSent = now;
            }
        }, ivl, ivl, TimeUnit.MILLISECONDS);
    }

    private void scheduleTtlCheck() {
        if (ttlCheck != null) {
            ttlCheck.cancel(false);
        }
        long ttl = peerTtlNanos;
        ttlCheck = channel.eventLoop().schedule(() -> {
            if (System.nanoTime() - lastReceived >= ttl) {
                LOG.log(System.Logger.Level.DEBUG, () -> "peer TTL expired: closing " + channel.remoteAddress());
                close();
            } else {
                scheduleTtlCheck();
            }
        }, ttl, TimeUnit.NANOSECONDS);
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        close();
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
        owner.closed(this, pipe);
    }

    Channel channel() {
        return channel;
    }
}
