package io.zconn.engine.core;

import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketListener;
import io.zconn.engine.SocketMonitor;
import org.jctools.queues.MpscArrayQueue;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One listener's events on their way from the I/O threads to the listener: a bounded lock-free
 * queue ({@link #CAPACITY} events) that I/O threads offer to without ever waiting, drained by one
 * task at a time on the context's event workers ({@link #workers}), so the listener sees the events one at a
 * time and in order. An event that finds the queue full is dropped and counted; the count is
 * reported to the listener once the queue has drained, as one {@link SocketEvent.Type#EVENTS_DROPPED}.
 */
final class MonitorQueue implements SocketMonitor {
    /** Listener calls running at once per context, at most. */
    static final int WORKERS = 2;
    /** Events waiting per listener, at most. */
    static final int CAPACITY = 1024;
    /** Events delivered per task before it yields the worker to other listeners. */
    private static final int BATCH = 256;
    private static final System.Logger LOG = System.getLogger(MonitorQueue.class.getName());
    private static final SocketEvent STOPPED = new SocketEvent(SocketEvent.Type.MONITOR_STOPPED, "", 0, null, null);

    private final HostWorkers runner;
    private final int mask;
    private final SocketListener listener;
    private final Consumer<MonitorQueue> onStopped;
    private final MpscArrayQueue<SocketEvent> queue = new MpscArrayQueue<>(CAPACITY);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final Runnable drainTask = this::drain;
    private volatile boolean stopping;
    private volatile boolean finished;
    private boolean failureLogged;

    /**
     * @param runner    where the listener runs
     * @param mask      libzmq's event mask of the types wanted
     * @param listener  the listener
     * @param onStopped told once, after the last event was delivered (on the runner)
     */
    MonitorQueue(HostWorkers runner, int mask, SocketListener listener, Consumer<MonitorQueue> onStopped) {
        this.runner = runner;
        this.mask = mask;
        this.listener = listener;
        this.onStopped = onStopped;
    }

    /**
     * Where a context's listeners run: at most {@link #WORKERS} at once on the host's threads, or on
     * daemon threads {@code zconn-events-N} made on demand. Each monitor has at most one drain task
     * queued or running, so the workers' queue is bounded by the number of monitors.
     *
     * @param executor the host's executor, or null
     * @param factory  the host's thread factory, or null
     * @return the context's event workers
     */
    static HostWorkers workers(java.util.concurrent.Executor executor, java.util.concurrent.ThreadFactory factory) {
        return new HostWorkers("delivering socket events", "zconn-events", executor, factory, WORKERS,
                Integer.MAX_VALUE);
    }

    /** Offers an event (from any thread, an I/O thread included): never blocks, never throws. */
    void offer(SocketEvent e) {
        if (stopping || (e.type().code() & mask) == 0) {
            return;
        }
        if (!queue.offer(e)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
        }
        schedule();
    }

    @Override
    public long droppedEvents() {
        return dropped.get();
    }

    /** Stops: the events already queued are delivered, then MONITOR_STOPPED (if asked for). */
    @Override
    public void close() {
        if (!stopping) {
            stopping = true;
            schedule();
        }
    }

    /** @return whether the last event has been delivered */
    boolean finished() {
        return finished;
    }

    private void schedule() {
        if (!finished && scheduled.compareAndSet(false, true)) {
            try {
                runner.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // the context is closed (or the host refused a thread): nothing will deliver these
                scheduled.set(false);
                LOG.log(System.Logger.Level.DEBUG, () -> "socket events not delivered: " + e.getMessage());
            }
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < BATCH && !finished; i++) {
                SocketEvent e = queue.relaxedPoll();
                if (e == null) {
                    break;
                }
                deliver(e);
            }
            if (queue.isEmpty() && !finished) {
                long n = unreported.getAndSet(0);
                if (n > 0) {
                    deliver(new SocketEvent(SocketEvent.Type.EVENTS_DROPPED, "", (int) Math.min(n, Integer.MAX_VALUE), null, null));
                }
                if (stopping) {
                    finished = true;
                    if ((mask & SocketEvent.Type.MONITOR_STOPPED.code()) != 0) {
                        deliver(STOPPED);
                    }
                    queue.clear();
                    onStopped.accept(this);
                }
            }
        } finally {
            scheduled.set(false);
            if (!finished && (!queue.isEmpty() || unreported.get() > 0 || stopping)) {
                schedule();
            }
        }
    }

    private void deliver(SocketEvent e) {
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            System.Logger.Level level = failureLogged ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
            failureLogged = true;
            LOG.log(level, "socket listener " + listener + " failed on " + e
                    + " (further failures of this listener are logged at DEBUG)", ex);
        } catch (Error err) {
            LOG.log(System.Logger.Level.ERROR, "socket listener " + listener + " failed on " + e, err);
            throw err;
        }
    }
}
