package io.zconn.engine.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A small bounded pool on the threads the host gave the context: its {@link Executor}, else its
 * {@link ThreadFactory}, else daemon threads named {@code <prefix>-N} made only while tasks wait.
 * At most {@code workers} drain tasks run at once and at most {@code capacity} tasks wait; a worker
 * returns to the host as soon as the queue is empty, so no thread is held while there is nothing to
 * do. Used for the work that must never run on an I/O thread: socket listeners and Java ZAP
 * handlers.
 */
public final class HostWorkers {
    private static final System.Logger LOG = System.getLogger(HostWorkers.class.getName());

    private final String what;
    private final Executor host;
    private final int workers;
    private final int capacity;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int running;
    private boolean closed;

    /**
     * @param what     what the tasks do, for log messages (e.g. "delivering socket events")
     * @param prefix   the name prefix of the threads made when the host gave neither executor nor
     *                 factory
     * @param executor the host's executor, or null
     * @param factory  the host's thread factory (used when there is no executor), or null
     * @param workers  most tasks running at once
     * @param capacity most tasks waiting
     */
    public HostWorkers(String what, String prefix, Executor executor, ThreadFactory factory, int workers,
            int capacity) {
        this.what = what;
        this.workers = workers;
        this.capacity = capacity;
        this.host = threads(prefix, executor, factory);
    }

    /**
     * The host's threads as one {@link Executor}, chosen as every zconn thread is: the host's executor,
     * else a thread of its factory per task, else a daemon thread named {@code <prefix>-N} per task.
     * For long-lived tasks of their own (e.g. an epgm endpoint's loop); short tasks go through a
     * {@code HostWorkers} pool.
     *
     * @param prefix   the name prefix of the threads made when the host gave neither
     * @param executor the host's executor, or null
     * @param factory  the host's thread factory (used when there is no executor), or null
     * @return the executor
     */
    public static Executor threads(String prefix, Executor executor, ThreadFactory factory) {
        if (executor != null) {
            return executor;
        }
        ThreadFactory f = factory != null ? factory : new ThreadFactory() {
            private int n;

            @Override
            public synchronized Thread newThread(Runnable r) {
                Thread t = new Thread(r, prefix + "-" + ++n);
                t.setDaemon(true);
                return t;
            }
        };
        return task -> f.newThread(task).start();
    }

    /**
     * Queues a task; never blocks.
     *
     * @throws RejectedExecutionException when closed, when {@code capacity} tasks already wait, or
     *                                    when the host refuses to run a worker
     */
    public void execute(Runnable task) {
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("closed");
            }
            if (queue.size() >= capacity) {
                throw new RejectedExecutionException("full");
            }
            queue.add(task);
            if (running >= workers) {
                return;
            }
            running++;
        }
        try {
            host.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (this) {
                running--;
                queue.remove(task);
                notifyAll();
            }
            throw e instanceof RejectedExecutionException r ? r : new RejectedExecutionException(e);
        }
    }

    /**
     * @param task a task given to {@link #execute}
     * @return whether it was still waiting (it will not run now)
     */
    public synchronized boolean remove(Runnable task) {
        return queue.remove(task);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    running--;
                    notifyAll();
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, what + " failed", e);
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, what + " failed", e);
                synchronized (this) {
                    running--;
                    notifyAll();
                }
                throw e;
            }
        }
    }

    /**
     * Lets the waiting tasks run (up to the timeout), then refuses new ones, drops what still waits
     * and waits for the running ones in what is left of the timeout.
     *
     * @return whether every task had finished in time
     */
    public synchronized boolean finishAndClose(long timeout, TimeUnit unit) {
        return close(false, timeout, unit);
    }

    /**
     * Refuses new tasks and drops those waiting at once, then waits for the running ones.
     *
     * @return whether they all returned within the timeout
     */
    public synchronized boolean close(long timeout, TimeUnit unit) {
        return close(true, timeout, unit);
    }

    private boolean close(boolean now, long timeout, TimeUnit unit) {
        if (now) {
            closed = true;
            queue.clear();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean interrupted = false;
        try {
            while ((!queue.isEmpty() || running > 0) && !interrupted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            closed = true;
            queue.clear();
            return running == 0;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
