package io.zconn.engine.pipe;

import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;

import java.nio.file.Path;

/**
 * One end of a bidirectional pipe between a socket and a session (or two sockets over inproc).
 * Each end reads one {@link MsgQueue} and writes the other; {@link Events} tells the end's owner
 * when reading or writing becomes possible again and when the other end has terminated.
 *
 * <p>Termination: an end that is done calls {@link #terminate()}, which queues a delimiter after
 * any pending messages and tells the other end. The other end still reads what was queued before
 * the delimiter ({@link #read()} returns {@link #DELIMITER} once at the end).
 *
 * <p>SWAP ({@link #spillTo}): past the HWM, the messages an end writes go to a file instead of
 * blocking or dropping (see {@link Spill} for the threads, bounds and durability). Whole messages
 * go to one place: the choice is made at a message's first frame. While the file holds anything,
 * new messages go there too, and the reader takes the memory queue first, then the file, so the
 * order is the order written; the delimiter follows the file's last message when the writer ends
 * with the file not empty. Metrics count spilled messages like queued ones: {@link #depthOut()}
 * includes the messages on disk (so it may exceed {@link #hwmOut()}; {@link #spilledOut()} tells
 * how many are on disk), and HWM drops or refusals happen only once the file is full too.
 */
public final class Pipe {
    /** Marks the end of a terminated pipe's messages; compared by identity. */
    public static final Frame DELIMITER = Frame.wrap(new byte[0]);

    /** Slot numbers for {@link #slot(int)}: each routing structure keeps its index in the pipe. */
    public static final int SLOT_LB = 0, SLOT_FQ = 1, SLOT_DIST = 2, SLOTS = 3;

    /** What the owner of an end hears. Implementations must be thread-safe and never block. */
    public interface Events {
        /** @param pipe this end, which has frames to read again */
        void readActivated(Pipe pipe);

        /** @param pipe this end, which is below its HWM again */
        void writeActivated(Pipe pipe);

        /** @param pipe this end, whose peer terminated (a delimiter follows its last message) */
        void terminated(Pipe pipe);
    }

    private final MsgQueue in;
    private final MsgQueue out;
    private Pipe peer;
    private volatile Events events;
    private final int[] slots = {-1, -1, -1};
    private volatile boolean terminated;
    private volatile boolean peerTerminated;
    private byte[] routingId;
    private String peerSocketType;
    private Object attachment;
    /** Whether a peer is behind this end now (false for a connecting end before its first handshake). */
    private volatile boolean connected = true;
    /** The peer's address as an endpoint (tcp://ip:port, ipc://path), set by the transport; null when none. */
    private volatile String remoteAddress;
    /** The endpoint the pipe came through, when the attachment does not tell it (an inproc binder's end). */
    private volatile String endpoint;
    /** Sends refused (would block) because this pipe was at its HWM (written under the owner's lock). */
    private long hwmRefusals;
    /** SWAP, writer: a message is being written (its first frame decided where it goes). */
    private boolean midMessage;
    /**
     * Tests only (null otherwise): runs on the reader's thread when a read found the memory queue
     * empty, before the spill file is looked at, to play a writer that gets in just then.
     */
    Runnable afterMemoryEmpty;
    /** SWAP, writer: the message being written goes to the spill file. */
    private boolean toSpill;
    /** Writer: {@link #flush()} only notes that a flush is owed, until {@link #endDeferral()}. */
    private boolean deferFlush;
    /** Writer: a flush was owed while deferred. */
    private boolean flushOwed;

