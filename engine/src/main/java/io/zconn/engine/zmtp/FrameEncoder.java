package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.zconn.engine.Frame;

import java.nio.charset.StandardCharsets;

/**
 * Writes ZMTP 3 frames:
 * <pre>
 * short frame: flags(1) size(1)  body      flags: bit0 MORE, bit1 LONG, bit2 COMMAND
 * long frame:  flags(1) size(8)  body      (size as unsigned 64-bit big-endian)
 * </pre>
 * No allocation for data frames: the frame's bytes are copied straight into the buffer.
 */
public final class FrameEncoder {
    private static final int MORE = 1, LONG = 2, COMMAND = 4;

    private FrameEncoder() {
    }

    /**
     * @param frame a data frame
     * @return the bytes it takes on the wire
     */
    public static int encodedSize(Frame frame) {
        return frame.size() + (frame.size() < 256 ? 2 : 9);
    }

    /**
     * @param frame a data frame (its MORE flag is written)
     * @param out   the buffer
     */
    public static void encode(Frame frame, ByteBuf out) {
        int n = frame.size();
        int flags = frame.hasMore() ? MORE : 0;
        header(flags, n, out);
        if (frame.hasArray()) {
            out.writeBytes(frame.array(), frame.arrayOffset(), n);
        } else {
            out.writeBytes(frame.buffer());
        }
    }

    /**
     * Writes only a data frame's header, for a body written from its own buffer.
     *
     * @param frame a data frame (its MORE flag is written)
     * @param out   the buffer
     */
    public static void encodeHeader(Frame frame, ByteBuf out) {
        header(frame.hasMore() ? MORE : 0, frame.size(), out);
    }

    /**
     * @param command the command
     * @param out     the buffer
     */
    public static void encodeCommand(Command command, ByteBuf out) {
        byte[] name = command.name().getBytes(StandardCharsets.US_ASCII);
        int size = 1 + name.length + command.dataSize();
        header(COMMAND, size, out);
        out.writeByte(name.length);
        out.writeBytes(name);
        command.encodeData(out);
    }

    private static void header(int flags, int size, ByteBuf out) {
        if (size < 256) {
            out.writeByte(flags);
            out.writeByte(size);
        } else {
            out.writeByte(flags | LONG);
            out.writeLong(size);
        }
    }
}
