package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Appends a read to the bytes left undecoded by earlier reads, in amortised linear time: the
 * leftover is appended to in place when it has room (after sliding it to the front if that makes
 * room), else moved once into a buffer grown geometrically. With {@link FrameDecoder} taking large
 * bodies as they arrive, the leftover is at most a small frame or a header (a few KiB) except while
 * reading is paused for back-pressure.
 */
public final class Cumulation {
    private Cumulation() {
    }

    /**
     * @param alloc where a bigger buffer comes from
     * @param cum   the leftover, or null
     * @param in    the new read (released or taken over)
     * @return the buffer holding the leftover followed by {@code in}
     */
    public static ByteBuf append(ByteBufAllocator alloc, ByteBuf cum, ByteBuf in) {
        if (cum == null) {
            return in;
        }
        if (!cum.isReadable() && cum.refCnt() == 1) {
            cum.release();
            return in;
        }
        int need = in.readableBytes();
        boolean ours = cum.refCnt() == 1 && !cum.isReadOnly();
        if (ours && cum.writableBytes() < need && cum.writableBytes() + cum.readerIndex() >= need) {
            cum.discardReadBytes();
        }
        if (ours && cum.writableBytes() >= need) {
            cum.writeBytes(in);
            in.release();
            return cum;
        }
        int size = cum.readableBytes() + need;
        ByteBuf bigger = alloc.buffer(alloc.calculateNewCapacity(size, Integer.MAX_VALUE));
        bigger.writeBytes(cum);
        bigger.writeBytes(in);
        cum.release();
        in.release();
        return bigger;
    }
}
