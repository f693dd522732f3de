package io.zconn.engine.security.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.zconn.engine.zmtp.Cumulation;
import io.zconn.engine.zmtp.ZmtpException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CURVE's data phase (RFC 26) as a layer under the ZMTP engine, the way TLS sits under a protocol: each
 * ZMTP frame the engine writes (data or command, such as SUBSCRIBE or PING) leaves as one MESSAGE
 * whose box holds its flags (more, command) and body; each MESSAGE received is verified, its nonce
 * checked, and handed up as the plain ZMTP frame it carries. Anything else from the peer ends the
 * connection. The same wire format as libzmq 4.3's {@code curve_encoding_t}: the MESSAGE travels in a
 * ZMTP frame without flags (not marked as a command, although RFC 26 calls it one: libzmq 4.3 and JeroMQ
 * send it so, and libzmq would read a command-flagged MESSAGE as a command whatever its box holds). A
 * MESSAGE with the command flag is accepted too; one with the more flag is refused.
 *
 * <p>Memory is bounded by what the peer sent: a MESSAGE is opened only when all of it has arrived, its
 * announced size is refused above MAXMSGSIZE (plus the box's overhead) before any of it is awaited, and
 * the accumulated bytes grow geometrically.
 */
// writes carry the caller's promise or the void promise (a failure reaches exceptionCaught) and the close
// after a refused box has nothing to report: no returned future is awaited here
@SuppressWarnings("FutureReturnValueIgnored")
public final class CurveMessageCodec extends ChannelDuplexHandler {
    /** Bytes a MESSAGE command adds to the frame it carries: name, nonce, tag and flags. */
    public static final int OVERHEAD = 8 + 8 + CryptoBox.MAC_BYTES + 1;

    private static final byte[] NAME = "\u0007MESSAGE".getBytes(StandardCharsets.US_ASCII);
    private static final int MORE = 0x01;
    private static final int LONG = 0x02;
    private static final int COMMAND = 0x04;
    private static final int BOX_MORE = 0x01;
    private static final int BOX_COMMAND = 0x02;

    private final CryptoBox box;
    private final CurveNonces nonces;
    private final String sendPrefix;
    private final String receivePrefix;
    private final long maxMsgSize;
    private ByteBuf inbound;
    private ByteBuf outbound;

    /**
     * @param box           the connection's precomputed box (C' and S')
     * @param nonces        the connection's nonces, as the handshake left them
     * @param client        whether this side is the CURVE client (it sends with the C prefix)
     * @param maxMsgSize    MAXMSGSIZE, -1 for none
     */
    public CurveMessageCodec(CryptoBox box, CurveNonces nonces, boolean client, long maxMsgSize) {
        this.box = box;
        this.nonces = nonces;
        this.sendPrefix = client ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES";
        this.receivePrefix = client ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC";
        this.maxMsgSize = maxMsgSize;
    }

    // ---- inbound: MESSAGE commands to plain frames --------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        inbound = Cumulation.append(ctx.alloc(), inbound, in);
        try {
            ByteBuf frame;
            while ((frame = nextInbound()) != null) {
                ctx.fireChannelRead(frame);
            }
        } catch (ZmtpException e) {
            release();
            ctx.fireExceptionCaught(e);
            ctx.close();
        }
        if (inbound != null && !inbound.isReadable()) {
            inbound.release();
            inbound = null;
        }
    }

    private ByteBuf nextInbound() {
        if (inbound == null || inbound.readableBytes() < 2) {
            return null;
        }
        int r = inbound.readerIndex();
        int flags = inbound.getUnsignedByte(r);
        if ((flags & ~(LONG | COMMAND)) != 0) {
            throw new ZmtpException("CURVE: a multipart frame after the handshake (each MESSAGE is one frame)");
        }
        int header = (flags & LONG) != 0 ? 9 : 2;
        if (inbound.readableBytes() < header) {
            return null;
        }
        long size = header == 9 ? inbound.getLong(r + 1) : inbound.getUnsignedByte(r + 1);
        long limit = maxMsgSize >= 0 ? maxMsgSize + OVERHEAD : Integer.MAX_VALUE - 64;
        if (size < 0 || size > limit) {
            throw new ZmtpException("CURVE: MESSAGE of " + Long.toUnsignedString(size) + " bytes exceeds "
                    + (maxMsgSize >= 0 ? "MAXMSGSIZE " + maxMsgSize : "the largest frame"));
        }
        if (inbound.readableBytes() < header + size) {
            return null;
        }
        inbound.skipBytes(header);
        byte[] body = new byte[(int) size];
        inbound.readBytes(body);
        return open(body);
    }

    private ByteBuf open(byte[] body) {
        if (body.length < NAME.length || !startsWithName(body)) {
            throw new ZmtpException("CURVE: a command other than MESSAGE after the handshake");
        }
        if (body.length < OVERHEAD) {
            throw new ZmtpException("CURVE: malformed MESSAGE command (" + body.length + " bytes)");
        }
        long counter = CurveNonces.counter(body, NAME.length);
        if (!nonces.acceptPeer(counter)) {
            throw new ZmtpException("CURVE: MESSAGE nonce " + Long.toUnsignedString(counter) + " not above the last one");
        }
        byte[] plain = box.open(CurveNonces.shortNonce(receivePrefix, counter), body, 16, body.length - 16);
        if (plain == null) {
            throw new ZmtpException("CURVE: a MESSAGE that fails authentication");
        }
        int boxFlags = plain[0];
        int length = plain.length - 1;
        int flags = ((boxFlags & BOX_MORE) != 0 ? MORE : 0) | ((boxFlags & BOX_COMMAND) != 0 ? COMMAND : 0);
        ByteBuf header;
        if (length > 255) {
            header = Unpooled.buffer(9).writeByte(flags | LONG).writeLong(length);
        } else {
            header = Unpooled.buffer(2).writeByte(flags).writeByte(length);
        }
        return Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(plain, 1, length));
    }

    private static boolean startsWithName(byte[] body) {
        for (int i = 0; i < NAME.length; i++) {
            if (body[i] != NAME[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- outbound: plain frames to MESSAGE commands ------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.write(msg, promise);
            return;
        }
        if (!in.isReadable() && outbound == null) {
            ctx.write(in, promise); // e.g. the empty flush before a close
            return;
        }
        outbound = Cumulation.append(ctx.alloc(), outbound, in);
        List<ByteBuf> sealed = new ArrayList<>();
        ByteBuf next;
        while ((next = nextOutbound()) != null) {
            sealed.add(next);
        }
        if (!outbound.isReadable()) {
            outbound.release();
            outbound = null;
        }
        if (sealed.isEmpty()) {
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        for (int i = 0; i < sealed.size() - 1; i++) {
            ctx.write(sealed.get(i), ctx.voidPromise());
        }
        ctx.write(sealed.get(sealed.size() - 1), promise);
    }

    private ByteBuf nextOutbound() {
        if (outbound.readableBytes() < 2) {
            return null;
        }
        int r = outbound.readerIndex();
        int flags = outbound.getUnsignedByte(r);
        int header = (flags & LONG) != 0 ? 9 : 2;
        if (outbound.readableBytes() < header) {
            return null;
        }
        long size = header == 9 ? outbound.getLong(r + 1) : outbound.getUnsignedByte(r + 1);
        if (outbound.readableBytes() < header + size) {
            return null;
        }
        outbound.skipBytes(header);
        int length = (int) size;
        byte[] plain = new byte[1 + length];
        plain[0] = (byte) (((flags & MORE) != 0 ? BOX_MORE : 0) | ((flags & COMMAND) != 0 ? BOX_COMMAND : 0));
        outbound.readBytes(plain, 1, length);
        int bodyLength = OVERHEAD + length;
        int wireHeader = bodyLength > 255 ? 9 : 2;
        byte[] wire = new byte[wireHeader + bodyLength];
        int w = 0;
        if (wireHeader == 9) {
            wire[w++] = (byte) LONG;
            for (int i = 7; i >= 0; i--) {
                wire[w++] = (byte) ((long) bodyLength >>> (8 * i));
            }
        } else {
            wire[w++] = 0;
            wire[w++] = (byte) bodyLength;
        }
        System.arraycopy(NAME, 0, wire, w, NAME.length);
        w += NAME.length;
        byte[] nonce = nonces.nextShort(sendPrefix);
        System.arraycopy(nonce, 16, wire, w, 8);
        w += 8;
        box.seal(nonce, plain, 0, plain.length, wire, w);
        return Unpooled.wrappedBuffer(wire);
    }

    // ---- lifecycle -------------------------------------------------------------------------------

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
        if (outbound != null) {
            outbound.release();
            outbound = null;
        }
        box.destroy();
    }
}
