package io.zconn.engine.security.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.zconn.engine.zmtp.Cumulation;
import io.zconn.engine.zmtp.ZmtpException;

import java.nio.charset.StandardCharsets;

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

    /** Plaintexts up to this size go through one reused array; larger ones get their own. */
    private static final int SCRATCH_MAX = 64 * 1024 + 64;

    private final CryptoBox box;
    // one session per direction: each keeps the HSalsa20 subkey of its direction's nonce prefix
    private final CryptoBox.Session sealing;
    private final CryptoBox.Session opening;
    private final CurveNonces nonces;
    private final byte[] sendNonce;
    private final byte[] receiveNonce;
    private final long maxMsgSize;
    private byte[] scratch = new byte[256];
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
        this.sealing = box.session();
        this.opening = box.session();
        this.nonces = nonces;
        this.sendNonce = CurveNonces.shortNonce(client ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES", 0);
        this.receiveNonce = CurveNonces.shortNonce(client ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC", 0);
        this.maxMsgSize = maxMsgSize;
    }

    // ---- inbound: MESSAGE commands to plain frames --------------------------------------------------

    /**
     * Opens every complete MESSAGE of the bytes read so far into one buffer of plain frames, handed up
     * at once: the engine then decodes them in one pass and wakes the socket once per read, not once
     * per frame. The plain frames are never longer than the MESSAGEs they came in.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        inbound = Cumulation.append(ctx.alloc(), inbound, in);
        ByteBuf frames = null;
        ZmtpException refused = null;
        try {
            while (true) {
                int bodySize = nextInbound();
                if (bodySize < 0) {
                    break;
                }
                if (frames == null) {
                    frames = ctx.alloc().heapBuffer(inbound.readableBytes());
                }
                open(bodySize, frames);
            }
        } catch (ZmtpException e) {
            refused = e;
        }
        if (frames != null) {
            if (frames.isReadable()) {
                ctx.fireChannelRead(frames); // what was authentic before a refused MESSAGE still goes up
            } else {
                frames.release();
            }
        }
        if (refused != null) {
            release();
            ctx.fireExceptionCaught(refused);
            ctx.close();
            return;
        }
        if (inbound != null && !inbound.isReadable()) {
            inbound.release();
            inbound = null;
        }
    }

    /**
     * Checks the header of the next MESSAGE frame and, once all of it has arrived, skips the header.
     *
     * @return the size of its body, or -1 if it has not all arrived
     */
    private int nextInbound() {
        if (inbound == null || inbound.readableBytes() < 2) {
            return -1;
        }
        int r = inbound.readerIndex();
        int flags = inbound.getUnsignedByte(r);
        if ((flags & ~(LONG | COMMAND)) != 0) {
            throw new ZmtpException("CURVE: a multipart frame after the handshake (each MESSAGE is one frame)");
        }
        int header = (flags & LONG) != 0 ? 9 : 2;
        if (inbound.readableBytes() < header) {
            return -1;
        }
        long size = header == 9 ? inbound.getLong(r + 1) : inbound.getUnsignedByte(r + 1);
        long limit = maxMsgSize >= 0 ? maxMsgSize + OVERHEAD : Integer.MAX_VALUE - 64;
        if (size < 0 || size > limit) {
            throw new ZmtpException("CURVE: MESSAGE of " + Long.toUnsignedString(size) + " bytes exceeds "
                    + (maxMsgSize >= 0 ? "MAXMSGSIZE " + maxMsgSize : "the largest frame"));
        }
        if (inbound.readableBytes() < header + size) {
            return -1;
        }
        inbound.skipBytes(header);
        return (int) size;
    }

    /** Opens the MESSAGE body of {@code size} bytes at the reader index into a plain frame appended to {@code out}. */
    private void open(int size, ByteBuf out) {
        byte[] body;
        int at;
        if (inbound.hasArray()) {
            body = inbound.array();
            at = inbound.arrayOffset() + inbound.readerIndex();
        } else {
            body = scratch(size);
            at = 0;
            inbound.getBytes(inbound.readerIndex(), body, 0, size);
        }
        inbound.skipBytes(size);
        if (size < NAME.length || !startsWithName(body, at)) {
            throw new ZmtpException("CURVE: a command other than MESSAGE after the handshake");
        }
        if (size < OVERHEAD) {
            throw new ZmtpException("CURVE: malformed MESSAGE command (" + size + " bytes)");
        }
        long counter = CurveNonces.counter(body, at + NAME.length);
        if (!nonces.acceptPeer(counter)) {
            throw new ZmtpException("CURVE: MESSAGE nonce " + Long.toUnsignedString(counter) + " not above the last one");
        }
        CurveNonces.putCounter(receiveNonce, counter);
        // the plaintext is the box's flags byte and the frame's body: opened so that the flags byte lands
        // on the last byte of the plain frame's header, which is written over it once it has been read
        int length = size - OVERHEAD;
        int header = length > 255 ? 9 : 2;
        int w = out.writerIndex();
        byte[] plain = out.array();
        int p = out.arrayOffset() + w;
        if (!opening.open(receiveNonce, body, at + 16, size - 16, plain, p + header - 1)) {
            throw new ZmtpException("CURVE: a MESSAGE that fails authentication");
        }
        int boxFlags = plain[p + header - 1];
        int flags = ((boxFlags & BOX_MORE) != 0 ? MORE : 0) | ((boxFlags & BOX_COMMAND) != 0 ? COMMAND : 0);
        if (header == 9) {
            out.setByte(w, flags | LONG).setLong(w + 1, length);
        } else {
            out.setByte(w, flags).setByte(w + 1, length);
        }
        out.writerIndex(w + header + length);
    }

    private static boolean startsWithName(byte[] body, int at) {
        for (int i = 0; i < NAME.length; i++) {
            if (body[at + i] != NAME[i]) {
                return false;
            }
        }
        return true;
    }

    /** A reused array of at least {@code size} bytes, or a fresh one above {@link #SCRATCH_MAX}. */
    private byte[] scratch(int size) {
        if (size <= scratch.length) {
            return scratch;
        }
        if (size > SCRATCH_MAX) {
            return new byte[size];
        }
        scratch = new byte[Math.min(SCRATCH_MAX, Math.max(size, scratch.length * 2))];
        return scratch;
    }

    // ---- outbound: plain frames to MESSAGE commands ------------------------------------------------

    /**
     * Seals every complete plain frame written so far into one buffer of MESSAGE frames, written at once
     * with the caller's promise.
     */
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
        long wireBytes = sealedSize();
        if (wireBytes == 0) {
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        ByteBuf wire = ctx.alloc().heapBuffer((int) Math.min(wireBytes, Integer.MAX_VALUE - 64));
        boolean sealed;
        do {
            sealed = sealNext(wire); // every complete frame, each into its MESSAGE
        } while (sealed);
        if (!outbound.isReadable()) {
            outbound.release();
            outbound = null;
        }
        ctx.write(wire, promise);
    }

    /** The bytes the complete plain frames waiting in {@link #outbound} take as MESSAGE frames. */
    private long sealedSize() {
        long total = 0;
        int r = outbound.readerIndex();
        int end = outbound.writerIndex();
        while (end - r >= 2) {
            int flags = outbound.getUnsignedByte(r);
            int header = (flags & LONG) != 0 ? 9 : 2;
            if (end - r < header) {
                break;
            }
            long size = header == 9 ? outbound.getLong(r + 1) : outbound.getUnsignedByte(r + 1);
            if (end - r < header + size) {
                break;
            }
            long body = OVERHEAD + size;
            total += (body > 255 ? 9 : 2) + body;
            r += header + (int) size;
        }
        return total;
    }

    /** Seals the next complete plain frame into {@code wire}; false if none is complete. */
    private boolean sealNext(ByteBuf wire) {
        if (outbound.readableBytes() < 2) {
            return false;
        }
        int r = outbound.readerIndex();
        int flags = outbound.getUnsignedByte(r);
        int header = (flags & LONG) != 0 ? 9 : 2;
        if (outbound.readableBytes() < header) {
            return false;
        }
        long size = header == 9 ? outbound.getLong(r + 1) : outbound.getUnsignedByte(r + 1);
        if (outbound.readableBytes() < header + size) {
            return false;
        }
        outbound.skipBytes(header);
        int length = (int) size;
        byte[] plain = scratch(1 + length);
        plain[0] = (byte) (((flags & MORE) != 0 ? BOX_MORE : 0) | ((flags & COMMAND) != 0 ? BOX_COMMAND : 0));
        outbound.readBytes(plain, 1, length);
        int bodyLength = OVERHEAD + length;
        if (bodyLength > 255) {
            wire.writeByte(LONG).writeLong(bodyLength);
        } else {
            wire.writeByte(0).writeByte(bodyLength);
        }
        wire.writeBytes(NAME);
        nonces.nextShort(sendNonce);
        wire.writeBytes(sendNonce, 16, 8);
        int w = wire.writerIndex();
        sealing.seal(sendNonce, plain, 0, 1 + length, wire.array(), wire.arrayOffset() + w);
        wire.writerIndex(w + CryptoBox.MAC_BYTES + 1 + length);
        return true;
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
        sealing.destroy();
        opening.destroy();
        box.destroy();
        java.util.Arrays.fill(scratch, (byte) 0);
    }
}
