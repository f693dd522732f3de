package io.zconn.ra;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.SecurityContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkAdapter;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the adapter's tasks on threads of the application server's {@link WorkManager}: the
 * engine's I/O loops and activations' receive loops as long-running work
 * ({@link #execute(Runnable)}, started with {@code startWork} and the LONGRUNNING hint where
 * supported), message deliveries as ordinary work ({@link #schedule(Runnable)}). Keeps count of
 * the work it started so that {@link #awaitIdle(long)} can tell when every piece has returned.
 */
public final class WorkManagerExecutor implements Executor {
    /** How long {@code startWork} may wait for a thread (ms). */
    private static final long START_TIMEOUT_MS = 30_000;

    private final WorkManager workManager;
    private final boolean hints;
    private final boolean securityInflow;
    private final String name;
    private int running;
    /** Set when the adapter begins to stop: a refusal from then on is expected (the server tears it down). */
    private volatile boolean stopping;

    /**
     * @param bootstrap the adapter's bootstrap context
     * @param name      thread-name hint for the work
     */
    public WorkManagerExecutor(BootstrapContext bootstrap, String name) {
        this.workManager = bootstrap.getWorkManager();
        boolean supported;
        try {
            supported = bootstrap.isContextSupported(HintsContext.class);
        } catch (RuntimeException e) {
            supported = false;
        }
        this.hints = supported;
        boolean security;
        try {
            security = bootstrap.isContextSupported(SecurityContext.class);
        } catch (RuntimeException e) {
            security = false;
        }
        this.securityInflow = security;
        this.name = name;
    }

    /**
     * Starts a long-running task and returns once it runs.
     *
     * @param task the task (e.g. an I/O loop)
     * @throws RejectedExecutionException when the WorkManager refuses it
     */
    @Override
    public void execute(Runnable task) {
        Tracked work = new Tracked(task, true, List.of());
        begin();
        try {
            workManager.startWork(work, START_TIMEOUT_MS, null, null);
        } catch (WorkException | RuntimeException e) {
            end();
            if (stopping) {
                RaLog.workRefusedWhileStopping(e);
            } else {
                RaLog.workRejected(e);
            }
            throw new RejectedExecutionException("WorkManager refused " + name + " work", e);
        }
    }

    /**
     * Marks the adapter as stopping: long-running work it asks for from now on (a closing socket's
     * event delivery) may be refused by a server that is already tearing it down (Open Liberty's
     * WorkManager refuses all work once it uninstalls the adapter), which is then reported at INFO.
     */
    public void stopping() {
        stopping = true;
    }

    /**
     * Schedules a short task (a delivery).
     *
     * @param task the task
     * @throws RejectedExecutionException when the WorkManager refuses it
     */
    public void schedule(Runnable task) {
        schedule(task, null);
    }

    /**
     * Schedules a short task (a delivery), with a callback for work the WorkManager accepts but
     * later rejects (its {@code WorkListener.workRejected}), so that no task vanishes unnoticed.
     *
     * @param task       the task
     * @param onRejected called (on the container's thread) with the cause when the accepted work is
     *                   rejected before it ran; may be null
     * @throws RejectedExecutionException when the WorkManager refuses it right away (and did not report
     *                                    it through the listener, in which case onRejected ran instead)
     */
    public void schedule(Runnable task, Consumer<Throwable> onRejected) {
        schedule(task, onRejected, List.of());
    }

    /**
     * Schedules a short task that runs with work contexts (security inflow: a {@link SecurityContext}).
     * Work the container completes without running it (a context it could not set up: the
     * {@code workCompleted} event with an exception, before {@code run}) counts as rejected:
     * {@code onRejected} gets the cause.
     *
     * @param task       the task
     * @param onRejected called (on the container's thread) with the cause when the accepted work is
     *                   rejected, or completed without running, before it ran; may be null
     * @param contexts   the work contexts (besides the hints); empty for none
     * @throws RejectedExecutionException when the WorkManager refuses it right away
     */
    public void schedule(Runnable task, Consumer<Throwable> onRejected, List<WorkContext> contexts) {
        Tracked work = new Tracked(task, false, contexts);
        WorkListener listener = new WorkAdapter() {
            @Override
            public void workRejected(WorkEvent e) {
                notRun(e, "work rejected");
            }

            @Override
            public void workCompleted(WorkEvent e) {
                if (e.getException() != null) {
                    notRun(e, "work completed without running");
                }
            }

            private void notRun(WorkEvent e, String what) {
                if (work.claim()) {
                    end();
                    RaLog.workRejected(e.getException());
                    if (onRejected != null) {
                        onRejected.accept(e.getException() != null ? e.getException()
                                : new WorkRejectedException(what));
                    }
                }
            }
        };
        begin();
        try {
            workManager.scheduleWork(work, WorkManager.INDEFINITE, null, listener);
        } catch (WorkException | RuntimeException e) {
            if (!work.claim()) {
                // the listener reported the rejection (onRejected ran) or the work ran: already accounted for
                return;
            }
            end();
            RaLog.workRejected(e);
            throw new RejectedExecutionException("WorkManager refused " + name + " work", e);
        }
    }

    /**
     * @return whether the server says it supports security inflow ({@link SecurityContext} work
     *         contexts); whether it is configured for this adapter shows only when such work runs
     */
    public boolean securityInflowSupported() {
        return securityInflow;
    }

    /** @return how many tasks started here have not returned yet */
    public synchronized int running() {
        return running;
    }

    /**
     * Waits until every task started here has returned.
     *
     * @param timeoutMillis how long to wait
     * @return whether all returned in time
     * @throws InterruptedException when interrupted
     */
    public synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (running > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private synchronized void begin() {
        running++;
    }

    private synchronized void end() {
        running--;
        if (running == 0) {
            notifyAll();
        }
    }

    /** A task as Work; it ends on its own (the engine or the activation tells it to), so release() has nothing to do. */
    private final class Tracked implements Work, WorkContextProvider {
        private static final long serialVersionUID = 1L;
        private final transient Runnable task;
        private final boolean longRunning;
        private final transient List<WorkContext> contexts;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Tracked(Runnable task, boolean longRunning, List<WorkContext> contexts) {
            this.task = task;
            this.longRunning = longRunning;
            this.contexts = contexts;
        }

        /** @return true for the first of run and rejection to claim this work */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        @Override
        public void run() {
            if (!claim()) {
                return;
            }
            try {
                task.run();
            } finally {
                end();
            }
        }

        @Override
        public void release() {
            // The tasks stop when the adapter closes its context or deactivates; nothing to interrupt here.
        }

        @Override
        public List<WorkContext> getWorkContexts() {
            if (!hints) {
                return contexts.isEmpty() ? null : contexts;
            }
            HintsContext h = new HintsContext();
            h.setName(name);
            h.setHint(HintsContext.LONGRUNNING_HINT, longRunning);
            if (contexts.isEmpty()) {
                return List.of(h);
            }
            List<WorkContext> all = new ArrayList<>(contexts.size() + 1);
            all.add(h);
            all.addAll(contexts);
            return all;
        }

        @Override
        public String toString() {
            return name + (longRunning ? " loop " : " task ") + task;
        }
    }
}
