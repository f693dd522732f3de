package io.zconn.engine.security;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Where a context's Java ZAP handler runs: on the threads the host gave the context (its
 * {@link Executor} or {@link ThreadFactory}), or, when it gave none, on daemon threads named
 * {@code zconn-zap-N} — never on an I/O thread. At most {@code threads} calls run at once, each
 * worker draining a queue of at most {@code capacity} tasks; a worker ends when the queue is empty,
 * so no thread is held while nobody asks.
 */
final class ZapRunner {
    private static final System.Logger LOG = System.getLogger(ZapRunner.class.getName());

    private final Executor host;
    private final int threads;
    private final int capacity;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int running;
    private boolean closed;

    /**
     * @param executor the host's executor, or null
     * @param factory  the host's thread factory (used when there is no executor), or null
     * @param threads  most calls at once
     * @param capacity most tasks waiting
     */
    ZapRunner(Executor executor, ThreadFactory factory, int threads, int capacity) {
        this.threads = threads;
        this.capacity = capacity;
        if (executor != null) {
            this.host = executor;
        } else {
            ThreadFactory f = factory != null ? factory : new ThreadFactory() {
                private int n;

                @Override
                public synchronized Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "zconn-zap-" + ++n);
                    t.setDaemon(true);
                    return t;
                }
            };
            this.host = task -> f.newThread(task).start();
        }
    }

    /**
     * Queues a task.
     *
     * @throws RejectedExecutionException when closed, when the queue is full, or when the host
     *                                    refuses to run a worker
     */
    void execute(Runnable task) {
        synchronized (this) {
            if (closed) {
                throw new RejectedExecutionException("closed");
            }
            if (queue.size() >= capacity) {
                throw new RejectedExecutionException("full");
            }
            queue.add(task);
            if (running >= threads) {
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

    /** @return whether the task was still waiting (it will not run) */
    synchronized boolean remove(Runnable task) {
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
                LOG.log(System.Logger.Level.WARNING, "a ZAP task failed", e);
            } catch (Error e) {
                synchronized (this) {
                    running--;
                    notifyAll();
                }
                throw e;
            }
        }
    }

    /**
     * Refuses new tasks, drops those waiting and waits for the calls still running.
     *
     * @return whether they all returned within the timeout
     */
    synchronized boolean close(long timeout, TimeUnit unit) throws InterruptedException {
        closed = true;
        queue.clear();
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
