package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
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
 */
// Netty channel futures: a failed handshake write closes the channel (channelInactive fails the
// handshake) and the handshake timeout covers a stalled one; close() has nothing to report.
@SuppressWarnings("FutureReturnValueIgnored")
public final class ZmtpHandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final int MAX_HANDSHAKE_FRAME = 64 * 1024;

    private final HandshakeConfig config;
    private final HandshakeListener listener;
    private ByteBuf buf;
    private Greeting peerGreeting;
    private Mechanism mechanism;
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
        if (buf == null) {
            buf = ctx.alloc().buffer(Math.max(128, in.readableBytes()));
        }
        buf.writeBytes(in);
        in.release();
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
            sendPending(ctx);
        }
        while (!done) {
            int avail = buf.readableBytes();
            if (avail < 2) {
                return;
            }
            int r = buf.readerIndex();
            int flags = buf.getUnsignedByte(r);
            if ((flags & 4) == 0) {
                throw new ZmtpException("data frame before the handshake completed");
            }
            if ((flags & 1) != 0) {
                throw new ZmtpException("command frame with the MORE flag set");
            }
            boolean isLong = (flags & 2) != 0;
            int header = isLong ? 9 : 2;
            if (avail < header) {
                return;
            }
            long size = isLong ? buf.getLong(r + 1) : buf.getUnsignedByte(r + 1);
            if (size < 0 || size > MAX_HANDSHAKE_FRAME) {
                throw new ZmtpException("handshake command of " + size + " bytes is too large");
            }
            if (avail - header < size) {
                return;
            }
            buf.skipBytes(header);
            Command c = Command.parse(buf.readSlice((int) size));
            mechanism.processHandshakeCommand(c);
            sendPending(ctx);
            switch (mechanism.status()) {
                case ERROR -> throw new ZmtpException(mechanism.errorReason());
                case READY -> succeed(ctx);
                default -> { }
            }
        }
    }

    private Map<String, byte[]> localProperties() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        p.put("Socket-Type", config.socketType().name().getBytes(StandardCharsets.US_ASCII));
        if (config.routingId() != null && config.routingId().length > 0) {
            p.put("Identity", config.routingId());
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
                id == null ? new byte[0] : id, props);
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
            fail(ctx, new ZmtpException("connection closed during handshake"));
        }
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            fail(ctx, new ZmtpException("connection failed during handshake: " + cause));
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
