package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes libzmq's v1 framing, which its PGM transport carries: each frame is a length (one byte,
 * or 0xff and eight bytes big-endian) that counts a flags byte (bit 0: more frames follow) plus the
 * body, then the flags, then the body. Input comes in pieces (one TSDU at a time); a frame may span
 * many. Bounded by what was received: a body is kept in chunks of at most {@link #CHUNK} bytes, each
 * allocated when its first byte arrives, whatever length the header announces.
 */
final class V1Decoder {
    /** Largest piece of a body allocated ahead of its bytes. */
    static final int CHUNK = 64 * 1024;

    /** Where decoded frames go. */
    interface Sink {
        /** @param frame a whole frame (with its more flag) */
        void frame(Frame frame);
    }

    private final long maxMsgSize;
    /** Header bytes collected so far (at most 10). */
    private final byte[] header = new byte[10];
    private int headerFill;
    private long bodySize = -1;
    private boolean more;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk;
    private int chunkFill;
    private long bodyFill;
    private String error;

    /** @param maxMsgSize the largest frame body accepted, or -1 for no limit (MAXMSGSIZE) */
    V1Decoder(long maxMsgSize) {
        this.maxMsgSize = maxMsgSize;
    }

    /**
     * Decodes a piece of the stream.
     *
     * @param b    bytes
     * @param off  first
     * @param len  number
     * @param sink gets each frame completed
     * @return false after a framing error ({@link #error()} says which); the decoder is then spent
     */
    boolean decode(byte[] b, int off, int len, Sink sink) {
        int pos = off;
        int end = off + len;
        while (error == null && pos < end) {
            if (bodySize < 0) {
                header[headerFill++] = b[pos++];
                int need = (header[0] & 0xff) == 0xff ? 10 : 2;
                if (headerFill < need) {
                    continue;
                }
                long size;
                if (need == 2) {
                    size = header[0] & 0xff;
                } else {
                    size = 0;
                    for (int i = 1; i < 9; i++) {
                        size = (size << 8) | (header[i] & 0xff);
                    }
                }
                int flags = header[need - 1] & 0xff;
                headerFill = 0;
                if (size <= 0) {
                    error = size == 0 ? "zero frame length" : "frame length over 2^63";
                    break;
                }
                long body = size - 1;
                if (maxMsgSize >= 0 && body > maxMsgSize) {
                    error = "frame of " + body + " bytes over MAXMSGSIZE " + maxMsgSize;
                    break;
                }
                if ((flags & ~1) != 0) {
                    error = "reserved flag bits 0x" + Integer.toHexString(flags);
                    break;
                }
                more = (flags & 1) != 0;
                bodySize = body;
                bodyFill = 0;
                if (body == 0) {
                    finish(sink);
                }
                continue;
            }
            if (chunk == null) {
                chunk = new byte[(int) Math.min(CHUNK, bodySize - bodyFill)];
                chunkFill = 0;
            }
            int n = Math.min(end - pos, chunk.length - chunkFill);
            System.arraycopy(b, pos, chunk, chunkFill, n);
            pos += n;
            chunkFill += n;
            bodyFill += n;
            if (chunkFill == chunk.length) {
                chunks.add(chunk);
                chunk = null;
            }
            if (bodyFill == bodySize) {
                finish(sink);
            }
        }
        return error == null;
    }

    private void finish(Sink sink) {
        byte[] body;
        if (chunks.size() == 1) {
            body = chunks.get(0);
        } else {
            if (bodySize > Integer.MAX_VALUE - 8) {
                error = "frame of " + bodySize + " bytes does not fit a Java array";
                return;
            }
            body = new byte[(int) bodySize];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, body, at, c.length);
                at += c.length;
            }
        }
        chunks.clear();
        bodySize = -1;
        bodyFill = 0;
        sink.frame(Frame.wrap(body, more));
    }

    /** @return whether the decoder stands between frames (nothing of a frame held) */
    boolean atFrameBoundary() {
        return bodySize < 0 && headerFill == 0;
    }

    /** @return the body bytes held for the frame being received */
    long heldBytes() {
        return bodySize < 0 ? 0 : bodyFill + (chunk == null ? 0 : chunk.length - chunkFill);
    }

    /** @return the framing error, or null */
    String error() {
        return error;
    }
}
