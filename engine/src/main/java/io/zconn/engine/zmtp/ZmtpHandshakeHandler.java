package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the ZMTP 3 handshake on a new connection: sends our greeting, checks the peer's as its
 * bytes arrive (a non-ZMTP peer is refused at its first byte), then lets the security mechanism
 * exchange its commands. On success it tells the {@link HandshakeListener}, which installs the
 * data-phase handler, passes on any bytes already received and removes itself from the pipeline.
 * Every failure goes to the listener and closes the connection; nothing is thrown further.
 *
 * <p>Handshake commands are read by a {@link FrameDecoder#forHandshake handshake decoder}: bounded by
 * MAXMSGSIZE only, as in libzmq (so a large READY that libzmq accepts is accepted), and held only as
 * their bytes arrive (64 KiB chunks), never sized by the announced length; READY metadata is then
 * read in one linear pass over those bytes ({@link Metadata}). The whole handshake is bounded in time
 * by {@link HandshakeConfig#handshakeTimeoutMillis()} (the socket's HANDSHAKE_IVL). A failure is a
 * {@link ZmtpException} when the peer broke the protocol, was refused or was too slow, and a plain
 * {@link ZmqException} when the connection just went away.
 */
// Netty channel futures: a failed handshake write closes the channel (channelInactive fails the
// handshake) and the handshake timeout covers a stalled one; close() has nothing to report.
@SuppressWarnings("FutureReturnValueIgnored")
public final class ZmtpHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ZmtpHandshakeHandler.class.getName());

    private final HandshakeConfig config;
    private final HandshakeListener listener;
    private ByteBuf buf;
    private Greeting peerGreeting;
    private Mechanism mechanism;
    private FrameDecoder decoder;
    private boolean started;
    private ByteBuf greetingMajor;
    private ByteBuf greetingRest;
    private boolean done;
    private ScheduledFuture<?> timeout;
    /** Inside {@link #channelRead}: what the read makes us send is flushed once, at its end. */
    private boolean reading;
    /** Written but not flushed yet (see {@link #reading}). */
    private boolean unflushed;

    /**
     * @param config   what to announce and accept
     * @param listener told the outcome
     */
    public ZmtpHandshakeHandler(HandshakeConfig config, HandshakeListener listener) {
        this.config = config;
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        // like libzmq: the signature first, the major version once the peer's signature has
        // arrived, the rest once its major version has; some peers (JeroMQ) stall when the whole
        // greeting comes before their own signature, and libzmq, which closes at once on a
        // mechanism mismatch, has then sent its whole greeting, so the mismatch is seen here too
        ByteBuf g = ctx.alloc().buffer(Greeting.SIZE);
        new Greeting(3, 1, config.mechanism().name(), config.asServer()).encode(g);
        greetingMajor = g.retainedSlice(Greeting.SIGNATURE_SIZE, 1);
        greetingRest = g.retainedSlice(Greeting.SIGNATURE_SIZE + 1, Greeting.SIZE - Greeting.SIGNATURE_SIZE - 1);
        ctx.writeAndFlush(g.slice(0, Greeting.SIGNATURE_SIZE));
        if (config.handshakeTimeoutMillis() > 0) {
            timeout = ctx.executor().schedule(
                    () -> fail(ctx, new ZmtpException("handshake timed out").protocolCode(0)),
                    config.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (done) {
            ctx.fireChannelRead(in);
            return;
        }
        buf = Cumulation.append(ctx.alloc(), buf, in);
        // what one read makes us send (the greeting's rest, a READY, and after success the first
        // data the engine has queued) leaves in one write, not one per part
        reading = true;
        try {
            process(ctx);
        } catch (ZmqException e) {
            fail(ctx, e);
        } catch (RuntimeException e) {
            fail(ctx, new ZmtpException("malformed handshake: " + e));
        } finally {
            reading = false;
            flushWritten(ctx);
        }
    }

    /** Writes {@code out}; flushed at once unless inside a read, which flushes at its end. */
    private void send(ChannelHandlerContext ctx, ByteBuf out) {
        ctx.write(out);
        unflushed = true;
        if (!reading) {
            flushWritten(ctx);
        }
    }

    private void flushWritten(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void process(ChannelHandlerContext ctx) {
        if (peerGreeting == null) {
            Greeting.checkSignature(buf);
            if (greetingMajor != null && buf.readableBytes() >= Greeting.SIGNATURE_SIZE) {
                // flushed alone, as before: a libzmq peer that got our major version and the rest
                // together could see a mechanism mismatch and close before sending its own rest,
                // and we would retry forever without seeing the mismatch
                ctx.writeAndFlush(greetingMajor);
                greetingMajor = null;
            }
            if (greetingRest != null && buf.readableBytes() > Greeting.SIGNATURE_SIZE) {
                ByteBuf rest = greetingRest;
                greetingRest = null;
                send(ctx, rest);
            }
            if (buf.readableBytes() < Greeting.SIZE) {
                return;
            }
            peerGreeting = Greeting.decode(buf);
            if (!peerGreeting.mechanism().equals(config.mechanism().name())) {
                // as libzmq: no ERROR command (none can be understood yet), the connection is closed
                // and a connecting side does not retry
                throw ZmtpException.fatal("security mechanism mismatch: the peer uses " + printable(peerGreeting.mechanism())
                        + ", this socket " + config.mechanism().name()).protocolCode(ZmtpException.MECHANISM_MISMATCH);
            }
            mechanism = config.mechanism().create(new Session(ctx));
            decoder = FrameDecoder.forHandshake(config.maxMsgSize(), new FrameDecoder.Sink() {
                @Override
                public boolean onFrame(Frame frame) {
                    throw new ZmtpException("data frame before the handshake completed").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
                }

                @Override
                public boolean onCommand(Command command) {
                    return handshakeCommand(ctx, command);
                }
            }, mechanism.rawCommands());
            sendPending(ctx);
        }
        decoder.decode(buf);
        if (mechanism.status() == Mechanism.Status.READY) {
            succeed(ctx);
        } else if (buf != null && !buf.isReadable()) {
            buf.release();
            buf = null;
        }
    }

    /** @return whether to decode on (false once the handshake is complete: the rest is data) */
    private boolean handshakeCommand(ChannelHandlerContext ctx, Command c) {
        mechanism.processHandshakeCommand(c);
        sendPending(ctx);
        return switch (mechanism.status()) {
            case ERROR -> throw mechanism.failure();
            case READY -> false;
            default -> true;
        };
    }

    /** Goes on after the mechanism was resumed (a ZAP reply): send what it has, act on its status. */
    private void progress(ChannelHandlerContext ctx) {
        sendPending(ctx);
        switch (mechanism.status()) {
            case ERROR -> throw mechanism.failure();
            case READY -> succeed(ctx);
            default -> {
            }
        }
    }

    private static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return b.toString();
    }

    /** The connection as its mechanism sees it. */
    private final class Session implements HandshakeSession {
        private final ChannelHandlerContext ctx;
        private final Map<String, byte[]> local = ZmtpHandshakeHandler.this.localProperties();

        Session(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public io.zconn.engine.SocketType socketType() {
            return config.socketType();
        }

        @Override
        public Map<String, byte[]> localProperties() {
            return local;
        }

        @Override
        public boolean asServer() {
            return config.asServer();
        }

        @Override
        public String peerAddress() {
            return ZmtpHandshakeHandler.peerAddress(ctx.channel());
        }

        @Override
        public void resume(Runnable task) {
            try {
                ctx.executor().execute(() -> {
                    if (done) {
                        return;
                    }
                    try {
                        task.run();
                        progress(ctx);
                    } catch (ZmqException e) {
                        fail(ctx, e);
                    } catch (RuntimeException e) {
                        fail(ctx, new ZmtpException("handshake failed: " + e));
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "I/O loop of " + ctx.channel() + " is gone: " + e);
            }
        }

        @Override
        public void schedule(Runnable task, long delayMillis) {
            try {
                ctx.executor().schedule(() -> resume(task), delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "I/O loop of " + ctx.channel() + " is gone: " + e);
            }
        }
    }

    /**
     * @param ch a connection
     * @return the peer's address as libzmq's ZAP requests give it: the IP address for tcp, the peer
     *         process's {@code :uid:gid:pid} for ipc where known, else empty
     */
    static String peerAddress(io.netty.channel.Channel ch) {
        java.net.SocketAddress a = ch.remoteAddress();
        if (a instanceof java.net.InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress();
        }
        if (ch instanceof io.netty.channel.epoll.EpollDomainSocketChannel d) {
            try {
                io.netty.channel.unix.PeerCredentials c = d.peerCredentials();
                int[] gids = c.gids();
                return ":" + c.uid() + ":" + (gids.length > 0 ? gids[0] : "") + ":" + c.pid();
            } catch (java.io.IOException | RuntimeException e) {
                return "";
            }
        }
        return "";
    }

    private Map<String, byte[]> localProperties() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        p.put("Socket-Type", config.socketType().name().getBytes(StandardCharsets.US_ASCII));
        // as libzmq: REQ, DEALER and ROUTER always announce their Identity, empty when none is set
        byte[] id = config.routingId() == null ? new byte[0] : config.routingId();
        SocketType t = config.socketType();
        if (id.length > 0 || t == SocketType.REQ || t == SocketType.DEALER || t == SocketType.ROUTER) {
            p.put("Identity", id);
        }
        return p;
    }

    private void sendPending(ChannelHandlerContext ctx) {
        Command c;
        while ((c = mechanism.nextHandshakeCommand()) != null) {
            ByteBuf out = ctx.alloc().buffer(64);
            FrameEncoder.encodeCommand(c, out);
            send(ctx, out);
        }
    }

    private void succeed(ChannelHandlerContext ctx) {
        done = true;
        cancelTimeout();
        mechanism.close();
        Map<String, byte[]> props = mechanism.peerProperties();
        byte[] type = props.get("Socket-Type");
        byte[] id = props.get("Identity");
        Map<String, byte[]> auth = mechanism.authProperties();
        if (!auth.isEmpty()) {
            // as libzmq: what authentication says (User-Id, ZAP metadata) wins over what the peer says
            Map<String, byte[]> all = Metadata.newMap();
            all.putAll(props);
            all.putAll(auth);
            props = java.util.Collections.unmodifiableMap(all);
        }
        PeerInfo peer = new PeerInfo(peerGreeting.minor(),
                type == null ? "" : new String(type, StandardCharsets.US_ASCII),
                id == null ? new byte[0] : id, props, auth);
        ByteBuf left = buf;
        buf = null;
        io.netty.channel.ChannelHandler layer = mechanism.dataLayer();
        if (layer != null) {
            // under the engine that joins next: what is left of this read passes through it too
            ctx.pipeline().addAfter(ctx.name(), "zmtp-data-layer", layer);
        }
        // the engine's first write (what the socket queued meanwhile) joins ours in one flush
        listener.handshakeSucceeded(ctx, peer);
        flushWritten(ctx);
        if (left != null && left.isReadable() && ctx.channel().isActive()) {
            ctx.fireChannelRead(left);
        } else if (left != null) {
            left.release();
        }
        ctx.pipeline().remove(this);
    }

    private void fail(ChannelHandlerContext ctx, ZmqException cause) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        release();
        if (mechanism != null) {
            mechanism.close();
        }
        listener.handshakeFailed(ctx, cause);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            // not a ZmtpException: the peer went away, it broke no rule
            fail(ctx, new ZmqException(Errno.EOTHER, "connection closed during handshake"));
        }
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Error) {
            LOG.log(System.Logger.Level.ERROR, "error during the handshake with " + ctx.channel().remoteAddress()
                    + ": closing the connection", cause);
        }
        if (!done) {
            fail(ctx, cause instanceof java.io.IOException
                    ? new ZmqException(Errno.EOTHER, "connection failed during handshake: " + cause)
                    : new ZmtpException("connection failed during handshake: " + cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        release();
        if (mechanism != null) {
            mechanism.close();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void release() {
        if (greetingMajor != null) {
            greetingMajor.release();
            greetingMajor = null;
        }
        if (greetingRest != null) {
            greetingRest.release();
            greetingRest = null;
        }
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
