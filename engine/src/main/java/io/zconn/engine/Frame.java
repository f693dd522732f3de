package io.zconn.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame of a ZeroMQ message: an immutable view of bytes plus the MORE flag that says another
 * frame of the same message follows. A frame wraps a {@code byte[]} (or a region of one) or a
 * {@link ByteBuffer} without copying.
 *
 * <p><b>Sending hands the bytes over.</b> The application must not change a frame's bytes after
 * handing it to {@link Socket#send(Frame)}: zconn reads them later, on its I/O thread, when the
 * connection writes them, and there is no notification of that moment (a frame may also sit in a
 * queue, or reach an inproc peer as the very same object). Sending the same unchanged bytes again
 * and again is fine; new contents need a new buffer or array. A frame over a <em>direct</em>
 * {@link ByteBuffer} of at least 8 KiB is written to tcp and ipc connections straight from that
 * buffer (a gathering write, no copy: {@link #wrap(ByteBuffer)}); smaller frames and heap memory are
 * copied into the connection's pooled write buffers, as they must be for the kernel anyway.
 *
 * <p><b>Lent frames.</b> With {@link ZmqOption#RECV_DIRECT} a socket receives large frames into
 * pooled direct memory that the frame only borrows ({@link #isLent()}). {@link #release()} (or
 * {@link #close()}, or {@link Message#close()}) gives it back for the next frame; the frame must not
 * be used afterwards (it then throws {@link IllegalStateException}), nor any {@link #buffer()} view
 * taken from it before. A lent frame that is never released costs nothing but memory until the
 * garbage collector finds it and every view of it unreachable; only then is its memory freed, never
 * reused while the application can still reach it. Sending a lent frame (forwarding it) ends the
 * loan: the frame keeps its memory until it is garbage, and {@code release()} does nothing.
 * Every other frame holds nothing to release: for them {@code release()} does nothing.
 */
public final class Frame implements AutoCloseable {
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
    /**
     * Null when array-backed; else the {@link ByteBuffer} (position 0, limit = size), or a
     * {@link Loan} for lent memory (one field for both keeps a frame at 32 bytes).
     */
    private final Object store;
    private final PeerMetadata metadata;

    private Frame(byte[] array, int offset, int length, Object store, boolean more, PeerMetadata metadata) {
        this.array = array;
        this.offset = offset;
        this.lengthAndMore = more ? length | MORE_BIT : length;
        this.store = store;
        this.metadata = metadata;
    }

    /**
     * Lent memory: the buffer and what gives it back. Shared by the frames made from one another
     * with {@link #withMore}, so it is given back once.
     */
    private static final class Loan {
        private static final Object RELEASED = new Object();
        private static final Object ENDED = new Object();
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Loan.class, "state", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ByteBuffer buffer;
        /** The release action; {@link #RELEASED} after release, {@link #ENDED} once sent. */
        private volatile Object state;

        Loan(ByteBuffer buffer, Runnable release) {
            this.buffer = buffer;
            this.state = release;
        }

        ByteBuffer buffer() {
            if (state == RELEASED) {
                throw new IllegalStateException("frame used after release()");
            }
            return buffer;
        }

        boolean lent() {
            return state instanceof Runnable;
        }

        boolean released() {
            return state == RELEASED;
        }

        void release() {
            Object s;
            while ((s = state) instanceof Runnable r) {
                if (STATE.compareAndSet(this, s, RELEASED)) {
                    r.run();
                    return;
                }
            }
        }

        void end() {
            Object s;
            while ((s = state) instanceof Runnable) {
                if (STATE.compareAndSet(this, s, ENDED)) {
                    return;
                }
            }
            if (s == RELEASED) {
                throw new IllegalStateException("frame sent after release()");
            }
        }
    }

    private ByteBuffer buf() {
        return store instanceof Loan l ? l.buffer() : (ByteBuffer) store;
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
     * Lends memory to a frame, as a transport hands a frame received into pooled memory to its
     * socket ({@link ZmqOption#RECV_DIRECT}): {@link #release()} runs {@code release} once, unless
     * the frame was sent before (see the class comment). Not copied; the frame reads the buffer's
     * remaining bytes as they are now.
     *
     * @param data     the bytes (a read-only view is best: the frame hands out views of it)
     * @param more     whether another frame of the message follows
     * @param metadata the connection's properties ({@link PeerMetadata#EMPTY} for none)
     * @param release  gives the memory back; must not throw
     * @return the frame
     */
    public static Frame lend(ByteBuffer data, boolean more, PeerMetadata metadata, Runnable release) {
        Objects.requireNonNull(release, "release");
        return new Frame(null, 0, data.remaining(), new Loan(data.slice(), release), more,
                Objects.requireNonNull(metadata, "metadata"));
    }

    /**
     * @return whether this frame borrows memory that {@link #release()} gives back (a frame
     *         received with {@link ZmqOption#RECV_DIRECT}, not yet released nor sent)
     */
    public boolean isLent() {
        return store instanceof Loan l && l.lent();
    }

    /**
     * Gives back the memory a lent frame borrows ({@link #isLent()}), for the next frame received;
     * the frame (and every view of it) must not be used afterwards. Does nothing for other frames,
     * for a frame that was sent, and when called again.
     */
    public void release() {
        if (store instanceof Loan l) {
            l.release();
        }
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /**
     * Ends the loan of a frame being sent: its memory is no longer given back on {@link #release()}
     * but freed by the garbage collector once nothing references it (the connections writing it, the
     * peers receiving it over inproc).
     *
     * @throws IllegalStateException if the frame was released
     */
    void sent() {
        if (store instanceof Loan l) {
            l.end();
        }
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
        return hasMore() == more ? this : new Frame(array, offset, size(), store, more, metadata);
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
        buf().duplicate().get(copy);
        return copy;
    }

    /** @return a read-only buffer over the frame's bytes (no copy); for a lent frame, valid until its release */
    public ByteBuffer buffer() {
        if (array != null) {
            return ByteBuffer.wrap(array, offset, size()).slice().asReadOnlyBuffer();
        }
        return buf().asReadOnlyBuffer();
    }

    /**
     * Copies the frame's first bytes into {@code dst} (as many as it has room for), advancing its
     * position; no buffer or array is allocated.
     *
     * @param dst where the bytes go
     * @return how many bytes were copied
     */
    public int copyTo(ByteBuffer dst) {
        int n = Math.min(size(), dst.remaining());
        if (array != null) {
            dst.put(array, offset, n);
        } else {
            dst.put(dst.position(), buf(), 0, n);
            dst.position(dst.position() + n);
        }
        return n;
    }

    /**
     * @param index position in the frame
     * @return the byte at that position
     */
    public byte byteAt(int index) {
        Objects.checkIndex(index, size());
        return array != null ? array[offset + index] : buf().get(index);
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
        if (store instanceof Loan l && l.released()) {
            return sb.append(" (released)").toString();
        }
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
