package io.zconn.engine.pipe;

import io.zconn.engine.Frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The record format of a SWAP spill file: one record per frame, appended in order, the frames of
 * a message always written together by one write.
 * <pre>
 * record  = length (4 bytes, big-endian, the payload's size)
 *           crc    (4 bytes, big-endian, CRC32C of the length's 4 bytes, the flags byte and the payload)
 *           flags  (1 byte: bit 0 = MORE, the other bits zero)
 *           payload (length bytes)
 * </pre>
 * A record is taken only if it is complete and its checksum matches. A file ends either exactly
 * after a record whose MORE flag is clear, or in a <em>torn tail</em> (an incomplete record, or the
 * first frames of a message whose last frame is missing: what a write cut short leaves), which is
 * dropped; a complete record whose checksum or flags are wrong is <em>corruption</em>, and nothing
 * from there on is delivered. Either way no byte that was not written as it is read is ever
 * handed on, and a message is handed on whole or not at all.
 */
public final class SpillFormat {
    /** Bytes before a record's payload. */
    public static final int HEADER = 9;
    /** The flags bit for MORE. */
    public static final int FLAG_MORE = 1;

    private SpillFormat() {
    }

    /**
     * @param frame a frame
     * @return the size of its record
     */
    public static long recordSize(Frame frame) {
        return HEADER + (long) frame.size();
    }

    /**
     * Writes the header of a frame's record.
     *
     * @param frame the frame
     * @param dst   where the 9 header bytes go (at its position, which advances)
     */
    public static void writeHeader(Frame frame, ByteBuffer dst) {
        int flags = frame.hasMore() ? FLAG_MORE : 0;
        dst.putInt(frame.size());
        dst.putInt(crc(frame.size(), flags, frame.buffer()));
        dst.put((byte) flags);
    }

    /**
     * @param frame a frame
     * @return its whole record, header and payload
     */
    public static ByteBuffer encode(Frame frame) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + frame.size());
        writeHeader(frame, b);
        b.put(frame.buffer());
        return b.flip();
    }

    /**
     * @param length  the payload's size
     * @param flags   the flags byte
     * @param payload the payload (its remaining bytes; not consumed)
     * @return the record's checksum
     */
    public static int crc(int length, int flags, ByteBuffer payload) {
        CRC32C c = new CRC32C();
        c.update(length >>> 24);
        c.update(length >>> 16);
        c.update(length >>> 8);
        c.update(length);
        c.update(flags);
        c.update(payload.duplicate());
        return (int) c.getValue();
    }

    /** A complete record failed its check: the bytes are not what was written. */
    public static final class CorruptRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message what failed, and where */
        public CorruptRecordException(String message) {
            super(message);
        }
    }

    /**
     * Checks a record's header.
     *
     * @param buf       bytes at a record's start (position), at least {@link #HEADER} remaining
     * @param available bytes that may belong to the record from its start (what was committed)
     * @return the payload's size
     * @throws CorruptRecordException when the flags are not valid, or the length is negative
     */
    static int checkHeader(ByteBuffer buf, long available) throws CorruptRecordException {
        int p = buf.position();
        int length = buf.getInt(p);
        int flags = buf.get(p + 8) & 0xFF;
        if (length < 0 || (flags & ~FLAG_MORE) != 0) {
            throw new CorruptRecordException("bad record header (length " + length + ", flags " + flags + ")");
        }
        if (HEADER + (long) length > available) {
            throw new CorruptRecordException("record of " + length + " bytes runs past the committed end");
        }
        return length;
    }

    /**
     * Builds a frame from a record's header and its payload, checking the checksum.
     *
     * @param length  the payload's size (from the header)
     * @param crc     the checksum (from the header)
     * @param flags   the flags (from the header)
     * @param payload exactly the payload
     * @return the frame
     * @throws CorruptRecordException when the checksum does not match
     */
    static Frame frame(int length, int crc, int flags, byte[] payload) throws CorruptRecordException {
        if (crc(length, flags, ByteBuffer.wrap(payload)) != crc) {
            throw new CorruptRecordException("checksum mismatch in a record of " + length + " bytes");
        }
        return Frame.wrap(payload, (flags & FLAG_MORE) != 0);
    }

    /** Why a {@link #scan} stopped. */
    public enum Stop {
        /** At the end of the bytes, after a whole message. */
        END,
        /** At a torn tail, which was dropped. */
        TORN,
        /** At a corrupt record; nothing from there on was taken. */
        CORRUPT
    }

    /**
     * What {@link #scan} found.
     *
     * @param messages   the whole messages, in order
     * @param validBytes bytes from the start that hold exactly those messages
     * @param stop       why it stopped
     */
    public record Scan(List<List<Frame>> messages, long validBytes, Stop stop) {
    }

    /**
     * Reads every whole message from a spill file's bytes, as a reader recovering a file would:
     * stops at the end, at a torn tail (dropped), or at the first corrupt record.
     *
     * @param bytes the file's bytes (from position to limit; not consumed)
     * @return the messages and where it stopped
     */
    public static Scan scan(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        List<List<Frame>> messages = new ArrayList<>();
        List<Frame> current = new ArrayList<>();
        int start = b.position();
        long valid = 0;
        while (true) {
            if (b.remaining() == 0) {
                return new Scan(messages, valid, current.isEmpty() ? Stop.END : Stop.TORN);
            }
            if (b.remaining() < HEADER) {
                return new Scan(messages, valid, Stop.TORN);
            }
            int length = b.getInt(b.position());
            int flags = b.get(b.position() + 8) & 0xFF;
            if (length >= 0 && HEADER + (long) length > b.remaining()) {
                return new Scan(messages, valid, Stop.TORN); // cut short: the tail of an interrupted write
            }
            int crc = b.getInt(b.position() + 4);
            Frame f;
            try {
                checkHeader(b, b.remaining());
                byte[] payload = new byte[length];
                b.position(b.position() + HEADER);
                b.get(payload);
                f = frame(length, crc, flags, payload);
            } catch (CorruptRecordException e) {
                return new Scan(messages, valid, Stop.CORRUPT);
            }
            current.add(f);
            if (!f.hasMore()) {
                messages.add(List.copyOf(current));
                current.clear();
                valid = (long) b.position() - start;
            }
        }
    }
}
