package io.zconn.engine;

import io.zconn.engine.core.Waiter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shuttles messages between a frontend and a backend socket, like {@code zmq_proxy}: e.g. ROUTER
 * to DEALER for a request broker, XSUB to XPUB for a pub/sub forwarder (subscriptions flow back).
 * Every message may also be copied to a capture socket (best effort: a capture socket at its HWM
 * misses copies, the flow never waits for it).
 *
 * <p>Steerable like {@code zmq_proxy_steerable}, from another thread through the Java methods
 * ({@link #pause()}, {@link #resume()}, {@link #terminate()}, {@link #statistics()}) or from any
 * process through an optional control socket that receives single-frame commands:
 * <ul>
 *   <li>{@code PAUSE}: stop forwarding; messages wait in the sockets' queues (up to their HWM, then
 *       each socket type's HWM rule applies), the control socket is still served;</li>
 *   <li>{@code RESUME}: forward again;</li>
 *   <li>{@code TERMINATE}: {@link #run()} returns;</li>
 *   <li>{@code STATISTICS}: the reply is eight frames of eight bytes, each an unsigned 64-bit count,
 *       little-endian (libzmq sends its host's order, little-endian on x86 and ARM): messages and
 *       bytes received from the frontend, messages and bytes sent on the frontend, then the same
 *       four for the backend. A multipart message counts once; its bytes are the sum of its frames'.</li>
 * </ul>
 * The control socket may be a REP (every other command is answered with one empty frame, as libzmq
 * 4.3.5 and later do, so a REQ client never hangs), a PAIR or DEALER (only STATISTICS is answered),
 * or a SUB or PULL (nothing is answered: STATISTICS is logged and ignored). An unknown or multipart
 * command is logged at WARNING and ignored (libzmq 4.3.4 aborts the process there).
 *
 * <p>The proxy never blocks on a socket: a message is taken from one side only when the other side
 * can take it, so at most one message per direction is ever held (should the other side refuse it
 * after all), and commands are served between bursts of at most {@link #BURST} messages.
 *
 * <pre>{@code
 * try (Proxy proxy = new Proxy(router, dealer, null, control)) {
 *     executor.execute(proxy);        // or proxy.run() in a thread of your own
 *     ...
 *     Proxy.Statistics s = proxy.statistics();
 * }                                   // terminates and waits (bounded) for run() to return
 * }</pre>
 */
public final class Proxy implements Runnable, AutoCloseable {
    /** The most messages forwarded in one direction before the control socket is looked at again. */
    public static final int BURST = 1000;
    /** How long {@link #close()} waits at most for {@link #run()} to return. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(Proxy.class.getName());
    private static final Set<SocketType> CONTROL_TYPES = EnumSet.of(
            SocketType.REP, SocketType.PAIR, SocketType.DEALER, SocketType.SUB, SocketType.PULL);
    private static final Set<SocketType> REPLYING_TYPES = EnumSet.of(
            SocketType.REP, SocketType.PAIR, SocketType.DEALER);
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long to back off when a socket said it was writable and then refused a whole message. */
    private static final long STALL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(1);

    /** What the proxy does now. */
    public enum State {
        /** Forwarding. */
        ACTIVE,
        /** Not forwarding; the control socket and the Java methods are still served. */
        PAUSED,
        /** Stopped for good: {@link #run()} returns (or returns at once when called later). */
        TERMINATED
    }

    /**
     * What went through the proxy: the counts of {@code STATISTICS}, in its order. "In" is what the
     * proxy received from a socket, "out" what it sent on it; capture copies are not counted.
     *
     * @param frontendMessagesIn  messages received from the frontend
     * @param frontendBytesIn     their bytes
     * @param frontendMessagesOut messages sent on the frontend
     * @param frontendBytesOut    their bytes
     * @param backendMessagesIn   messages received from the backend
     * @param backendBytesIn      their bytes
     * @param backendMessagesOut  messages sent on the backend
     * @param backendBytesOut     their bytes
     */
    public record Statistics(long frontendMessagesIn, long frontendBytesIn, long frontendMessagesOut,
            long frontendBytesOut, long backendMessagesIn, long backendBytesIn, long backendMessagesOut,
            long backendBytesOut) {

        /** @return the eight counts in the order of libzmq's STATISTICS reply */
        public long[] toArray() {
            return new long[] {frontendMessagesIn, frontendBytesIn, frontendMessagesOut, frontendBytesOut,
                    backendMessagesIn, backendBytesIn, backendMessagesOut, backendBytesOut};
        }

        /** @return the STATISTICS reply: eight frames of eight little-endian bytes */
        Message toMessage() {
            Message m = new Message();
            for (long v : toArray()) {
                m.add(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return m;
        }
    }

    private final Socket frontend;
    private final Socket backend;
    private final Socket capture;
    private final Socket control;
    private final boolean single;
    /** Held while forwarding a burst and while changing state or reading the counters. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Waiter waiter = new Waiter();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile State state = State.ACTIVE;
    // counters, guarded by lock (written by the proxy thread only)
    private long frontMsgsIn;
    private long frontBytesIn;
    private long frontMsgsOut;
    private long frontBytesOut;
    private long backMsgsIn;
    private long backBytesIn;
    private long backMsgsOut;
    private long backBytesOut;
    // at most one message per direction taken but not yet accepted by the other side (proxy thread only)
    private Message pendingToBack;
    private Message pendingToFront;
    /** Whether the last pump left a message pending that the other side refused (proxy thread only). */
    private boolean stalled;

    /**
     * A proxy steered only through its Java methods.
     *
     * @param frontend one side
     * @param backend  the other side (may be the frontend itself, as in libzmq)
     * @param capture  receives a copy of every message, or null
     */
    public Proxy(Socket frontend, Socket backend, Socket capture) {
        this(frontend, backend, capture, null);
    }

    /**
     * A proxy also steered through a control socket, like {@code zmq_proxy_steerable}.
     *
     * @param frontend one side
     * @param backend  the other side (may be the frontend itself, as in libzmq)
     * @param capture  receives a copy of every message and of every command, or null
     * @param control  receives commands: a REP, PAIR, DEALER, SUB (subscribed) or PULL socket, or null
     * @throws ZmqException EINVAL for a control socket of another type
     */
    public Proxy(Socket frontend, Socket backend, Socket capture, Socket control) {
        this.frontend = Objects.requireNonNull(frontend, "frontend");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.capture = capture;
        if (control != null && !CONTROL_TYPES.contains(control.type())) {
            throw new ZmqException(Errno.EINVAL, "a proxy's control socket must be one of " + CONTROL_TYPES
                    + ", was " + control.type());
        }
        this.control = control;
        this.single = frontend == backend;
    }

    /** @return what the proxy does now */
    public State state() {
        return state;
    }

    /**
     * Stops forwarding: once this returns, no further message is forwarded until {@link #resume()}
     * (or a RESUME command). Waits at most for the burst being forwarded (never for a peer).
     * Does nothing once terminated.
     */
    public void pause() {
        changeState(State.PAUSED);
    }

    /** Forwards again after {@link #pause()}; does nothing once terminated. */
    public void resume() {
        changeState(State.ACTIVE);
    }

    /**
     * Makes {@link #run()} return soon (after the burst being forwarded); never blocks on a peer.
     * Final: the proxy cannot be resumed.
     */
    public void terminate() {
        changeState(State.TERMINATED);
    }

    /** The same as {@link #terminate()}, kept for callers of the first version. */
    public void stop() {
        terminate();
    }

    /** @return the counts so far (a consistent snapshot, taken between two messages) */
    public Statistics statistics() {
        lock.lock();
        try {
            return new Statistics(frontMsgsIn, frontBytesIn, frontMsgsOut, frontBytesOut,
                    backMsgsIn, backBytesIn, backMsgsOut, backBytesOut);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@link #run()} has returned (or until the proxy is terminated when run() was
     * never called).
     *
     * @param timeout how long to wait at most
     * @return true when it has, false when the timeout expired first
     * @throws ZmqException ETERM when the waiting thread is interrupted (its interrupt flag stays set)
     */
    public boolean awaitTermination(Duration timeout) {
        if (!started.get() && state == State.TERMINATED) {
            return true;
        }
        try {
            return finished.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZmqException(Errno.ETERM, "interrupted while waiting for the proxy to end");
        }
    }

    /**
     * Terminates the proxy and waits at most {@link #CLOSE_TIMEOUT} for {@link #run()} to return
     * (it logs a WARNING if it did not). Closes none of the sockets.
     */
    @Override
    public void close() {
        terminate();
        if (started.get() && !awaitTermination(CLOSE_TIMEOUT)) {
            LOG.log(System.Logger.Level.WARNING, "zconn proxy " + frontend + " <-> " + backend
                    + " did not end within " + CLOSE_TIMEOUT);
        }
    }

    /**
     * Forwards in the calling thread until terminated (by a method or a TERMINATE command) or
     * until one of the sockets or their context is closed (ETERM).
     *
     * @throws ZmqException EFSM when called a second time
     */
    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new ZmqException(Errno.EFSM, "this proxy has already run");
        }
        try {
            loop();
        } catch (ZmqException e) {
            if (e.errno() != Errno.ETERM) {
                throw e;
            }
        } finally {
            state = State.TERMINATED;
            finished.countDown();
        }
    }

    private void changeState(State next) {
        lock.lock();
        try {
            if (state != State.TERMINATED) {
                state = next;
            }
        } finally {
            lock.unlock();
        }
        waiter.signal();
    }

    private void loop() {
        while (state != State.TERMINATED) {
            boolean worked = serveControl();
            if (state == State.ACTIVE) {
                worked |= pump(true);
                if (!single) {
                    worked |= pump(false);
                }
            }
            if (!worked && state != State.TERMINATED) {
                idle();
            }
        }
    }

    /** Parks until a socket or a method call signals, re-checking readiness after arming (no lost wake-up). */
    private void idle() {
        long key = waiter.prepare();
        frontend.base.addWaiter(waiter);
        backend.base.addWaiter(waiter);
        if (control != null) {
            control.base.addWaiter(waiter);
        }
        try {
            if (!ready()) {
                waiter.await(key, IDLE_WAIT_NANOS);
            } else if (stalled) {
                // writable, yet the whole message did not fit: do not spin, the next pipe event wakes us
                waiter.await(key, STALL_WAIT_NANOS);
            }
        } finally {
            frontend.base.removeWaiter(waiter);
            backend.base.removeWaiter(waiter);
            if (control != null) {
                control.base.removeWaiter(waiter);
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ZmqException(Errno.ETERM, "proxy thread interrupted");
        }
    }

    private boolean ready() {
        if (state == State.TERMINATED || (control != null && (control.events() & Poller.POLLIN) != 0)) {
            return true;
        }
        if (state != State.ACTIVE) {
            return false;
        }
        return canMove(true) || (!single && canMove(false));
    }

    private boolean canMove(boolean forward) {
        Socket from = forward ? frontend : backend;
        Socket to = forward ? backend : frontend;
        Message pending = forward ? pendingToBack : pendingToFront;
        boolean writable = single || (to.events() & Poller.POLLOUT) != 0;
        return writable && (pending != null || (from.events() & Poller.POLLIN) != 0);
    }

    /** Forwards one burst in one direction; returns whether anything moved. */
    private boolean pump(boolean forward) {
        Socket from = forward ? frontend : backend;
        Socket to = forward ? backend : frontend;
        int moved = 0;
        lock.lock();
        try {
            while (moved < BURST && state == State.ACTIVE) {
                Message m = forward ? pendingToBack : pendingToFront;
                if (m == null) {
                    if (!single && (to.events() & Poller.POLLOUT) == 0) {
                        break;
                    }
                    m = from.tryRecvMessage();
                    if (m == null) {
                        break;
                    }
                    if (capture != null) {
                        capture.trySend(m);
                    }
                }
                if (!to.trySend(m)) {
                    // writable, yet the whole message did not fit: keep it for the next turn
                    setPending(forward, m);
                    stalled = true;
                    break;
                }
                setPending(forward, null);
                stalled = false;
                count(forward, m.contentSize());
                moved++;
            }
        } finally {
            lock.unlock();
        }
        return moved > 0;
    }

    private void setPending(boolean forward, Message m) {
        if (forward) {
            pendingToBack = m;
        } else {
            pendingToFront = m;
        }
    }

    private void count(boolean forward, long bytes) {
        if (forward) {
            frontMsgsIn++;
            frontBytesIn += bytes;
            backMsgsOut++;
            backBytesOut += bytes;
        } else {
            backMsgsIn++;
            backBytesIn += bytes;
            frontMsgsOut++;
            frontBytesOut += bytes;
        }
    }

    /** Serves every command waiting on the control socket; returns whether there was one. */
    private boolean serveControl() {
        if (control == null) {
            return false;
        }
        boolean any = false;
        Message cmd;
        while (state != State.TERMINATED && (cmd = control.tryRecvMessage()) != null) {
            any = true;
            if (capture != null) {
                capture.trySend(cmd);
            }
            command(cmd);
        }
        return any;
    }

    private void command(Message cmd) {
        String name = cmd.size() == 1 ? cmd.get(0).text() : null;
        if ("STATISTICS".equals(name)) {
            if (!REPLYING_TYPES.contains(control.type())) {
                LOG.log(System.Logger.Level.WARNING, "zconn proxy: STATISTICS on a " + control.type()
                        + " control socket cannot be answered (use REP, PAIR or DEALER); ignored");
                return;
            }
            reply(statistics().toMessage());
            return;
        }
        if ("PAUSE".equals(name)) {
            pause();
        } else if ("RESUME".equals(name)) {
            resume();
        } else if ("TERMINATE".equals(name)) {
            terminate();
        } else {
            LOG.log(System.Logger.Level.WARNING, "zconn proxy: invalid control command ignored: "
                    + (cmd.size() == 1 ? printable(cmd.get(0)) : cmd.size() + " frames"));
        }
        if (control.type() == SocketType.REP) {
            reply(Message.of(new byte[0]));
        }
    }

    private void reply(Message m) {
        if (!control.send(m, REPLY_TIMEOUT)) {
            LOG.log(System.Logger.Level.WARNING, "zconn proxy: the control reply could not be queued within "
                    + REPLY_TIMEOUT + " (control socket at its HWM); dropped");
        }
    }

    private static String printable(Frame f) {
        byte[] b = f.data();
        int n = Math.min(b.length, 32);
        StringBuilder s = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++) {
            char c = (char) (b[i] & 0xFF);
            s.append(c >= 0x20 && c < 0x7f ? c : '.');
        }
        return b.length > n ? s.append("...").toString() : s.toString();
    }

    @Override
    public String toString() {
        return "Proxy[" + frontend + " <-> " + backend + ", " + state + "]";
    }
}
