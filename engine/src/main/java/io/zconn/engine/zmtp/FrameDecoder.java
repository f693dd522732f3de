package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;

/**
 * Reads ZMTP 3 frames from accumulated bytes, delivering data frames and commands to a
 * {@link Sink}. A frame's size is checked against MAXMSGSIZE from its header alone, before any of
 * its body is awaited, so a peer cannot make us buffer or allocate more than allowed. Incomplete
 * frames are left in the buffer for the next call, except the body of a large data frame: its array is
 * allocated once the header is read (the size having passed the MAXMSGSIZE check) and filled as bytes
 * arrive, so a large frame is copied once, not gathered first (as libzmq reads a large message
 * straight into its buffer). Reserved flag bits are ignored, as libzmq does.
 */
public final class FrameDecoder {
    private static final int MORE = 1, LONG = 2, COMMAND = 4;
    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;
    /** Data frames at least this large are filled in place as their bytes arrive. */
    static final int STREAM_THRESHOLD = 8192;

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
    // a large data frame being filled: its body, bytes filled so far, its MORE flag
    private byte[] partial;
    private int partialFilled;
    private boolean partialMore;

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
        if (partial != null && !fillPartial(in)) {
            return;
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
                if (!command && size >= STREAM_THRESHOLD) {
                    in.skipBytes(headerSize);
                    partial = new byte[(int) size];
                    partialFilled = 0;
                    partialMore = more;
                    fillPartial(in);
                }
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

    /** @return whether decoding may go on (the frame was completed and accepted by the sink) */
    private boolean fillPartial(ByteBuf in) {
        int n = Math.min(in.readableBytes(), partial.length - partialFilled);
        in.readBytes(partial, partialFilled, n);
        partialFilled += n;
        if (partialFilled < partial.length) {
            return false;
        }
        Frame f = Frame.wrap(partial, partialMore);
        partial = null;
        return sink.onFrame(f);
    }

    /** @return whether a large frame is partly read (its remaining bytes are awaited) */
    public boolean inFrame() {
        return partial != null;
    }

    private ZmtpException fail(ZmtpException e) {
        failed = true;
        return e;
    }
}
