package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;

import java.util.function.Supplier;

/**
 * The sending half of libzmq's framing over PGM: frames in libzmq's v1 framing (see
 * {@link V1Decoder}) packed back to back into TSDUs of at most {@code maxTsdu} bytes, each TSDU led
 * by two bytes big-endian: the offset (after those two bytes) of the first message that starts in
 * it, or 0xffff when none does. As libzmq's sender, a TSDU is filled with as many frames as are
 * ready, and a message may span many TSDUs; the offset may equal the TSDU's data length (a message
 * ended exactly there and the next had not been queued yet). Not thread-safe.
 */
final class V1Packer {
    private final int maxTsdu;
    /** The frame being encoded: its header, then its body. */
    private final byte[] header = new byte[10];
    private int headerLength;
    private Frame frame;
    /** How much of header + body has been packed. */
    private long done;
    /** Whether the last frame taken had the more flag (so the next one does not start a message). */
    private boolean more;

    /** @param maxTsdu the largest TSDU, leading offset included (at least 3) */
    V1Packer(int maxTsdu) {
        if (maxTsdu < 3 || maxTsdu > 0xffff) {
            throw new IllegalArgumentException("TSDU size " + maxTsdu);
        }
        this.maxTsdu = maxTsdu;
    }

    /**
     * Packs the next TSDU.
     *
     * @param pull gives the next frame queued, or null when none is
     * @return the TSDU, or null when there was nothing to send
     */
    byte[] next(Supplier<Frame> pull) {
        byte[] out = new byte[maxTsdu];
        int room = maxTsdu - 2;
        int offset = 0xffff;
        int n = encode(out, 2, room);
        while (n < room) {
            if (!more && offset == 0xffff) {
                offset = n;
            }
            Frame f = pull.get();
            if (f == null) {
                break;
            }
            load(f);
            n += encode(out, 2 + n, room - n);
        }
        if (n == 0) {
            return null;
        }
        out[0] = (byte) (offset >>> 8);
        out[1] = (byte) offset;
        if (n == room) {
            return out;
        }
        byte[] exact = new byte[2 + n];
        System.arraycopy(out, 0, exact, 0, 2 + n);
        return exact;
    }

    private void load(Frame f) {
        long size = f.size() + 1L;
        if (size < 255) {
            header[0] = (byte) size;
            headerLength = 2;
        } else {
            header[0] = (byte) 0xff;
            for (int i = 0; i < 8; i++) {
                header[1 + i] = (byte) (size >>> (56 - 8 * i));
            }
            headerLength = 10;
        }
        header[headerLength - 1] = (byte) (f.hasMore() ? 1 : 0);
        more = f.hasMore();
        frame = f;
        done = 0;
    }

    /** Copies as much of the current frame as fits; returns how much. */
    private int encode(byte[] out, int at, int room) {
        if (frame == null) {
            return 0;
        }
        int n = 0;
        while (n < room && done < headerLength) {
            out[at + n++] = header[(int) done++];
        }
        long bodyDone = done - headerLength;
        int take = (int) Math.min(room - n, frame.size() - bodyDone);
        if (take > 0) {
            frame.buffer().get((int) bodyDone, out, at + n, take);
            n += take;
            done += take;
        }
        if (done == headerLength + (long) frame.size()) {
            frame = null;
        }
        return n;
    }
}
