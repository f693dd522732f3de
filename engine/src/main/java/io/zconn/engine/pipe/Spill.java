package io.zconn.engine.pipe;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * SWAP: the on-disk overflow of one outbound pipe direction, as ZeroMQ 2.x's swap. Once the
 * in-memory queue is at its HWM, whole messages are appended to a file (in {@link SpillFormat}),
 * and while the file holds anything every new message goes there too, so order is kept; the
 * reader takes the in-memory queue first, then the file, then the queue again once the file is
 * empty. When the file holds {@code limit} bytes the pipe is full and the socket's usual HWM
 * behaviour applies (the last message accepted may take it past the limit by its own size).
 *
 * <p><b>Threads.</b> The writer (the socket's sending thread, under the socket's lock) appends:
 * it is the thread that would otherwise block or drop, so a slow disk slows exactly the sender
 * that overflows. The reader (the session's I/O thread, which drains the pipe into its connection)
 * reads the file back in batches of at most {@link #REFILL} bytes with one positional read each,
 * a message at a time, so one I/O loop pass reads at most what it then writes to the network (its
 * write budget) plus one batch. Reading on the I/O loop was chosen over refilling from the sender
 * (which only runs when the application calls in, so a spill would not drain while it waits) or
 * from a separate executor (a thread zconn would have to make, or a host executor it does not
 * always have); the file was written moments before, so these reads are normally served by the
 * page cache. No thread is created.
 *
 * <p><b>Memory.</b> Bounded by construction: the reader's batch buffer is a constant
 * ({@link #REFILL}), plus the one message being handed on (decoded whole before its first frame is
 * handed on, so a corrupt record never splits a message).
 *
 * <p><b>Durability.</b> None beyond the process: writes go to the OS page cache and are never
 * forced to the device (no fsync), and the file is deleted when the pipe ends and at the latest when the
 * context closes. The file protects against a slow consumer, not against a crash: after a crash
 * of the process or the machine its messages are lost (a file left behind is never read again).
 * What the format guarantees is integrity: every record carries its length and a CRC32C, so a
 * reader never hands on a torn or corrupt record (it logs an ERROR and drops what the file held).
 *
 * <p><b>Errors.</b> A write that fails (ENOSPC, a quota) is undone (the file is truncated back to
 * its last whole message) and the send fails with a {@link ZmqException} ({@link Errno#ENOSPC}
 * when the device is full, {@link Errno#EOTHER} otherwise): nothing accepted before is lost, and
 * the failed message was not accepted.
 */
final class Spill {
    private static final System.Logger LOG = System.getLogger(Spill.class.getName());
    /** The reader's batch: the most it reads from the file at once, and the buffer it keeps. */
    static final int REFILL = 64 * 1024;

    private static final VarHandle WRITER_WAITING;

    static {
        try {
            WRITER_WAITING = MethodHandles.lookup().findVarHandle(Spill.class, "writerWaiting", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SpillFiles files;
    private final Path dir;
    private final long limit;
    private final Runnable onWritable;

    // ---- writer-owned
    private final ArrayList<Frame> parts = new ArrayList<>(4);
    private long messagesLocal;
    private long bytesLocal;
    /** Set by the writer before the channel is published; read by any thread after it. */
    private volatile Path path;
    /** Logical end of what was written (file offset = logical - base). */
    private long writeEnd;
    private long writtenMessages;

    // ---- shared
    private volatile FileChannel channel;
    /** Logical offset of the file's first byte; moves (and the file is truncated) when it is empty. */
    private volatile long base;
    private volatile long committedEnd;
    private volatile long committedMessages;
    private volatile long readMessages;
    /** Metrics: payload bytes of the messages the reader has taken (or dropped); written before readMessages. */
    private volatile long readBytes;
    @SuppressWarnings("unused") // through WRITER_WAITING
    private volatile boolean writerWaiting;
    /** The writer ended while the file held messages: the delimiter follows them. */
    private volatile boolean delimiter;
    private volatile boolean closed;
    /** Messages written to memory before the file's current run (see {@link #startRun}). */
    private volatile long memoryBefore;
    /** Metrics: whole messages and their payload bytes ever written to the file. */
    private volatile long messages;
    private volatile long bytes;
    /** Messages dropped because the file was corrupt (reader). */
    private volatile long lost;

    // ---- reader-owned
    private final ByteBuffer buf = ByteBuffer.allocate(REFILL).flip();
    /** Logical offset of buf's position. */
    private long readPos;
    private long readLocal;
    private long readBytesLocal;
    /** Payload bytes of the message in {@link #pending}. */
    private long pendingBytes;
    private final ArrayDeque<Frame> pending = new ArrayDeque<>(4);
    private volatile boolean delimiterTaken;
    private long lostLocal;

    Spill(SpillFiles files, Path dir, long limit, Runnable onWritable) {
        this.files = files;
        this.dir = dir;
        this.limit = limit;
        this.onWritable = onWritable;
        files.opened(this);
    }

    // ---- writer -------------------------------------------------------------------------------

    /**
     * Writer: the first message of a new run in the file (the file held nothing) follows this many
     * messages written to the memory queue; the reader takes nothing from the file before it has
     * read them all. Published to the reader by the commit of that message (a volatile write after
     * this one).
     *
     * @param messagesInMemory the memory queue's messages written so far
     */
    void startRun(long messagesInMemory) {
        memoryBefore = messagesInMemory;
    }

    /**
     * Reader: whether the file's messages may be taken once the memory queue has had this many read:
     * a message the writer put in memory before the file's run may become visible to the reader
     * after the run's first message did (the memory queue publishes with ordered stores), and it
     * must still come first.
     *
     * @param messagesReadFromMemory the memory queue's messages read so far
     * @return whether nothing in memory precedes the file's next message
     */
    boolean follows(long messagesReadFromMemory) {
        return messagesReadFromMemory >= memoryBefore;
    }

    /** Writer: whether the file holds messages the reader has not taken (new messages go after them). */
    boolean holdsAny() {
        return committedMessages != readMessages;
    }

    /**
     * Writer: whether a new message may be appended (the file is below its limit). If not, the
     * writer is woken (writeActivated) once the reader has emptied the file.
     */
    boolean canWrite() {
        if (writeEnd - base < limit || !holdsAny()) {
            return true;
        }
        writerWaiting = true;
        VarHandle.fullFence();
        if (!holdsAny()) {
            WRITER_WAITING.compareAndSet(this, true, false);
            return true;
        }
        return false;
    }

    /** Writer: the file is empty (all read); cut it to nothing so its space is given back. */
    void resetIfEmpty() {
        FileChannel ch = channel;
        if (ch == null || writeEnd == base || holdsAny()) {
            return;
        }
        try {
            ch.truncate(0);
            base = writeEnd;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "SWAP: cannot truncate " + path + ": " + e);
        }
    }

    /**
     * Writer: appends a frame; the message goes to the file when its last frame comes.
     *
     * @param frame the frame
     * @throws ZmqException when the file cannot be written (the message is then not accepted)
     */
    void write(Frame frame) {
        parts.add(frame);
        if (frame.hasMore()) {
            return;
        }
        try {
            append();
        } finally {
            parts.clear();
        }
    }

    private void append() {
        if (closed) {
            throw new ZmqException(Errno.ETERM, "SWAP: the pipe's spill file was closed");
        }
        FileChannel ch = open();
        int n = parts.size();
        ByteBuffer[] bufs = new ByteBuffer[2 * n];
        ByteBuffer headers = ByteBuffer.allocate(SpillFormat.HEADER * n);
        long total = 0;
        long payload = 0;
        for (int i = 0; i < n; i++) {
            Frame f = parts.get(i);
            SpillFormat.writeHeader(f, headers);
            bufs[2 * i] = headers.slice(SpillFormat.HEADER * i, SpillFormat.HEADER);
            bufs[2 * i + 1] = f.buffer();
            total += SpillFormat.recordSize(f);
            payload += f.size();
        }
        long at = writeEnd - base;
        try {
            ch.position(at);
            long left = total;
            while (left > 0) {
                left -= ch.write(bufs);
            }
        } catch (IOException e) {
            try {
                ch.truncate(at); // undo the part written: the file ends after its last whole message
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw failure("cannot write to", e);
        }
        writeEnd += total;
        writtenMessages++;
        bytesLocal += payload;
        synchronized (this) {
            bytes = bytesLocal; // with committedMessages, so that a reader dropping the file sees both
            committedEnd = writeEnd;
            committedMessages = writtenMessages;
        }
        messages = ++messagesLocal;
    }

    private FileChannel open() {
        FileChannel ch = channel;
        if (ch != null) {
            return ch;
        }
        try {
            Files.createDirectories(dir);
            path = Files.createTempFile(dir, "zconn-swap-", ".spill");
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            if (path != null) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
            }
            path = null;
            throw failure("cannot create a spill file in", e);
        }
        channel = ch;
        if (closed) { // closed meanwhile (the context closing): do not leave the file behind
            close();
            throw new ZmqException(Errno.ETERM, "SWAP: the pipe's spill file was closed");
        }
        return ch;
    }

    private ZmqException failure(String what, IOException e) {
        String m = String.valueOf(e.getMessage());
        boolean full = m.contains("No space left") || m.contains("quota");
        ZmqException z = new ZmqException(full ? Errno.ENOSPC : Errno.EOTHER,
                "SWAP: " + what + " " + (path != null ? path : dir) + ": " + e.getMessage()
                + "; the message was not sent (the " + (committedMessages - readMessages)
                + " messages already in the file are kept)");
        z.initCause(e);
        return z;
    }

    /** Writer: drops the frames of an unfinished message. */
    void rollback() {
        parts.clear();
    }

    /** @return whether the delimiter waits behind the file's messages (any thread) */
    boolean delimiterPending() {
        return delimiter && !delimiterTaken;
    }

    /** Writer: it ends while the file holds messages; the reader takes the delimiter after them. */
    void delimiterAfter() {
        delimiter = true;
    }

    // ---- reader -------------------------------------------------------------------------------

    /** Reader: whether a frame (or the delimiter) is ready. */
    boolean hasFrame() {
        return !pending.isEmpty() || (!closed && (readLocal != committedMessages || (delimiter && !delimiterTaken)));
    }

    /**
     * Reader: the next frame from the file, {@link Pipe#DELIMITER} once after the last one when the
     * writer ended with the file not empty, or null when there is nothing.
     */
    @SuppressWarnings("ReferenceEquality")
    Frame read() {
        while (true) {
            Frame f = pending.poll();
            if (f != null) {
                if (pending.isEmpty()) {
                    readBytesLocal += pendingBytes;
                    pendingBytes = 0;
                    readBytes = readBytesLocal;
                    messageTaken(1);
                }
                return f;
            }
            if (closed) {
                return null;
            }
            if (readLocal == committedMessages) {
                if (delimiter && !delimiterTaken) {
                    delimiterTaken = true;
                    close();
                    return Pipe.DELIMITER;
                }
                return null;
            }
            try {
                loadMessage();
            } catch (SpillFormat.CorruptRecordException | IOException e) {
                if (closed) {
                    return null; // closed under us (the other end ended too): nothing more is read
                }
                dropAll(e);
            }
        }
    }

    private void messageTaken(long n) {
        readLocal += n;
        readMessages = readLocal;
        VarHandle.fullFence();
        if (readLocal == committedMessages && (boolean) WRITER_WAITING.getVolatile(this)
                && WRITER_WAITING.compareAndSet(this, true, false)) {
            onWritable.run();
        }
    }

    /** Decodes the next whole message into {@link #pending}. */
    private void loadMessage() throws IOException, SpillFormat.CorruptRecordException {
        long end = committedEnd;
        Frame f;
        do {
            f = nextFrame(end);
            pending.add(f);
            pendingBytes += f.size();
        } while (f.hasMore());
    }

    private Frame nextFrame(long end) throws IOException, SpillFormat.CorruptRecordException {
        fill(SpillFormat.HEADER, end);
        int p = buf.position();
        int length = SpillFormat.checkHeader(buf, end - readPos);
        int crc = buf.getInt(p + 4);
        int flags = buf.get(p + 8) & 0xFF;
        byte[] payload = new byte[length];
        if (SpillFormat.HEADER + length <= buf.capacity()) {
            fill(SpillFormat.HEADER + length, end);
            buf.position(buf.position() + SpillFormat.HEADER);
            buf.get(payload);
        } else {
            // larger than the batch buffer: straight into the payload (what the sender sent)
            buf.position(p + SpillFormat.HEADER);
            int have = buf.remaining();
            buf.get(payload, 0, have);
            ByteBuffer rest = ByteBuffer.wrap(payload, have, length - have);
            readFully(rest, readPos + SpillFormat.HEADER + have);
        }
        readPos += SpillFormat.HEADER + length;
        return SpillFormat.frame(length, crc, flags, payload);
    }

    /** Makes buf hold at least n bytes from readPos, reading at most up to end. */
    private void fill(int n, long end) throws IOException, SpillFormat.CorruptRecordException {
        if (buf.remaining() >= n) {
            return;
        }
        long from = readPos + buf.remaining();
        buf.compact();
        int want = (int) Math.min(buf.remaining(), end - from);
        if (buf.position() + want < n) {
            buf.flip();
            throw new SpillFormat.CorruptRecordException("a record runs past the committed end at " + readPos);
        }
        buf.limit(buf.position() + want);
        readFully(buf, from);
        buf.flip();
    }

    private void readFully(ByteBuffer dst, long logical) throws IOException {
        FileChannel ch = channel;
        long at = logical - base;
        while (dst.hasRemaining()) {
            int r = ch.read(dst, at);
            if (r < 0) {
                throw new IOException("the spill file ends before what was written to it");
            }
            at += r;
        }
    }

    private void dropAll(Exception e) {
        pending.clear();
        pendingBytes = 0;
        buf.clear().flip();
        long upTo;
        synchronized (this) {
            upTo = committedMessages;
            readBytesLocal = bytes;
            readPos = committedEnd;
        }
        readBytes = readBytesLocal;
        long n = upTo - readLocal;
        lostLocal += n;
        lost = lostLocal;
        LOG.log(System.Logger.Level.ERROR, "SWAP: " + path + " is unreadable (" + e.getMessage() + "); dropping the "
                + n + " messages it held", e);
        messageTaken(n);
    }

    // ---- both ---------------------------------------------------------------------------------

    /** @return whether the file exists now */
    boolean hasFile() {
        return channel != null && !closed;
    }

    /** @return the file's path, or null before the first spill */
    Path path() {
        return path;
    }

    /** Closes and deletes the file. Idempotent; any thread (the other end being done with it). */
    void close() {
        FileChannel ch;
        synchronized (this) {
            closed = true;
            ch = channel;
        }
        files.closed(this);
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "SWAP: cannot close " + path + ": " + e);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "SWAP: cannot delete " + path + ": " + e);
        }
    }

    /** @return messages in the file not yet taken by the reader (any thread) */
    long depth() {
        return Math.max(0, committedMessages - readMessages);
    }

    /**
     * @return payload bytes of the messages in the file not yet taken by the reader (any thread; read
     *         while traffic goes on it may briefly count a message just taken)
     */
    long depthBytes() {
        long taken = readBytes; // first: then bytes, read second, is at least as far
        return Math.max(0, bytes - taken);
    }

    /** @return whole messages ever written to the file */
    long messages() {
        return messages;
    }

    /** @return payload bytes of those messages */
    long bytes() {
        return bytes;
    }

    /** @return messages dropped because the file was unreadable */
    long lost() {
        return lost;
    }

    /** @return bytes the file holds now (writer's view) */
    long fileBytes() {
        return writeEnd - base;
    }
}
