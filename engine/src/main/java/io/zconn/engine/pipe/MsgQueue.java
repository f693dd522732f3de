package io.zconn.engine.pipe;

import io.zconn.engine.Frame;
import org.jctools.queues.SpscUnboundedArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;

/**
 * One direction of a pipe: a lock-free single-producer/single-consumer queue of frames with a
 * high-water mark counted in whole messages, and wake-ups only on transitions (empty to
 * non-empty for the reader, full to non-full for the writer) — the role of libzmq's ypipe.
 *
 * <p>Frames of a multipart message are held back by the writer until the last one is written, so
 * the reader always sees whole messages. Successive producers (or consumers) on different threads
 * must hand over with a happens-before edge (the socket's lock does that).
 */
final class MsgQueue extends MsgQueueReaderFields {
    private static final VarHandle READER_SLEEPING;
    private static final VarHandle WRITER_WAITING;
    private static final VarHandle READ_PUBLISHED;
    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READER_SLEEPING = l.findVarHandle(MsgQueue.class, "readerSleeping", boolean.class);
            WRITER_WAITING = l.findVarHandle(MsgQueue.class, "writerWaiting", boolean.class);
            READ_PUBLISHED = l.findVarHandle(MsgQueue.class, "readPublished", long.class);
            MESSAGES = l.findVarHandle(MsgQueueWriterFields.class, "messages", long.class);
            BYTES = l.findVarHandle(MsgQueueWriterFields.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SpscUnboundedArrayQueue<Frame> queue = new SpscUnboundedArrayQueue<>(256);
    private final long hwm;
    private final long lwm;
    private final boolean conflate;
    /** The reader publishes its count every this many messages (and whenever it matters). */
    private final long publishMask;

    // shared
    @SuppressWarnings("unused")
    private volatile boolean readerSleeping;
    @SuppressWarnings("unused")
    private volatile boolean writerWaiting;
    @SuppressWarnings("unused")
    private volatile long readPublished;
    private volatile long writtenWhenBlocked;
    /** SWAP: where messages go past the HWM (see {@link Spill}); null when off. Set before first use. */
    volatile Spill spill;

    private Runnable onReadable = () -> { };
    private Runnable onWritable = () -> { };

    MsgQueue(int hwm, boolean conflate) {
        this.hwm = hwm <= 0 || conflate ? Long.MAX_VALUE : hwm;
        // a blocked writer is woken when the backlog falls to the low-water mark, not at the first
        // free slot, so writer and reader hand over in batches rather than one message at a time
        this.lwm = this.hwm == Long.MAX_VALUE ? Long.MAX_VALUE : (hwm > 2048 ? hwm - 1024 : (hwm + 1) / 2);
        this.conflate = conflate;
        // the writer's view of the read count may lag by up to publishMask messages: a small,
        // conservative error on the HWM that saves a shared-cache-line write per message; small
        // HWMs keep exact accounting
        long window = this.hwm == Long.MAX_VALUE ? Long.MAX_VALUE : this.hwm - this.lwm;
        this.publishMask = window >= 256 ? 63 : 0;
    }

    void listeners(Runnable onReadable, Runnable onWritable) {
        this.onReadable = onReadable;
        this.onWritable = onWritable;
    }

    /** Writer: may a new message be started? If not, the writer is woken when it may. */
    boolean canWrite() {
        if (written < writeLimit) {
            return true; // below a limit the reader already published: no read of the shared line
        }
        long seen = (long) READ_PUBLISHED.getAcquire(this);
        if (written - seen < hwm) {
            writeLimit = limitAfter(seen);
            return true;
        }
        writtenWhenBlocked = written;
        writerWaiting = true;
        if (written - readPublished < hwm) {
            WRITER_WAITING.compareAndSet(this, true, false);
            return true;
        }
        return false;
    }

    /** Writer: whether the queue is at its HWM (no side effect: the writer is not registered for a wake-up). */
    boolean full() {
        return written >= writeLimit && written - (long) READ_PUBLISHED.getAcquire(this) >= hwm;
    }

    /**
     * @param seen a read count the reader published
     * @return the written count below which a new message may start: the reader's count only grows,
     *         so what it published once bounds the backlog from above until the writer looks again
     */
    private long limitAfter(long seen) {
        return hwm == Long.MAX_VALUE ? Long.MAX_VALUE : seen + hwm;
    }

    /** @return writer: whole messages written so far (the delimiter included) */
    long writtenMessages() {
        return written;
    }

    /** @return reader: whole messages read so far (the delimiter included) */
    long readMessages() {
        return read;
    }

    /** Writer's owner: counts a message dropped because the queue was at its HWM. */
    void countDrop() {
        drops++;
    }

    /**
     * Writer's owner: counts a message dropped at the HWM once, however often it is told.
     *
     * @param message the owner's number of the message
     */
    void countDrop(long message) {
        if (message != lastDropped) {
            lastDropped = message;
            drops++;
        }
    }

    /** @return messages counted by {@link #countDrop} (read under the owner's lock) */
    long drops() {
        return drops;
    }

    /** Writer: appends a frame; the message becomes visible when its last frame is written. */
    void write(Frame frame) {
        if (frame.hasMore()) {
            if (parts == null) {
                parts = new ArrayList<>(4);
            }
            parts.add(frame);
            partBytes += frame.size();
            return;
        }
        if (parts != null && !parts.isEmpty()) {
            for (Frame p : parts) {
                queue.offer(p);
            }
            parts.clear();
        }
        queue.offer(frame);
        written++;
        // metrics: opaque stores (plain moves on x86 and ARM) that another thread reads untorn
        MESSAGES.setOpaque(this, messages + 1);
        BYTES.setOpaque(this, bytes + partBytes + frame.size());
        partBytes = 0;
    }

    /** Writer: queues the delimiter, which counts for the HWM and backlog but not in the metrics. */
    void writeDelimiter() {
        if (parts != null) {
            parts.clear();
        }
        partBytes = 0;
        queue.offer(Pipe.DELIMITER);
        written++;
    }

    /** Writer: drops frames of an unfinished message. */
    void rollback() {
        if (parts != null) {
            parts.clear();
        }
        partBytes = 0;
    }

    /** Writer: wakes the reader if it went to sleep on an empty queue. */
    void flush() {
        VarHandle.fullFence();
        if (readerSleeping && READER_SLEEPING.compareAndSet(this, true, false)) {
            onReadable.run();
        }
    }

    /**
     * Reader: the next frame, or null when empty (the reader is then woken by the next flush).
     * A conflating queue skips to the newest message (single-frame messages, as in libzmq).
     */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    Frame read() {
        Frame f = readOne();
        if (conflate && f != null && f != Pipe.DELIMITER) {
            Frame next;
            while ((next = queue.relaxedPeek()) != null && next != Pipe.DELIMITER) {
                f = readOne();
            }
        }
        return f;
    }

    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    private Frame readOne() {
        Frame f = queue.relaxedPoll();
        if (f == null) {
            READ_PUBLISHED.setRelease(this, read);
            readerSleeping = true;
            VarHandle.fullFence();
            f = queue.relaxedPoll();
            if (f == null) {
                checkWriterWaiting();
                return null;
            }
            readerSleeping = false;
        }
        if (!f.hasMore()) {
            read++;
            // the delimiter is the last message a reader takes: publish exactly, so a closing
            // session sees a backlog of 0 rather than one lagging by up to publishMask messages
            if ((read & publishMask) == 0 || f == Pipe.DELIMITER) {
                READ_PUBLISHED.setRelease(this, read);
            }
            if (writerWaiting && writtenWhenBlocked - read <= lwm) {
                READ_PUBLISHED.setRelease(this, read);
                checkWriterWaiting();
            }
        }
        return f;
    }

    /** Reader: whether a frame is ready; when not, the reader is woken by the next flush. */
    boolean hasFrame() {
        if (queue.relaxedPeek() != null) {
            return true;
        }
        readerSleeping = true;
        VarHandle.fullFence();
        if (queue.relaxedPeek() != null) {
            readerSleeping = false;
            return true;
        }
        return false;
    }

    private void checkWriterWaiting() {
        if ((boolean) WRITER_WAITING.getVolatile(this) && WRITER_WAITING.compareAndSet(this, true, false)) {
            onWritable.run();
        }
    }

    /** Reader: discards everything queued. */
    int drain() {
        int n = 0;
        while (queue.relaxedPoll() != null) {
            n++;
        }
        return n;
    }

    /**
     * @return messages written but not yet read; exact once the reader went idle (it found the
     *         queue empty) or took the delimiter, otherwise it may over-count by up to 63 messages
     */
    long backlog() {
        return written - readPublished;
    }

    /** @return whole messages written (the delimiter not counted), from any thread */
    long messages() {
        return (long) MESSAGES.getOpaque(this);
    }

    /** @return bytes of the whole messages written, from any thread */
    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    /**
     * @return messages written but not yet read, from any thread, the delimiter not counted: as
     *         {@link #backlog()} (exact once the reader went idle, else over by up to 63), never
     *         negative (the two counts are read at slightly different times)
     */
    long depth() {
        long read = (long) READ_PUBLISHED.getAcquire(this);
        return Math.max(0, (long) MESSAGES.getOpaque(this) - read);
    }

    /**
     * Reader (or a thread that took over from it with a happens-before edge): exact.
     *
     * @return messages written but not yet read, the delimiter not counted
     */
    long depthAsReader() {
        return Math.max(0, (long) MESSAGES.getOpaque(this) - read);
    }

    /** @return the HWM in messages, 0 for none */
    long hwm() {
        return hwm == Long.MAX_VALUE ? 0 : hwm;
    }
}

// Field layout, as JCTools does it: the JVM lays out a superclass's fields before a subclass's, so
// this chain keeps the writer's counter and the reader's counter on different cache lines, apart
// from the shared flags; otherwise every message would move one line between the two cores.

abstract class MsgQueuePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** Writer-owned state of a {@link MsgQueue}. */
abstract class MsgQueueWriterFields extends MsgQueuePad0 {
    /** Whole messages written. */
    long written;
    /**
     * Writer's cache: a new message may start while {@link #written} is below this (the reader's
     * last published count seen, plus the HWM); checked again against the reader only when reached.
     */
    long writeLimit;
    /** Frames of the message being written, held back until its last frame. */
    ArrayList<Frame> parts;
    /** Bytes of {@link #parts}. */
    long partBytes;
    /** Metrics: whole messages written, the delimiter not counted (opaque stores, read by any thread). */
    long messages;
    /** Metrics: bytes of those messages (opaque stores). */
    long bytes;
    /** Metrics: messages the writer's owner dropped at the HWM (owner's thread). */
    long drops;
    /** The owner's number of the last message counted in {@link #drops}. */
    long lastDropped = -1;
}

abstract class MsgQueuePad1 extends MsgQueueWriterFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** Reader-owned state of a {@link MsgQueue}. */
abstract class MsgQueueReaderFields extends MsgQueuePad1 {
    /** Whole messages read. */
    long read;
    long p20, p21, p22, p23, p24, p25, p26, p27;
}
