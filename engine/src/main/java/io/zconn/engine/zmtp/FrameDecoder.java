package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;

/**
 * Reads ZMTP 3 frames from accumulated bytes, delivering data frames and commands to a
 * {@link Sink}. A frame's size is checked against MAXMSGSIZE from its header alone, before any of
 * its body is awaited, so a peer cannot make us buffer or allocate more than allowed. Incomplete
 * frames are left in the buffer for the next call. Reserved flag bits are ignored, as libzmq does.
 */
public final class FrameDecoder {
    private static final int MORE = 1, LONG = 2, COMMAND = 4;
    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    /** Where decoded frames go. */
    public interface Sink {
        /**
         * @param frame a data frame
         * @return false to stop decoding after this frame (back-pressure); call decode again later
         */
        boolean onFrame(Frame frame);

        /** @param command a command frame */
        void onCommand(Command command);
    }

    private final long maxMsgSize;
    private final Sink sink;
    private boolean failed;

    /**
     * @param maxMsgSize largest accepted frame body, -1 for no limit but the JVM's array limit
     * @param sink       receives frames
     */
    public FrameDecoder(long maxMsgSize, Sink sink) {
        this.maxMsgSize = maxMsgSize < 0 ? ARRAY_LIMIT : Math.min(maxMsgSize, ARRAY_LIMIT);
        this.sink = sink;
    }

    /**
     * Decodes every complete frame in {@code in}.
     *
     * @param in accumulated bytes; what is decoded is consumed
     * @throws ZmtpException on a protocol violation (the decoder then stays failed)
     */
    public void decode(ByteBuf in) {
        if (failed) {
            throw new ZmtpException("decoder already failed");
        }
        while (true) {
            int avail = in.readableBytes();
            if (avail < 2) {
                return;
            }
            int r = in.readerIndex();
            int flags = in.getUnsignedByte(r);
            boolean isLong = (flags & LONG) != 0;
            int headerSize = isLong ? 9 : 2;
            if (avail < headerSize) {
                return;
            }
            long size = isLong ? in.getLong(r + 1) : in.getUnsignedByte(r + 1);
            boolean command = (flags & COMMAND) != 0;
            boolean more = (flags & MORE) != 0;
            if (command && more) {
                throw fail(new ZmtpException("command frame with the MORE flag set"));
            }
            if (size < 0 || size > maxMsgSize) {
                throw fail(new ZmtpException(Errno.EMSGSIZE, "frame of " + Long.toUnsignedString(size)
                        + " bytes exceeds the limit of " + maxMsgSize));
            }
            if (avail - headerSize < size) {
                return;
            }
            in.skipBytes(headerSize);
            if (command) {
                Command c;
                try {
                    c = Command.parse(in.readSlice((int) size));
                } catch (ZmtpException e) {
                    throw fail(e);
                } catch (RuntimeException e) {
                    throw fail(new ZmtpException("malformed command: " + e));
                }
                sink.onCommand(c);
            } else {
                byte[] data = new byte[(int) size];
                in.readBytes(data);
                if (!sink.onFrame(Frame.wrap(data, more))) {
                    return;
                }
            }
        }
    }

    private ZmtpException fail(ZmtpException e) {
        failed = true;
        return e;
    }
}