    private Pipe(MsgQueue in, MsgQueue out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Creates a connected pair of ends.
     *
     * @param hwmAtoB HWM of messages written by end A (0 = unlimited)
     * @param hwmBtoA HWM of messages written by end B
     * @return {A, B}
     */
    public static Pipe[] pair(int hwmAtoB, int hwmBtoA) {
        return pair(hwmAtoB, hwmBtoA, false);
    }

    /**
     * Creates a connected pair of ends.
     *
     * @param hwmAtoB  HWM of messages written by end A (0 = unlimited)
     * @param hwmBtoA  HWM of messages written by end B
     * @param conflate keep only the newest message in each direction (CONFLATE; HWMs ignored)
     * @return {A, B}
     */
    public static Pipe[] pair(int hwmAtoB, int hwmBtoA, boolean conflate) {
        MsgQueue ab = new MsgQueue(hwmAtoB, conflate);
        MsgQueue ba = new MsgQueue(hwmBtoA, conflate);
        Pipe a = new Pipe(ba, ab);
        Pipe b = new Pipe(ab, ba);
        a.peer = b;
        b.peer = a;
        ab.listeners(() -> b.fire(0), () -> a.fire(1));
        ba.listeners(() -> a.fire(0), () -> b.fire(1));
        return new Pipe[] {a, b};
    }

    private void fire(int what) {
        Events e = events;
        if (e == null) {
            return;
        }
        if (what == 0) {
            e.readActivated(this);
        } else {
            e.writeActivated(this);
        }
    }

    /** @param events the owner of this end */
    public void setEvents(Events events) {
        this.events = events;
    }

    /** @return the other end */
    public Pipe peer() {
        return peer;
    }

    /**
     * SWAP: past the HWM, what this end writes goes to a file in {@code dir} (created on the
     * first overflow, deleted when both ends have ended, or by {@link SpillFiles#closeAll()}),
     * holding at most about {@code limit} bytes; then the pipe is full as at its HWM. Call before
     * this end writes anything. No effect without an HWM (0, or CONFLATE).
     *
     * @param files the context's open spill files
     * @param dir   where the file goes
     * @param limit bytes the file may hold (SWAP), &gt; 0
     */
    public void spillTo(SpillFiles files, Path dir, long limit) {
        if (out.spill != null || limit <= 0 || out.hwm() == 0) {
            return;
        }
        out.spill = new Spill(files, dir, limit, () -> fire(1));
    }

    /** @return whether a new message may be written now (below HWM, or room in the spill file) */
    public boolean checkWrite() {
        if (terminated) {
            return false;
        }
        Spill s = out.spill;
        if (s == null) {
            return out.canWrite();
        }
        if (!s.holdsAny() && out.canWrite()) {
            return true;
        }
        return s.canWrite();
    }

    /**
     * @param frame a frame to write (call {@link #flush()} after the last frame)
     * @throws ZmqException with SWAP, when the message cannot be written to the spill file (ENOSPC):
     *                      the message is not accepted (nothing of it was queued)
     */
    public void write(Frame frame) {
        Spill s = out.spill;
        if (s == null) {
            out.write(frame);
            return;
        }
        if (!midMessage) {
            boolean holds = s.holdsAny();
            toSpill = holds || out.full();
            if (!toSpill) {
                s.resetIfEmpty();
            } else if (!holds) {
                s.startRun(out.writtenMessages());
            }
        }
        midMessage = frame.hasMore();
        if (!toSpill) {
            out.write(frame);
            return;
        }
        try {
            s.write(frame);
        } catch (ZmqException e) {
            midMessage = false;
            throw e;
        }
    }

    /** Drops frames of an unfinished message written so far. */
    public void rollback() {
        out.rollback();
        Spill s = out.spill;
        if (s != null) {
            s.rollback();
            midMessage = false;
        }
    }

    /** Makes written messages visible and wakes the reader if needed (see {@link #deferFlushes()}). */
    public void flush() {
        if (deferFlush) {
            flushOwed = true;
            return;
        }
        out.flush();
    }

    /**
     * Writer: a burst follows; {@link #flush()} only notes that it is owed (no fence, no wake-up)
     * until {@link #endDeferral()}, which the writer must call before it stops writing or waits
     * for room (the reader may be asleep until then).
     */
    public void deferFlushes() {
        deferFlush = true;
    }

    /** Writer: ends {@link #deferFlushes()}, flushing once if any flush was owed. */
    public void endDeferral() {
        deferFlush = false;
        if (flushOwed) {
            flushOwed = false;
            out.flush();
        }
    }

    /** @return the next frame, {@link #DELIMITER} at the end of a terminated pipe, or null */
    public Frame read() {
        Frame f = in.read();
        if (f == null) {
            Spill s = in.spill;
            Runnable hook = afterMemoryEmpty;
            if (hook != null) {
                hook.run();
            }
            if (s != null && s.follows(in.readMessages())) {
                f = s.read(); // the memory queue is empty: the spill's messages come next
            }
        }
        return f;
    }

    /** @return whether a frame (or the delimiter) is ready to read */
    public boolean checkRead() {
        if (in.hasFrame()) {
            return true;
        }
        Spill s = in.spill;
        return s != null && s.follows(in.readMessages()) && s.hasFrame();
    }

    /** Discards all queued inbound frames. */
    public void drainInbound() {
        in.drain();
    }

    /** @return outbound messages not yet taken by the peer */
    public long outboundBacklog() {
        Spill s = out.spill;
        return out.backlog() + (s == null ? 0 : s.depth() + (s.delimiterPending() ? 1 : 0));
    }

    /**
     * Ends this end: queues the delimiter after pending messages and tells the peer. Idempotent.
     */
    public void terminate() {
        if (terminated) {
            return;
        }
        terminated = true;
        out.rollback();
        Spill s = out.spill;
        if (s != null) {
            s.rollback();
            midMessage = false;
        }
        if (s != null && s.holdsAny()) {
            s.delimiterAfter(); // after the messages in the file
        } else {
            out.writeDelimiter();
            if (s != null) {
                s.close(); // empty: the reader never reads it again
            }
        }
        out.flush();
        peer.peerTerminated = true;
        Events e = peer.events;
        if (e != null) {
            e.terminated(peer);
        }
        if (peer.terminated) {
            // both ends are done: nobody writes or reads the spill files any more
            closeSpill(out.spill);
            closeSpill(in.spill);
        }
    }

    private static void closeSpill(Spill s) {
        if (s != null) {
            s.close();
        }
    }

    /** @return whether {@link #terminate()} was called on this end */
    public boolean isTerminated() {
        return terminated;
    }

    /** @return whether the other end terminated */
    public boolean isPeerTerminated() {
        return peerTerminated;
    }

    /**
     * @param slot one of the SLOT_ constants
     * @return the index stored there, -1 when none
     */
    public int slot(int slot) {
        return slots[slot];
    }

    /**
     * @param slot  one of the SLOT_ constants
     * @param index the index to store
     */
    public void slot(int slot, int index) {
        slots[slot] = index;
    }

    /** @return the routing id the owner knows this peer by (ROUTER), or null */
    public byte[] routingId() {
        return routingId;
    }

    /** @param id the routing id for this peer */
    public void routingId(byte[] id) {
        this.routingId = id;
    }

    /** @return the peer's socket type name, when known */
    public String peerSocketType() {
        return peerSocketType;
    }

    /** @param type the peer's socket type name */
    public void peerSocketType(String type) {
        this.peerSocketType = type;
    }

    /** @return what the owner attached (e.g. the endpoint the pipe belongs to) */
    public Object attachment() {
        return attachment;
    }

    /** @param attachment anything the owner wants to find again */
    public void attachment(Object attachment) {
        this.attachment = attachment;
    }

    /**
     * @return whether a peer is behind this end now: true from the start for pipes made when the
     *         peer is known (an accepted connection, an inproc peer), and for a connecting socket's
     *         pipe that outlives its connections, only while a connection whose handshake
     *         completed is up
     */
    public boolean connected() {
        return connected;
    }

    /** @param connected whether a peer is behind this end now (set by the transport that owns it) */
    public void connected(boolean connected) {
        this.connected = connected;
    }

    // ---- metrics: counted where the data passes once; readable from any thread ----------------

    /** @return whole messages written by this end (sent), the delimiter not counted */
    public long messagesOut() {
        Spill s = out.spill;
        return out.messages() + (s == null ? 0 : s.messages());
    }

    /** @return bytes of the messages written by this end */
    public long bytesOut() {
        Spill s = out.spill;
        return out.bytes() + (s == null ? 0 : s.bytes());
    }

    /** @return whole messages written to this end by its peer (received, read or still queued) */
    public long messagesIn() {
        Spill s = in.spill;
        return in.messages() + (s == null ? 0 : s.messages());
    }

    /** @return bytes of the messages written to this end by its peer */
    public long bytesIn() {
        Spill s = in.spill;
        return in.bytes() + (s == null ? 0 : s.bytes());
    }

    /**
     * @return messages this end wrote that its peer has not read yet (see {@link MsgQueue#depth()}),
     *         in memory and in the SWAP file
     */
    public long depthOut() {
        Spill s = out.spill;
        return out.depth() + (s == null ? 0 : s.depth());
    }

    /** @return messages queued for this end that it has not read yet, exactly; owner's thread (or lock) only */
    public long depthIn() {
        Spill s = in.spill;
        return in.depthAsReader() + (s == null ? 0 : s.depth());
    }

    /** @return SWAP: messages this end wrote that wait in the spill file (0 without SWAP) */
    public long spilledOut() {
        Spill s = out.spill;
        return s == null ? 0 : s.depth();
    }

    /** @return SWAP: payload bytes of the messages counted in {@link #spilledOut()} (0 without SWAP) */
    public long spilledBytesOut() {
        Spill s = out.spill;
        return s == null ? 0 : s.depthBytes();
    }

    /** @return SWAP: whole messages this end ever wrote to the spill file */
    public long spilledTotalOut() {
        Spill s = out.spill;
        return s == null ? 0 : s.messages();
    }

    /** @return SWAP: messages of this end's spill file dropped because it was unreadable (corrupt) */
    public long spillLostOut() {
        Spill s = out.spill;
        return s == null ? 0 : s.lost();
    }

    /** @return SWAP: the path of this end's spill file, null when none was created (or it is gone) */
    public Path spillPath() {
        Spill s = out.spill;
        return s == null || !s.hasFile() ? null : s.path();
    }

    /** @return the HWM of what this end writes, 0 for none */
    public long hwmOut() {
        return out.hwm();
    }

    /** @return the HWM of what this end reads, 0 for none */
    public long hwmIn() {
        return in.hwm();
    }

    /** Counts a message the owner dropped because this pipe was at its HWM; owner's thread only. */
    public void countHwmDrop() {
        out.countDrop();
    }

    /**
     * Counts a message the owner dropped because this pipe was at its HWM, once per message however
     * often it is told; owner's thread only.
     *
     * @param message the owner's number of the message
     */
    public void countHwmDrop(long message) {
        // kept with the writer's own fields of the outbound queue, not in this object: a PUB
        // counts a drop on every pipe at its HWM for every message, and a write here would take
        // the cache line this object shares with the I/O thread, which is reading the pipe
        out.countDrop(message);
    }

    /** @return messages dropped at the HWM (read under the owner's lock) */
    public long hwmDrops() {
        return out.drops();
    }

    /** Counts a send refused (would block) because this pipe was at its HWM; owner's thread only. */
    public void countHwmRefusal() {
        hwmRefusals++;
    }

    /** @return sends refused at the HWM (read under the owner's lock) */
    public long hwmRefusals() {
        return hwmRefusals;
    }

    /** @return the peer's address as an endpoint ({@code tcp://ip:port}, {@code ipc://path}), or null */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** @param address the peer's address as an endpoint, set by the transport when a connection is made */
    public void remoteAddress(String address) {
        this.remoteAddress = address;
    }

    /** @return the endpoint the pipe came through, as set by the transport, or null */
    public String endpoint() {
        return endpoint;
    }

    /** @param endpoint the endpoint the pipe came through, for metrics (when the attachment does not tell it) */
    public void endpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String toString() {
        return "Pipe@" + Integer.toHexString(System.identityHashCode(this))
                + (attachment != null ? "(" + attachment + ")" : "");
    }
}
