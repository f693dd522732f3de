package io.zconn.engine.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Where a context's socket listeners run: never on an I/O thread, but on the threads the host gave
 * the context (its {@link Executor} or {@link ThreadFactory}) or, when it gave none, on daemon
 * threads named {@code zconn-events-N} made only while events wait and ended when none is left.
 * At most {@link #WORKERS} drain tasks run at once; each monitor has at most one task queued or
 * running ({@link MonitorQueue}), so the queue here is bounded by the number of monitors.
 */
final class EventRunner {
    /** Most drain tasks running at once. */
    static final int WORKERS = 2;
    private static final System.Logger LOG = System.getLogger(EventRunner.class.getName());

    private final Executor host;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int running;
    private boolean closed;

    /**
     * @param executor the host's executor, or null
     * @param factory  the host's thread factory (used when there is no executor), or null
     */
    EventRunner(Executor executor, ThreadFactory factory) {
        if (executor != null) {
            this.host = executor;
        } else {
            ThreadFactory f = factory != null ? factory : new ThreadFactory() {
                private int n;

                @Override
                public synchronized Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "zconn-events-" + ++n);
                    t.setDaemon(true);
                    return t;
                }
            };
            this.host = task -> f.newThread(task).start();
        }
    }

    /**
     * Queues a drain task; never blocks.
     *
     * @throws RejectedExecutionException when closed or when the host refuses a worker
     */
    void execute(Runnable task) {
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("the context is closed");
            }
            queue.add(task);
            if (running >= WORKERS) {
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
                LOG.log(System.Logger.Level.WARNING, "delivering socket events failed", e);
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, "delivering socket events failed", e);
                synchronized (this) {
                    running--;
                    notifyAll();
                }
                throw e;
            }
        }
    }

    /**
     * Lets the queued events be delivered (up to the timeout), then refuses new ones and waits for
     * the workers to return, so that no listener runs once the context is closed.
     *
     * @param timeout how long to wait in all
     * @param unit    its unit
     * @return whether everything finished in time
     */
    synchronized boolean close(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean interrupted = false;
        try {
            while (!queue.isEmpty() || running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || interrupted) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
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
