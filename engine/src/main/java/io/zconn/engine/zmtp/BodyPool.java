package io.zconn.engine.zmtp;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct memory for large received frame bodies ({@link io.zconn.engine.ZmqOption#RECV_DIRECT}):
 * one direct {@link ByteBuffer} per body, in power-of-two classes from {@value #MIN_BODY} bytes to
 * {@value #MAX_BODY}, lent to the application inside a {@link io.zconn.engine.Frame} and taken back
 * when it calls {@code Frame.release()}.
 *
 * <p><b>Never reused while reachable.</b> The pool keeps a buffer only while it is idle; a lent
 * buffer is referenced by its frame (and by every view of it the application made, which the JDK
 * ties to the buffer they came from), not by the pool. Released explicitly, it is idle again; never
 * released, it becomes garbage once the application holds nothing of it, and the JDK frees its
 * memory then: the pool never hands out memory the application can still reach (a frame used after
 * its own {@code release()} is refused; views taken before it are the application's to drop).
 *
 * <p><b>Bounded.</b> The buffers the pool ever made and that are still alive (idle, lent, or
 * dropped but not yet collected) hold at most {@link #maxBytes()} bytes; past that, {@link #take}
 * answers null and the decoder falls back to heap arrays. A cleaner takes a collected buffer off
 * the count. The limit is {@code -Dio.zconn.recvDirectBytes} (default 64 MiB) for the whole JVM.
 */
public final class BodyPool {
    /** Smallest body taken into direct memory (smaller ones are cheaper as heap arrays). */
    public static final int MIN_BODY = 8 * 1024;
    /** Largest body taken into direct memory; larger ones stay heap arrays. */
    public static final int MAX_BODY = 16 * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(BodyPool.class.getName());
    private static final int MIN_SHIFT = 13;
    private static final int CLASSES = 24 - MIN_SHIFT + 1;
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "zconn-direct-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** The pool the stream transports use. */
    public static final BodyPool SHARED = new BodyPool(Long.getLong("io.zconn.recvDirectBytes", 64L << 20));

    private final long maxBytes;
    private final AtomicLong liveBytes = new AtomicLong();
    private final List<ArrayDeque<ByteBuffer>> idle = new ArrayList<>(CLASSES);
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param maxBytes the most bytes of live buffers the pool makes
     */
    public BodyPool(long maxBytes) {
        this.maxBytes = maxBytes;
        for (int i = 0; i < CLASSES; i++) {
            idle.add(new ArrayDeque<>());
        }
    }

    /** @return the most bytes of live buffers this pool makes */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return bytes of the buffers this pool made that are alive now (idle, lent or not yet collected) */
    public long liveBytes() {
        return liveBytes.get();
    }

    /**
     * @param size a body size
     * @return whether bodies of this size come from the pool
     */
    public static boolean pooled(long size) {
        return size >= MIN_BODY && size <= MAX_BODY;
    }

    private static int classOf(int size) {
        int shift = 32 - Integer.numberOfLeadingZeros(size - 1);
        return Math.max(shift, MIN_SHIFT) - MIN_SHIFT;
    }

    /**
     * An idle buffer of at least {@code size} bytes, made by no allocation: for a body whose bytes
     * have not all arrived (memory already held costs nothing more).
     *
     * @param size a body size ({@link #pooled})
     * @return a cleared buffer, or null when none is idle
     */
    public ByteBuffer takeIdle(int size) {
        ArrayDeque<ByteBuffer> q = idle.get(classOf(size));
        synchronized (q) {
            return q.pollFirst();
        }
    }

    /**
     * An idle buffer of at least {@code size} bytes or, within the limit, a new one.
     *
     * @param size a body size ({@link #pooled})
     * @return a cleared buffer, or null when the pool's limit is reached
     */
    public ByteBuffer take(int size) {
        ByteBuffer b = takeIdle(size);
        if (b != null) {
            return b;
        }
        int capacity = 1 << (classOf(size) + MIN_SHIFT);
        if (liveBytes.addAndGet(capacity) > maxBytes) {
            liveBytes.addAndGet(-capacity);
            return null;
        }
        try {
            b = ByteBuffer.allocateDirect(capacity);
        } catch (OutOfMemoryError e) {
            // -XX:MaxDirectMemorySize reached (the JDK collected and retried already): heap arrays
            // then; said once, where an operator sees it
            liveBytes.addAndGet(-capacity);
            if (warned.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "direct memory exhausted (" + e.getMessage()
                        + "): large frames are received into heap arrays while it lasts; lower -Dio.zconn.recvDirectBytes"
                        + " or raise -XX:MaxDirectMemorySize", e);
            }
            return null;
        }
        AtomicLong live = liveBytes;
        CLEANER.register(b, () -> live.addAndGet(-capacity));
        return b;
    }

    /**
     * Makes a buffer idle again. Only its single owner may call this, once (the frame's release).
     *
     * @param b a buffer from {@link #take}
     */
    public void giveBack(ByteBuffer b) {
        b.clear();
        ArrayDeque<ByteBuffer> q = idle.get(classOf(b.capacity()));
        synchronized (q) {
            q.addFirst(b);
        }
    }

    /**
     * @param b a buffer from {@link #take}
     * @return the action that gives it back (holding it, so it stays alive as long as the frame)
     */
    public Runnable releaser(ByteBuffer b) {
        return () -> giveBack(b);
    }
}
