package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketListener;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.SocketMonitor;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.pipe.Pipe;
import org.jctools.queues.MpscUnboundedArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The common part of every socket type: options, endpoints, attached pipes, blocking and waking,
 * and a mailbox through which I/O threads tell the socket about its pipes. Socket types implement
 * the {@code x*} hooks, as in libzmq's socket_base.
 *
 * <p>Threading: every public operation runs under the socket's lock, so a socket may be shared;
 * I/O threads never wait for the lock — they post to the mailbox, which the next operation drains
 * (or they drain it themselves when the lock is free and the socket is shared).
 *
 * <p>Confined ({@link ZmqOption#THREAD_CONFINED}): one owner thread, no lock. Every entry
 * checks the caller against the owner (one volatile read) and fails with EFSM before touching
 * anything; the mailbox is drained by the owner only; another thread's close (the context's) only
 * marks the socket closed and wakes it, and the owner's next call tears it down. Switching the
 * mode takes the lock, and a caller that read "shared" re-checks under the lock, so a thread that
 * raced a switch to confined fails rather than running beside the owner.
 */
public abstract class SocketBase implements Pipe.Events {
    private static final int ATTACH = 0, READ = 1, WRITE = 2, TERM = 3, HICCUP = 4;

    private record Cmd(int kind, Pipe pipe) {
    }

    protected final Ctx ctx;
    protected final SocketType type;
    protected final Options options = new Options();
    /** RCVTIMEO and SNDTIMEO in nanoseconds (-1: none), kept with the options: read on every call. */
    private long rcvTimeoutNanos = timeoutNanos(ZmqOption.RCVTIMEO.defaultValue()),
            sndTimeoutNanos = timeoutNanos(ZmqOption.SNDTIMEO.defaultValue());
    private final ReentrantLock lock = new ReentrantLock();
    private final MpscUnboundedArrayQueue<Cmd> mailbox = new MpscUnboundedArrayQueue<>(64);
    private final CopyOnWriteArrayList<Waiter> waiters = new CopyOnWriteArrayList<>();
    private final Set<Pipe> pipes = new LinkedHashSet<>();
    private final Map<String, List<EndpointHandle>> endpoints = new LinkedHashMap<>();
    private volatile boolean closed;
    /** Whether {@link #close()}'s teardown ran (a confined socket may be marked closed before it). */
    private boolean tornDown;
    /** THREAD_CONFINED: the one thread allowed in (no lock taken); null when shared (the default). */
    private volatile Thread owner;
    // ---- readiness stamps (the Poller skips a socket whose stamps did not move) ----
    /** Moves on at every wake-up (a pipe event, from any thread): atomic increments. */
    private volatile long wakeStamp;
    /** Moves on at the end of every call into the socket but {@link #events()} (lock holder or owner). */
    private long callStamp;
    private static final VarHandle CALL_STAMP;
    private static final VarHandle WAKE_STAMP;

    static {
        try {
            CALL_STAMP = MethodHandles.lookup().findVarHandle(SocketBase.class, "callStamp", long.class);
            WAKE_STAMP = MethodHandles.lookup().findVarHandle(SocketBase.class, "wakeStamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private boolean connecting;
    private boolean rcvMore;
    private String lastEndpoint = "";
    /** The listeners' queues; empty (the one check I/O threads make) when nobody monitors. */
    private volatile MonitorQueue[] monitors = NO_MONITORS;
    /** The libzmq-style monitor ({@link #monitor(String, int)}), under the lock. */
    private MonitorQueue libzmqMonitor;
    private static final MonitorQueue[] NO_MONITORS = new MonitorQueue[0];
    /** Counters other than the pipes' own (see {@link #metrics()}). */
    private final SocketCounters counters = new SocketCounters();
    /** The JMX registration asked for with MBEAN_NAME, under the lock. */
    private final SocketMBeans mbeans = new SocketMBeans(this);

    protected SocketBase(Ctx ctx, SocketType type) {
        this.ctx = ctx;
        this.type = type;
    }

    /** @return the socket type */
    public final SocketType type() {
        return type;
    }

    /** @return the context */
    public final Ctx ctx() {
        return ctx;
    }

    // ---- hooks for socket types --------------------------------------------------------------

    /** A new pipe to route over. */
    protected abstract void xattachPipe(Pipe pipe);

    /**
     * A pipe is gone for good: remove it from every routing structure that holds it (fair queue,
     * load balancer, distributor, routing-id map, subscriptions, request state). Called exactly
     * once per attached pipe, under the lock, by the one owner of pipe termination (this class):
     * when the socket ends the pipe ({@link #terminatePipe}: disconnect, unbind, close, a refused
     * peer), or when a pipe whose peer ended it has been read up to its delimiter
     * ({@link #pipeFinished}).
     */
    protected abstract void xpipeTerminated(Pipe pipe);

    /**
     * The peer ended a pipe: it can no longer be written, but what the peer sent before ending
     * stays readable up to the delimiter (libzmq's semantics). Types that read through a
     * {@link io.zconn.engine.routing.FairQueue} drop the pipe from their send-side structures
     * here and let the queue call {@link #pipeFinished} at the delimiter; the default, for types
     * that never read what peers send, ends the pipe at once.
     */
    protected void xpipePeerTerminated(Pipe pipe) {
        pipeFinished(pipe);
    }

    /** Adds the sizes of the routing structures to {@code out} (diagnostics, tests). */
    protected void xroutingState(Map<String, Integer> out) {
    }

    /** A pipe has frames to read again. */
    protected void xreadActivated(Pipe pipe) {
    }

    /** A pipe is below its HWM again. */
    protected void xwriteActivated(Pipe pipe) {
    }

    /**
     * The connection behind a pipe that outlives its connections was re-established: the new
     * peer knows nothing of what the old one was told (libzmq's hiccup; XSUB re-sends its
     * subscriptions). Frames still queued in the pipe are not touched.
     */
    protected void xhiccuped(Pipe pipe) {
    }

    /**
     * @param frame the frame to send
     * @return false if it would block
     */
    protected boolean xsend(Frame frame) {
        throw new ZmqException(Errno.ENOTSUP, type + " sockets cannot send");
    }

    /** @return the next frame, or null if none is ready */
    protected Frame xrecv() {
        throw new ZmqException(Errno.ENOTSUP, type + " sockets cannot receive");
    }

    /** @return whether xrecv would return a frame */
    protected boolean xhasIn() {
        return false;
    }

    /** @return whether xsend would accept a frame */
    protected boolean xhasOut() {
        return false;
    }

    /**
     * An option was stored (under the lock): a socket type that reads one on every message keeps a
     * copy of it here.
     *
     * @param option the option
     */
    protected void xoptionStored(ZmqOption<?> option) {
    }

    /**
     * Handles a socket-type-specific option (SUBSCRIBE...).
     *
     * @return true when handled here
     */
    protected <T> boolean xsetOption(ZmqOption<T> option, T value) {
        return false;
    }

    /**
     * A {@code connect()} is about to start (lock held): the type may refuse the endpoint or take
     * per-connect options (CONNECT_ROUTING_ID).
     *
     * @param ep the endpoint
     */
    protected void xconnecting(Endpoint ep) {
    }

    /**
     * @return whether the pipe being attached now is the connecting side's own pipe, attached by
     *         {@code connect()} itself (libzmq's "locally initiated")
     */
    protected final boolean connecting() {
        return connecting;
    }

    /**
     * Whether an attached pipe with a peer behind it counts for {@link #awaitPeers}; PUB and XPUB
     * count a subscriber only once one of its subscriptions has arrived.
     *
     * @param pipe an attached, live, connected pipe
     * @return true by default
     */
    protected boolean xcountsAsPeer(Pipe pipe) {
        return true;
    }

    /** @return whether this type needs the peer's routing id before its pipe is attached (ROUTER) */
    public boolean needsPeerRoutingId() {
        return false;
    }

    // ---- pipe events (any thread) ------------------------------------------------------------

    @Override
    public final void readActivated(Pipe pipe) {
        post(READ, pipe);
    }

    @Override
    public final void writeActivated(Pipe pipe) {
        post(WRITE, pipe);
    }

    @Override
    public final void terminated(Pipe pipe) {
        post(TERM, pipe);
    }

    /**
     * Attaches a pipe from another thread (a session whose handshake completed, an inproc peer).
     *
     * @param pipe the socket's end
     */
    public final void attachLater(Pipe pipe) {
        post(ATTACH, pipe);
    }

    /**
     * Tells the socket, from another thread, that the connection behind one of its pipes was
     * re-established (see {@link #xhiccuped}).
     *
     * @param pipe the socket's end
     */
    public final void hiccupLater(Pipe pipe) {
        post(HICCUP, pipe);
    }

    private void post(int kind, Pipe pipe) {
        mailbox.offer(new Cmd(kind, pipe));
        wake();
        if ((kind == ATTACH || kind == TERM || kind == HICCUP) && owner == null
                && !lock.isHeldByCurrentThread() && lock.tryLock()) {
            // a socket nobody is calling into still takes new peers at once (a bound SUB sends
            // them its subscriptions); when the lock is busy, its holder processes the command;
            // a confined socket's owner does (the check again under the lock: it may have just
            // become confined)
            try {
                if (!closed && owner == null) {
                    processCommands();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Tells the socket, from any thread, that a pipe's peer came or went without a pipe event
     * (a connecting socket's pipe that outlives its connections): wakes {@link #awaitPeers}.
     */
    public final void peersChanged() {
        wake();
    }

    private void wake() {
        // The command was published with a release store (the queue's offer): without a full
        // fence this thread could read the waiter list before that store is visible, while a
        // thread registering a waiter reads the mailbox as empty — each missing the other, and the
        // waiter would sleep with a command queued (the Dekker pattern needs StoreLoad ordering).
        VarHandle.fullFence();
        WAKE_STAMP.getAndAdd(this, 1L); // after the command is queued: a poller that sees it sees the command
        for (Waiter w : waiters) {
            w.signal();
        }
    }

    /**
     * Attaches a pipe now; the caller holds the socket's lock (bind/connect paths).
     *
     * @param pipe the socket's end
     */
    public final void attachNow(Pipe pipe) {
        if (closed) {
            pipe.terminate();
            return;
        }
        pipe.setEvents(this);
        long swap = options.get(ZmqOption.SWAP);
        if (swap > 0) {
            pipe.spillTo(ctx.spillFiles(), options.get(ZmqOption.SWAP_DIR), swap);
        }
        pipes.add(pipe);
        xattachPipe(pipe);
        if (pipe.isPeerTerminated()) {
            onPeerTerminated(pipe);
        }
    }

    /**
     * Attaches a pipe that takes every message without asking, as libzmq attaches a PUB's or XPUB's
     * pgm/epgm pipe (PGM carries no subscriptions upstream): the socket subscribes it to everything
     * itself, and an XPUB's user is not told. Caller holds the socket's lock (bind/connect paths).
     *
     * @param pipe the socket's end
     */
    public final void attachSubscribedToAll(Pipe pipe) {
        attachNow(pipe);
        if (pipes.contains(pipe)) {
            xsubscribeToAll(pipe);
        }
    }

    /**
     * Subscribes an attached pipe to every message ({@link #attachSubscribedToAll}); nothing for
     * sockets that do not publish.
     *
     * @param pipe the pipe
     */
    protected void xsubscribeToAll(Pipe pipe) {
    }

    private void processCommands() {
        Cmd c;
        while ((c = mailbox.relaxedPoll()) != null) {
            Pipe p = c.pipe;
            switch (c.kind) {
                case ATTACH -> attachNow(p);
                case READ -> {
                    if (pipes.contains(p)) {
                        xreadActivated(p);
                    }
                }
                case WRITE -> {
                    if (pipes.contains(p)) {
                        xwriteActivated(p);
                    }
                }
                case HICCUP -> {
                    if (pipes.contains(p) && !p.isTerminated()) {
                        xhiccuped(p);
                    }
                }
                default -> onPeerTerminated(p);
            }
        }
    }

    private void onPeerTerminated(Pipe p) {
        if (pipes.contains(p) && !p.isTerminated()) {
            p.terminate(); // nothing more goes out; what came in stays readable
            xpipePeerTerminated(p);
        }
    }

    /**
     * A pipe whose peer ended it has been read up to its delimiter (or had nothing left to read):
     * it leaves every routing structure now. Caller holds the lock.
     *
     * @param p the socket's end
     */
    protected final void pipeFinished(Pipe p) {
        if (pipes.remove(p)) {
            counters.retire(p);
            p.terminate();
            p.setEvents(null);
            xpipeTerminated(p);
        }
    }

    /**
     * Ends a pipe from the socket's side (disconnect, unbind, close, PAIR refusing a second peer,
     * ROUTER refusing a duplicate routing id): it leaves every routing structure at once, with
     * whatever it still holds. Caller holds the lock.
     *
     * @param p the socket's end
     */
    protected final void terminatePipe(Pipe p) {
        if (pipes.remove(p)) {
            counters.retire(p);
            p.terminate();
            p.setEvents(null);
            xpipeTerminated(p);
        }
    }

    /**
     * Sizes of this socket's pipe bookkeeping: {@code pipes} (attached pipes) and the routing
     * structures of its type (e.g. {@code fq}, {@code lb}, {@code dist}, {@code routingIds},
     * {@code subscriptions}). For diagnostics and leak tests; processes pending pipe events first.
     *
     * @return structure name to number of entries
     */
    public final Map<String, Integer> routingState() {
        boolean locked = enter();
        try {
            if (!closed) {
                processCommands();
            }
            Map<String, Integer> out = new LinkedHashMap<>();
            out.put("pipes", pipes.size());
            out.put("mailbox", mailbox.size());
            xroutingState(out);
            return out;
        } finally {
            exit(locked);
        }
    }

    // ---- locking helpers -----------------------------------------------------------------------

    /** Runs an action under the socket's lock (used by transports attaching pipes). */
    public final void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            if (!tornDown && (owner == Thread.currentThread() || lock.isHeldByCurrentThread())) {
                teardown(); // closed by another thread while confined (the context's): finished here
            }
            throw new ZmqException(Errno.ETERM, "socket " + this + " is closed");
        }
    }

    /**
     * Enters a public operation: takes the lock when the socket is shared; when confined, checks
     * that the caller is the owner.
     *
     * @return whether the lock was taken (pass to {@link #exit})
     * @throws ZmqException EFSM when confined to another thread
     */
    @SuppressWarnings("LockNotBeforeTry") // held on return: every caller releases it in its finally (exit)
    private boolean enter() {
        Thread o = owner;
        if (o == null) {
            lock.lock();
            o = owner;
            if (o == null) {
                return true;
            }
            lock.unlock(); // became confined while this thread waited for the lock
        }
        if (o != Thread.currentThread()) {
            throw notOwner(o);
        }
        return false;
    }

    private void exit(boolean locked) {
        // callers are serialised by the lock or confinement, so a plain read; the release store
        // comes after the call's changes, so a poller that reads it then calls events() sees them
        CALL_STAMP.setRelease(this, callStamp + 1);
        if (locked) {
            lock.unlock();
        }
    }

    private ZmqException notOwner(Thread o) {
        return new ZmqException(Errno.EFSM, "socket " + this + " is confined to thread '" + o.getName()
                + "' (THREAD_CONFINED) and was called from thread '" + Thread.currentThread().getName()
                + "'; leave THREAD_CONFINED false (the default) to share it");
    }

    /**
     * Switches between shared and confined (THREAD_CONFINED); the caller is inside {@link #enter}.
     */
    private void confine(boolean confined) {
        if (!confined) {
            lock.lock(); // every later caller takes the lock, after this
            try {
                owner = null;
            } finally {
                lock.unlock();
            }
            return;
        }
        if (!options.get(ZmqOption.MBEAN_NAME).isEmpty()) {
            throw new ZmqException(Errno.EINVAL, "THREAD_CONFINED cannot go with MBEAN_NAME: JMX reads "
                    + this + " from other threads");
        }
        if (owner == null) {
            lock.lock(); // held already (shared); set under it so lockers re-check and see it
            try {
                owner = Thread.currentThread();
            } finally {
                lock.unlock();
            }
        }
    }

    /** @param w a waiter to signal on any pipe event (the Poller) */
    public final void addWaiter(Waiter w) {
        waiters.add(w);
    }

    /** @param w a waiter added before */
    public final void removeWaiter(Waiter w) {
        waiters.remove(w);
    }

    /**
     * @param w a waiter
     * @return whether it is in this socket's waiter list (tests: a Poller detaches on close)
     */
    public final boolean hasWaiter(Waiter w) {
        return waiters.contains(w);
    }

    // ---- send / receive -----------------------------------------------------------------------

    /** @return SNDTIMEO in nanoseconds, -1 for none */
    public final long sendTimeoutNanos() {
        return sndTimeoutNanos;
    }

    /** @return RCVTIMEO in nanoseconds, -1 for none */
    public final long recvTimeoutNanos() {
        return rcvTimeoutNanos;
    }

    private static long timeoutNanos(int ms) {
        return ms < 0 ? -1 : ms * 1_000_000L;
    }

    /** One try of a blocking operation, under the lock: a result, or null when it would block. */
    @FunctionalInterface
    private interface Attempt<T> {
        T tryOnce();
    }

    /**
     * Runs {@code attempt} under the lock until it gives a result, waiting for pipe events in
     * between, up to the timeout. {@code started} tells when the operation is half done (a
     * multipart receive), after which the timeout no longer applies.
     */
    private <T> T blocking(long timeoutNanos, Attempt<T> attempt, java.util.function.BooleanSupplier started) {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        Waiter w = null;
        long key = 0;
        try {
            while (true) {
                boolean locked = enter();
                try {
                    checkOpen();
                    processCommands();
                    T r = attempt.tryOnce();
                    if (r != null) {
                        return r;
                    }
                } finally {
                    exit(locked);
                }
                boolean midway = started.getAsBoolean();
                if (timeoutNanos == 0 && !midway) {
                    return null;
                }
                if (w == null) {
                    w = new Waiter();
                    key = w.prepare();
                    waiters.add(w);
                    continue; // re-check once registered, so no wake-up is missed
                }
                if (!park(w, key, midway ? -1 : timeoutNanos, deadline)) {
                    return null;
                }
                key = w.prepare();
            }
        } finally {
            if (w != null) {
                waiters.remove(w);
            }
        }
    }

    @SuppressWarnings("UnnecessaryLambda") // one shared 'never started' probe for the blocking loops
    private static final java.util.function.BooleanSupplier NOT_STARTED = () -> false;

    /**
     * @param frame        the frame
     * @param timeoutNanos 0 never blocks, -1 forever
     * @return whether it was queued
     */
    public final boolean send(Frame frame, long timeoutNanos) {
        boolean locked = enter(); // fast path: no allocation when the frame can go at once
        try {
            checkOpen();
            processCommands();
            if (xsend(frame)) {
                return true;
            }
        } finally {
            exit(locked);
        }
        return refusedIfFalse(timeoutNanos != 0
                && blocking(timeoutNanos, () -> xsend(frame) ? Boolean.TRUE : null, NOT_STARTED) != null);
    }

    /**
     * Sends frames as a burst: the attached pipes are flushed (a full fence, and a wake-up of a
     * sleeping reader) once at the end of the burst rather than after each message, and before
     * any wait for room, so the reader sees every frame when this returns and never sleeps while
     * the writer waits for it. A frame with MORE continues its message into the next frame.
     *
     * @param frames       the frames, in order
     * @param timeoutNanos for each frame that must wait: 0 never blocks, -1 forever
     * @return how many frames were queued: all unless a wait timed out
     */
    public final int sendBatch(List<Frame> frames, long timeoutNanos) {
        int n = frames.size();
        int i = 0;
        while (i < n) {
            boolean locked = enter();
            try {
                checkOpen();
                processCommands();
                for (Pipe p : pipes) {
                    p.deferFlushes();
                }
                try {
                    while (i < n && xsend(frames.get(i))) {
                        i++;
                    }
                } finally {
                    for (Pipe p : pipes) {
                        p.endDeferral(); // also when xsend failed: what went before is seen
                    }
                }
            } finally {
                exit(locked);
            }
            if (i == n || !send(frames.get(i), timeoutNanos)) {
                break; // all done, or that frame timed out (counted as a refusal)
            }
            i++;
        }
        return i;
    }

    private boolean refusedIfFalse(boolean sent) {
        if (!sent) {
            counters.sendRefused();
        }
        return sent;
    }

    /**
     * Sends all frames of a message atomically with respect to other threads.
     *
     * @param message      the message
     * @param timeoutNanos 0 never blocks, -1 forever
     * @return whether it was queued
     */
    public final boolean sendMessage(Message message, long timeoutNanos) {
        int n = message.size();
        if (n == 0) {
            throw new ZmqException(Errno.EINVAL, "cannot send a message with no frames");
        }
        return refusedIfFalse(blocking(timeoutNanos, () -> {
            if (!xsend(message.get(0).withMore(n > 1))) {
                return null;
            }
            for (int i = 1; i < n; i++) {
                if (!xsend(message.get(i).withMore(i < n - 1))) {
                    throw new IllegalStateException("frame " + i + " of a message was refused");
                }
            }
            return Boolean.TRUE;
        }, NOT_STARTED) != null);
    }

    /**
     * @param timeoutNanos 0 never blocks, -1 forever
     * @return the next frame, or null on timeout
     */
    public final Frame recv(long timeoutNanos) {
        boolean locked = enter(); // fast path, as for send
        try {
            checkOpen();
            processCommands();
            Frame f = xrecv();
            if (f != null) {
                rcvMore = f.hasMore();
                return f;
            }
        } finally {
            exit(locked);
        }
        if (timeoutNanos == 0) {
            return null;
        }
        return blocking(timeoutNanos, () -> {
            Frame f = xrecv();
            if (f != null) {
                rcvMore = f.hasMore();
            }
            return f;
        }, NOT_STARTED);
    }

    /**
     * @param timeoutNanos how long to wait for the first frame
     * @return all frames of the next message, or null on timeout
     */
    public final Message recvMessage(long timeoutNanos) {
        Message[] partial = new Message[1];
        return blocking(timeoutNanos, () -> {
            Frame f;
            while ((f = xrecv()) != null) {
                if (partial[0] == null) {
                    partial[0] = new Message();
                }
                partial[0].add(f);
                rcvMore = f.hasMore();
                if (!rcvMore) {
                    return partial[0];
                }
            }
            return null;
        }, () -> partial[0] != null);
    }

    /**
     * Waits until at least {@code n} peers are attached (see {@code Socket.awaitPeers} for what
     * counts). Woken by pipe attach, pipe events (a subscription arrives as a readable frame),
     * termination, {@link #peersChanged()} and close; never spins.
     *
     * @param n            the number of peers
     * @param timeoutNanos 0 checks once, -1 forever
     * @return whether {@code n} peers were reached before the timeout
     */
    public final boolean awaitPeers(int n, long timeoutNanos) {
        if (n < 0) {
            throw new ZmqException(Errno.EINVAL, "cannot await a negative number of peers: " + n);
        }
        return blocking(timeoutNanos, () -> peerCount() >= n ? Boolean.TRUE : null, NOT_STARTED) != null;
    }

    /** @return the peers that count for {@link #awaitPeers}, now; caller holds the lock */
    private int peerCount() {
        int count = 0;
        for (Pipe p : pipes) {
            if (!p.isTerminated() && p.connected() && xcountsAsPeer(p)) {
                count++;
            }
        }
        return count;
    }

    /**
     * @return the peers that count for {@link #awaitPeers}, after processing pending pipe events
     */
    public final int peers() {
        boolean locked = enter();
        try {
            checkOpen();
            processCommands();
            return peerCount();
        } finally {
            exit(locked);
        }
    }

    private boolean park(Waiter w, long key, long timeoutNanos, long deadline) {
        if (timeoutNanos < 0) {
            w.await(key, -1);
        } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            w.await(key, left);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ZmqException(Errno.ETERM, "interrupted while waiting on " + this);
        }
        checkOpen();
        return true;
    }

    /** @return RCVMORE */
    public final boolean hasReceiveMore() {
        boolean locked = enter();
        try {
            return rcvMore;
        } finally {
            exit(locked);
        }
    }

    /** @return POLLIN / POLLOUT readiness */
    public final int events() {
        boolean locked = enter();
        try {
            checkOpen();
            processCommands();
            return (xhasIn() ? PollEvents.POLLIN : 0) | (xhasOut() ? PollEvents.POLLOUT : 0);
        } finally {
            if (locked) {
                lock.unlock(); // not exit(): asking for readiness leaves the readiness stamp as it is
            }
        }
    }

    /**
     * A value that moves on whenever this socket's readiness may have changed: at every pipe event
     * or wake-up (any thread) and at the end of every call into the socket except {@link #events()}.
     * A poller that read it before calling {@link #events()} and reads the same value later may
     * take that answer as still true (readiness changes only through such events and calls).
     *
     * @return the readiness stamp
     */
    public final long readinessStamp() {
        return wakeStamp + (long) CALL_STAMP.getAcquire(this);
    }

    // ---- options ------------------------------------------------------------------------------

    /** Sets an option after validating it. */
    public final <T> void setOption(ZmqOption<T> option, T value) {
        boolean locked = enter();
        try {
            checkOpen();
            option.validate(value);
            if (option == ZmqOption.THREAD_CONFINED) {
                confine((Boolean) value);
                return;
            }
            if (xsetOption(option, value)) {
                return;
            }
            if (option == ZmqOption.MBEAN_NAME && owner != null) {
                throw new ZmqException(Errno.EINVAL, "MBEAN_NAME cannot go with THREAD_CONFINED: JMX reads "
                        + this + " from other threads");
            }
            if (option == ZmqOption.MBEAN_NAME) {
                mbeans.register((String) value); // before storing: a name already taken is refused
            }
            if (option.access() == ZmqOption.Access.WRITE_ONLY) {
                throw new ZmqException(Errno.EINVAL, "option " + option + " is not valid for " + type + " sockets");
            }
            options.put(option, value instanceof byte[] b ? option.type().cast(b.clone()) : value);
            if (option == ZmqOption.RCVTIMEO || option == ZmqOption.SNDTIMEO) {
                rcvTimeoutNanos = timeoutNanos(options.get(ZmqOption.RCVTIMEO));
                sndTimeoutNanos = timeoutNanos(options.get(ZmqOption.SNDTIMEO));
            }
            xoptionStored(option);
        } finally {
            exit(locked);
        }
    }

    /** Reads an option. */
    public final <T> T getOption(ZmqOption<T> option) {
        if (option == ZmqOption.EVENTS) {
            return option.type().cast(events());
        }
        boolean locked = enter();
        try {
            checkOpen();
            if (option == ZmqOption.TYPE) {
                return option.type().cast(type);
            }
            if (option == ZmqOption.RCVMORE) {
                return option.type().cast(rcvMore);
            }
            if (option == ZmqOption.LAST_ENDPOINT) {
                return option.type().cast(lastEndpoint);
            }
            if (option == ZmqOption.THREAD_SAFE || option == ZmqOption.THREAD_CONFINED) {
                return option.type().cast(option == ZmqOption.THREAD_SAFE ? owner == null : owner != null);
            }
            if (option.access() == ZmqOption.Access.WRITE_ONLY) {
                throw new ZmqException(Errno.EINVAL, "option " + option + " is write-only");
            }
            T v = options.get(option);
            return v instanceof byte[] b ? option.type().cast(b.clone()) : v;
        } finally {
            exit(locked);
        }
    }

    /** @return the options (read by transports under the lock, as a snapshot) */
    public final Options optionsSnapshot() {
        return options.snapshot();
    }

    // ---- endpoints ----------------------------------------------------------------------------

    /** Binds an endpoint. */
    public final void bind(String endpoint) {
        boolean locked = enter();
        try {
            checkOpen();
            Endpoint ep = Endpoint.parse(endpoint);
            EndpointHandle h = ctx.bind(this, ep);
            lastEndpoint = h.endpoint();
            endpoints.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(h);
            if (!h.endpoint().equals(endpoint)) {
                endpoints.computeIfAbsent(h.endpoint(), k -> new ArrayList<>()).add(h);
            }
        } finally {
            exit(locked);
        }
    }

    /** Connects an endpoint. */
    public final void connect(String endpoint) {
        boolean locked = enter();
        try {
            checkOpen();
            Endpoint ep = Endpoint.parse(endpoint);
            xconnecting(ep);
            EndpointHandle h;
            connecting = true;
            try {
                h = ctx.connect(this, ep);
            } finally {
                connecting = false;
            }
            // CONNECT_ROUTING_ID names this connection only (the transport took a snapshot)
            options.put(ZmqOption.CONNECT_ROUTING_ID, ZmqOption.CONNECT_ROUTING_ID.defaultValue());
            lastEndpoint = h.endpoint();
            endpoints.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(h);
        } finally {
            exit(locked);
        }
    }

    /** Unbinds an endpoint. */
    public final void unbind(String endpoint) {
        removeEndpoint(endpoint, "bound");
    }

    /** Disconnects an endpoint. */
    public final void disconnect(String endpoint) {
        removeEndpoint(endpoint, "connected");
    }

    private void removeEndpoint(String endpoint, String what) {
        boolean locked = enter();
        try {
            checkOpen();
            Endpoint.parse(endpoint);
            processCommands(); // pipes of this endpoint still waiting in the mailbox are attached first
            List<EndpointHandle> hs = endpoints.remove(endpoint);
            if (hs == null || hs.isEmpty()) {
                throw new ZmqException(Errno.ENOENT, "endpoint '" + endpoint + "' is not " + what + " on " + this);
            }
            endpoints.values().forEach(l -> l.removeAll(hs));
            endpoints.values().removeIf(List::isEmpty);
            for (EndpointHandle h : hs) {
                h.close();
                for (Pipe p : new ArrayList<>(pipes)) {
                    if (p.attachment() == h) {
                        terminatePipe(p);
                    }
                }
            }
        } finally {
            exit(locked);
        }
    }

    // ---- metrics --------------------------------------------------------------------------------

    /**
     * A snapshot of the socket's counters (see {@link SocketMetrics}); after processing pending
     * pipe events. A closed socket still answers, with its totals and no peers.
     *
     * @return the snapshot
     */
    public final SocketMetrics metrics() {
        boolean locked = enter();
        try {
            if (!closed) {
                processCommands();
            }
            return counters.snapshot(type, pipes);
        } finally {
            exit(locked);
        }
    }

    /** @return the socket's counters of connection events, for the transports to count in */
    public final SocketCounters counters() {
        return counters;
    }

    // ---- monitoring ---------------------------------------------------------------------------

    /**
     * @return whether anyone monitors this socket: transports check it before building an event,
     *         so that an unmonitored socket pays one volatile read per connection event, nothing per message
     */
    public final boolean monitored() {
        return monitors.length != 0;
    }

    /**
     * Hands an event to every monitor of this socket; never blocks (a full queue drops it and counts it).
     *
     * @param event the event
     */
    public final void event(SocketEvent event) {
        for (MonitorQueue m : monitors) {
            m.offer(event);
        }
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     * @param mask     libzmq's event mask
     * @return its registration
     */
    public final SocketMonitor monitor(SocketListener listener, int mask) {
        boolean locked = enter();
        try {
            checkOpen();
            MonitorQueue q = new MonitorQueue(ctx.events(), mask, listener, this::monitorStopped);
            addMonitor(q);
            return q;
        } finally {
            exit(locked);
        }
    }

    /**
     * libzmq's {@code zmq_socket_monitor}: publishes the events in {@code mask} on a PAIR bound at
     * the inproc {@code endpoint}, in libzmq's two-frame format; replaces the previous such monitor
     * (which gets MONITOR_STOPPED if it asked for it); null stops it.
     *
     * @param endpoint an {@code inproc://} endpoint, or null
     * @param mask     libzmq's event mask (16 bits)
     */
    public final void monitor(String endpoint, int mask) {
        boolean locked = enter();
        try {
            checkOpen();
            if (endpoint != null) {
                if (Endpoint.parse(endpoint).transport() != Endpoint.Transport.INPROC) {
                    throw new ZmqException(Errno.EPROTONOSUPPORT, "socket events are published over inproc only, as in libzmq: " + endpoint);
                }
                if ((mask & ~SocketEvent.Type.ALL) != 0) {
                    throw new ZmqException(Errno.EINVAL, "event mask 0x" + Integer.toHexString(mask) + " has bits beyond libzmq's 16");
                }
            }
            if (libzmqMonitor != null) {
                libzmqMonitor.close();
                libzmqMonitor = null;
            }
            if (endpoint == null) {
                return;
            }
            SocketBase pair = ctx.createSocket(SocketType.PAIR);
            try {
                pair.bind(endpoint);
            } catch (RuntimeException e) {
                pair.close();
                throw e;
            }
            SocketListener publisher = e -> {
                if (e.type().code() != 0 && (e.type().code() & ~SocketEvent.Type.ALL) == 0) {
                    try {
                        pair.sendMessage(new Message(List.of(Frame.wrap(e.libzmqFrame()),
                                Frame.wrap(e.endpoint().getBytes(java.nio.charset.StandardCharsets.UTF_8)))), 0);
                    } catch (ZmqException closed) {
                        // the monitor's PAIR or the context is closing: nobody reads it any more
                    }
                }
            };
            MonitorQueue q = new MonitorQueue(ctx.events(), mask, publisher, stopped -> {
                monitorStopped(stopped);
                pair.close();
            });
            addMonitor(q);
            libzmqMonitor = q;
        } finally {
            exit(locked);
        }
    }

    private void addMonitor(MonitorQueue q) {
        synchronized (monitorsLock) {
            MonitorQueue[] now = monitors;
            MonitorQueue[] next = java.util.Arrays.copyOf(now, now.length + 1);
            next[now.length] = q;
            monitors = next;
        }
    }

    private void monitorStopped(MonitorQueue q) {
        synchronized (monitorsLock) {
            monitors = java.util.Arrays.stream(monitors).filter(m -> m != q).toArray(MonitorQueue[]::new);
        }
    }

    private final Object monitorsLock = new Object();

    // ---- close --------------------------------------------------------------------------------

    /** @return whether closed */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket; pending outbound messages linger in their sessions. Idempotent.
     *
     * @throws ZmqException EFSM when confined to another thread (the context uses {@link #closeByContext})
     */
    public final void close() {
        boolean locked = enter();
        try {
            if (!tornDown) {
                teardown();
            }
        } finally {
            exit(locked);
        }
    }

    /**
     * The context closes the socket from its closing thread: a socket confined to another thread
     * is only marked closed and woken (its owner may be inside a call; nothing else is touched),
     * and its owner's next call tears it down and fails with ETERM.
     */
    final void closeByContext() {
        Thread o = owner;
        if (o != null && o != Thread.currentThread()) {
            closed = true;
            wake();
            ctx.socketClosed(this);
            return;
        }
        close();
    }

    /** Ends everything the socket holds; the caller holds the lock or is the confined owner. */
    private void teardown() {
        tornDown = true;
        closed = true;
        for (List<EndpointHandle> hs : endpoints.values()) {
            for (EndpointHandle h : hs) {
                h.close();
            }
        }
        endpoints.clear();
        processCommands();
        for (Pipe p : new ArrayList<>(pipes)) {
            terminatePipe(p);
        }
        Cmd c;
        while ((c = mailbox.relaxedPoll()) != null) {
            if (c.kind == ATTACH) {
                c.pipe.terminate();
            }
        }
        libzmqMonitor = null;
        for (MonitorQueue m : monitors) {
            m.close();
        }
        mbeans.unregister();
        wake();
        ctx.socketClosed(this);
    }

    @Override
    public String toString() {
        return type + "@" + Integer.toHexString(System.identityHashCode(this));
    }
}
