package io.zconn.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame of a ZeroMQ message: an immutable view of bytes plus the MORE flag that says another
 * frame of the same message follows. A frame wraps a {@code byte[]} (or a region of one) or a
 * {@link ByteBuffer} without copying; the caller must not change the bytes after handing them to
 * {@link Socket#send(Frame)}.
 */
public final class Frame {
    private static final byte[] NO_BYTES = new byte[0];

    /** An empty, final frame (as used for REQ/REP envelope delimiters). */
    public static final Frame EMPTY = new Frame(NO_BYTES, 0, 0, null, false, PeerMetadata.EMPTY);

    /** The sign bit of {@link #lengthAndMore}: the MORE flag (a frame holds at most 2^31 - 1 bytes). */
    private static final int MORE_BIT = Integer.MIN_VALUE;

    private final byte[] array;
    private final int offset;
    /**
     * The size, with the MORE flag in the sign bit: with the metadata reference a frame still
     * takes four fields' worth of object (32 bytes with compressed references), as it did before.
     */
    private final int lengthAndMore;
    private final ByteBuffer buffer;
    private final PeerMetadata metadata;

    private Frame(byte[] array, int offset, int length, ByteBuffer buffer, boolean more, PeerMetadata metadata) {
        this.array = array;
        this.offset = offset;
        this.lengthAndMore = more ? length | MORE_BIT : length;
        this.buffer = buffer;
        this.metadata = metadata;
    }

    /**
     * Wraps a whole array, without copying.
     *
     * @param data the bytes
     * @return a final frame (MORE not set)
     */
    public static Frame wrap(byte[] data) {
        Objects.requireNonNull(data, "data");
        return new Frame(data, 0, data.length, null, false, PeerMetadata.EMPTY);
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
        return new Frame(data, 0, data.length, null, more, PeerMetadata.EMPTY);
    }

    /**
     * Wraps a whole array, without copying, as a transport hands a received frame to its socket:
     * with the properties of the connection it came over. Metadata is never sent; a frame handed
     * on keeps it (as a libzmq message forwarded over inproc does).
     *
     * @param data     the bytes
     * @param more     whether another frame of the message follows
     * @param metadata the connection's properties ({@link PeerMetadata#EMPTY} for none)
     * @return the frame
     */
    public static Frame wrap(byte[] data, boolean more, PeerMetadata metadata) {
        Objects.requireNonNull(data, "data");
        return new Frame(data, 0, data.length, null, more, Objects.requireNonNull(metadata, "metadata"));
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
        return new Frame(data, offset, length, null, false, PeerMetadata.EMPTY);
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
            return new Frame(data.array(), data.arrayOffset() + data.position(), data.remaining(), null, false, PeerMetadata.EMPTY);
        }
        return new Frame(null, 0, data.remaining(), data.slice(), false, PeerMetadata.EMPTY);
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
        return hasMore() == more ? this : new Frame(array, offset, size(), buffer, more, metadata);
    }

    /** @return whether another frame of the same message follows */
    public boolean hasMore() {
        return lengthAndMore < 0;
    }

    /** @return the number of bytes */
    public int size() {
        return lengthAndMore & ~MORE_BIT;
    }

    /**
     * The properties of the connection this frame was received on (libzmq's {@code zmq_msg_gets}):
     * {@code Socket-Type}, {@code Routing-Id}, {@code Peer-Address}, {@code User-Id}, the peer's
     * application properties. Shared by every frame of the connection; empty for frames the
     * application made and for frames received over inproc.
     *
     * @return the properties, never null
     */
    public PeerMetadata metadata() {
        return metadata;
    }

    /**
     * @param name a property name, any case (e.g. {@link PeerMetadata#PEER_ADDRESS})
     * @return its value for the connection this frame came over, or empty
     */
    public Optional<String> property(String name) {
        return metadata.get(name);
    }

    /**
     * @return the bytes; the frame's own array when it wraps a whole array (no copy), else a copy
     */
    public byte[] data() {
        if (array != null) {
            if (offset == 0 && size() == array.length) {
                return array;
            }
            return Arrays.copyOfRange(array, offset, offset + size());
        }
        byte[] copy = new byte[size()];
        buffer.duplicate().get(copy);
        return copy;
    }

    /** @return a read-only buffer over the frame's bytes (no copy) */
    public ByteBuffer buffer() {
        if (array != null) {
            return ByteBuffer.wrap(array, offset, size()).slice().asReadOnlyBuffer();
        }
        return buffer.asReadOnlyBuffer();
    }

    /**
     * @param index position in the frame
     * @return the byte at that position
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, size());
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
            return new String(array, offset, size(), StandardCharsets.UTF_8);
        }
        return new String(data(), StandardCharsets.UTF_8);
    }

    /**
     * @param prefix bytes to compare with the frame's start
     * @return whether the frame begins with those bytes
     */
    public boolean startsWith(byte[] prefix) {
        if (prefix.length > size()) {
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
        if (!(o instanceof Frame f) || f.size() != size()) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (byteAt(i) != f.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            h = 31 * h + byteAt(i);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Frame[").append(size()).append(hasMore() ? " bytes, more]" : " bytes]");
        int n = Math.min(size(), 32);
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
            if (n < size()) {
                sb.append("...");
            }
        }
        return sb.toString();
    }
}
