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
    private ByteBuf greetingRest;
    private boolean done;
    private ScheduledFuture<?> timeout;

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
        // like libzmq: the signature first, the rest once the peer's signature has arrived;
        // some peers (JeroMQ) stall when the whole greeting comes before their own signature
        ByteBuf g = ctx.alloc().buffer(Greeting.SIZE);
        new Greeting(3, 1, config.mechanism().name(), config.asServer()).encode(g);
        greetingRest = g.retainedSlice(Greeting.SIGNATURE_SIZE, Greeting.SIZE - Greeting.SIGNATURE_SIZE);
        ctx.writeAndFlush(g.slice(0, Greeting.SIGNATURE_SIZE));
        if (config.handshakeTimeoutMillis() > 0) {
            timeout = ctx.executor().schedule(
                    () -> fail(ctx, new ZmtpException("handshake timed out")),
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
        try {
            process(ctx);
        } catch (ZmqException e) {
            fail(ctx, e);
        } catch (RuntimeException e) {
            fail(ctx, new ZmtpException("malformed handshake: " + e));
        }
    }

    private void process(ChannelHandlerContext ctx) {
        if (peerGreeting == null) {
            Greeting.checkSignature(buf);
            if (greetingRest != null && buf.readableBytes() >= Greeting.SIGNATURE_SIZE) {
                ctx.writeAndFlush(greetingRest);
                greetingRest = null;
            }
            if (buf.readableBytes() < Greeting.SIZE) {
                return;
            }
            peerGreeting = Greeting.decode(buf);
            if (!peerGreeting.mechanism().equals(config.mechanism().name())) {
                throw new ZmtpException("mechanism mismatch: peer " + peerGreeting.mechanism()
                        + ", local " + config.mechanism().name());
            }
            mechanism = config.mechanism().create(config.socketType(), localProperties(), config.asServer());
            decoder = FrameDecoder.forHandshake(config.maxMsgSize(), new FrameDecoder.Sink() {
                @Override
                public boolean onFrame(Frame frame) {
                    throw new ZmtpException("data frame before the handshake completed");
                }

                @Override
                public boolean onCommand(Command command) {
                    return handshakeCommand(ctx, command);
                }
            });
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
            case ERROR -> throw new ZmtpException(mechanism.errorReason());
            case READY -> false;
            default -> true;
        };
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
        boolean wrote = false;
        while ((c = mechanism.nextHandshakeCommand()) != null) {
            ByteBuf out = ctx.alloc().buffer(64);
            FrameEncoder.encodeCommand(c, out);
            ctx.write(out);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private void succeed(ChannelHandlerContext ctx) {
        done = true;
        cancelTimeout();
        Map<String, byte[]> props = mechanism.peerProperties();
        byte[] type = props.get("Socket-Type");
        byte[] id = props.get("Identity");
        PeerInfo peer = new PeerInfo(peerGreeting.minor(),
                type == null ? "" : new String(type, StandardCharsets.US_ASCII),
                id == null ? new byte[0] : id, props, mechanism.zapProperties());
        ByteBuf left = buf;
        buf = null;
        listener.handshakeSucceeded(ctx, peer);
        if (left.isReadable() && ctx.channel().isActive()) {
            ctx.fireChannelRead(left);
        } else {
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
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void release() {
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
