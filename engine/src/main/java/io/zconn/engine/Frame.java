package io.zconn.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One frame of a ZeroMQ message: an immutable view of bytes plus the MORE flag that says another
 * frame of the same message follows. A frame wraps a {@code byte[]} (or a region of one) or a
 * {@link ByteBuffer} without copying; the caller must not change the bytes after handing them to
 * {@link Socket#send(Frame)}.
 */
public final class Frame {
    private static final byte[] NO_BYTES = new byte[0];

    /** An empty, final frame (as used for REQ/REP envelope delimiters). */
    public static final Frame EMPTY = new Frame(NO_BYTES, 0, 0, null, false);

    private final byte[] array;
    private final int offset;
    private final int length;
    private final ByteBuffer buffer;
    private final boolean more;

    private Frame(byte[] array, int offset, int length, ByteBuffer buffer, boolean more) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.buffer = buffer;
        this.more = more;
    }

    /**
     * Wraps a whole array, without copying.
     *
     * @param data the bytes
     * @return a final frame (MORE not set)
     */
    public static Frame wrap(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new Frame(data, 0, data.length, null, false);
    }

    /**
     * Wraps a whole array, without copying, with the MORE flag as given.
     *
     * @param data the bytes
     * @param more whether another frame of the message follows
     * @return the frame
     */
    public static Frame wrap(byte[] data, boolean more) {
        Objects.requireNonNull(data, "data");
        return new Frame(data, 0, data.length, null, more);
    }

    /**
     * Wraps part of an array, without copying.
     *
     * @param data   the bytes
     * @param offset where the frame starts
     * @param length how many bytes
     * @return a final frame
     */
    public static Frame wrap(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return new Frame(data, offset, length, null, false);
    }

    /**
     * Wraps the remaining bytes of a buffer, without copying. The buffer's position and limit are
     * captured now; later changes to them do not affect the frame.
     *
     * @param data the buffer (heap or direct)
     * @return a final frame
     */
    public static Frame wrap(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (data.hasArray() && !data.isReadOnly()) {
            return new Frame(data.array(), data.arrayOffset() + data.position(), data.remaining(), null, false);
        }
        return new Frame(null, 0, data.remaining(), data.slice(), false);
    }

    /**
     * @param text a string
     * @return a frame holding its UTF-8 bytes
     */
    public static Frame of(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param more whether another frame follows
     * @return this frame if the flag already matches, else a frame sharing the same bytes with the flag set
     */
    public Frame withMore(boolean more) {
        return this.more == more ? this : new Frame(array, offset, length, buffer, more);
    }

    /** @return whether another frame of the same message follows */
    public boolean hasMore() {
        return more;
    }

    /** @return the number of bytes */
    public int size() {
        return length;
    }

    /**
     * @return the bytes; the frame's own array when it wraps a whole array (no copy), else a copy
     */
    public byte[] data() {
        if (array != null) {
            if (offset == 0 && length == array.length) {
                return array;
            }
            return Arrays.copyOfRange(array, offset, offset + length);
        }
        byte[] copy = new byte[length];
        buffer.duplicate().get(copy);
        return copy;
    }

    /** @return a read-only buffer over the frame's bytes (no copy) */
    public ByteBuffer buffer() {
        if (array != null) {
            return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
        }
        return buffer.asReadOnlyBuffer();
    }

    /**
     * @param index position in the frame
     * @return the byte at that position
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return array != null ? array[offset + index] : buffer.get(index);
    }

    /** @return whether the frame is backed by an accessible array (see {@link #array()}) */
    public boolean hasArray() {
        return array != null;
    }

    /** @return the backing array (valid from {@link #arrayOffset()} for {@link #size()} bytes); null if buffer-backed */
    public byte[] array() {
        return array;
    }

    /** @return where the bytes start in {@link #array()} */
    public int arrayOffset() {
        return offset;
    }

    /** @return the bytes decoded as UTF-8 */
    public String text() {
        if (array != null) {
            return new String(array, offset, length, StandardCharsets.UTF_8);
        }
        return new String(data(), StandardCharsets.UTF_8);
    }

    /**
     * @param prefix bytes to compare with the frame's start
     * @return whether the frame begins with those bytes
     */
    public boolean startsWith(byte[] prefix) {
        if (prefix.length > length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (byteAt(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Two frames are equal when their bytes are; the MORE flag is not compared. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Frame f) || f.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (byteAt(i) != f.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + byteAt(i);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Frame[").append(length).append(more ? " bytes, more]" : " bytes]");
        int n = Math.min(length, 32);
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            int b = byteAt(i) & 0xff;
            printable &= b >= 0x20 && b < 0x7f;
        }
        if (n > 0) {
            sb.append(' ');
            if (printable) {
                sb.append('"').append(new String(data(), 0, n, StandardCharsets.US_ASCII)).append('"');
            } else {
                for (int i = 0; i < n; i++) {
                    sb.append(String.format("%02x", byteAt(i) & 0xff));
                }
            }
            if (n < length) {
                sb.append("...");
            }
        }
        return sb.toString();
    }
}
