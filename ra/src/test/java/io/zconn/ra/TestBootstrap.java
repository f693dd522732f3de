package io.zconn.ra;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** A minimal BootstrapContext whose WorkManager runs work on a thread pool, as a container would. */
public final class TestBootstrap implements BootstrapContext, WorkManager {
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-wm-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    final AtomicInteger active = new AtomicInteger();
    /** When set, scheduleWork throws WorkRejectedException (as a saturated WorkManager does). */
    public volatile boolean rejectScheduledWork;
    /** When set, scheduleWork accepts the work but reports it rejected through the WorkListener. */
    public volatile boolean rejectScheduledWorkLater;
    /** When set, startWork throws WorkRejectedException (as Liberty's WorkManager does once it uninstalls the adapter). */
    public volatile boolean rejectStartWork;
    final AtomicInteger longRunning = new AtomicInteger();
    /** The registry the adapter gets from {@link #getTransactionSynchronizationRegistry()}; null = none. */
    public volatile TransactionSynchronizationRegistry transactions;

    @Override
    public WorkManager getWorkManager() {
        return this;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> type) {
        return type == HintsContext.class;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return transactions;
    }

    /** @return work items currently running */
    public int active() {
        return active.get();
    }

    /** Stops the pool. */
    public void shutdown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void submit(Work work, CountDownLatch started) throws WorkException {
        if (work instanceof jakarta.resource.spi.work.WorkContextProvider p && p.getWorkContexts() != null) {
            for (WorkContext c : p.getWorkContexts()) {
                if (c instanceof HintsContext h && Boolean.TRUE.equals(h.getHints().get(HintsContext.LONGRUNNING_HINT))) {
                    longRunning.incrementAndGet();
                }
            }
        }
        try {
            pool.execute(() -> {
                active.incrementAndGet();
                if (started != null) {
                    started.countDown();
                }
                try {
                    work.run();
                } finally {
                    active.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new WorkRejectedException(e);
        }
    }

    @Override
    public void doWork(Work work) throws WorkException {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        work.run();
    }

    @Override
    public long startWork(Work work) throws WorkException {
        return startWork(work, INDEFINITE, null, null);
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        if (rejectStartWork) {
            throw new WorkRejectedException("test: the adapter is being uninstalled");
        }
        CountDownLatch started = new CountDownLatch(1);
        submit(work, started);
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        submit(work, null);
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        if (rejectScheduledWork) {
            throw new WorkRejectedException("test: WorkManager saturated");
        }
        if (rejectScheduledWorkLater && l != null) {
            pool.execute(() -> l.workRejected(new jakarta.resource.spi.work.WorkEvent(this,
                    jakarta.resource.spi.work.WorkEvent.WORK_REJECTED, work,
                    new WorkRejectedException("test: start timed out"))));
            return;
        }
        submit(work, null);
    }
}
