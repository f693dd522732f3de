package io.zconn.ra;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.SecurityContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkCompletedException;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkEvent;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.PasswordValidationCallback;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.Arrays;
import java.util.Map;
import java.util.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * A container with security inflow, as WildFly's (IronJacamar + Elytron) behaves: work with a
 * {@link SecurityContext} has it set up before it runs, with a callback handler over a user table;
 * a {@link PasswordValidationCallback} is only looked at next to a {@link CallerPrincipalCallback};
 * the work then runs as the caller ({@link #caller()}, what {@code getCallerPrincipal()} would
 * answer), or unauthenticated (null). Without security inflow configured ({@link #enabled} false),
 * such work completes with an exception without running, as IronJacamar's does.
 */
public final class FakeSecurityInflow implements BootstrapContext, WorkManager {
    private static final ThreadLocal<String> CALLER = new ThreadLocal<>();

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-wm-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger active = new AtomicInteger();
    /** The realm: user to password. */
    public final Map<String, String> users = new ConcurrentHashMap<>();
    /** Whether security inflow is configured for the adapter (WildFly: wm-security). */
    public volatile boolean enabled = true;
    /** When set, setting up a security context waits for it (at most 30 s): a realm that does not answer. */
    public volatile CountDownLatch hold;
    /** Work run with a security context so far. */
    public final AtomicInteger secured = new AtomicInteger();
    /** Work run without one so far (besides long-running work). */
    public final AtomicInteger unsecured = new AtomicInteger();

    /** @return the caller the current work runs as, or null (unauthenticated) */
    public static String caller() {
        return CALLER.get();
    }

    /** @return work items running */
    public int active() {
        return active.get();
    }

    /** Stops the pool. */
    public void shutdown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

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
        return type == HintsContext.class || type == SecurityContext.class;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }

    private void submit(Work work, CountDownLatch started, WorkListener listener) throws WorkException {
        SecurityContext security = null;
        boolean longRunning = false;
        if (work instanceof WorkContextProvider p && p.getWorkContexts() != null) {
            for (WorkContext c : p.getWorkContexts()) {
                if (c instanceof SecurityContext s) {
                    security = s;
                } else if (c instanceof HintsContext h
                        && Boolean.TRUE.equals(h.getHints().get(HintsContext.LONGRUNNING_HINT))) {
                    longRunning = true;
                }
            }
        }
        SecurityContext sc = security;
        boolean counted = !longRunning;
        try {
            pool.execute(() -> {
                active.incrementAndGet();
                if (started != null) {
                    started.countDown();
                }
                try {
                    String caller = null;
                    if (sc != null) {
                        try {
                            caller = setUp(sc);
                        } catch (Exception | AssertionError e) {
                            if (listener != null) {
                                listener.workCompleted(new WorkEvent(this, WorkEvent.WORK_COMPLETED, work,
                                        new WorkCompletedException("security context setup failed: " + e.getMessage(), e)));
                            }
                            return;
                        }
                        secured.incrementAndGet();
                    } else if (counted) {
                        unsecured.incrementAndGet();
                    }
                    CALLER.set(caller);
                    try {
                        work.run();
                    } finally {
                        CALLER.remove();
                    }
                    if (listener != null) {
                        listener.workCompleted(new WorkEvent(this, WorkEvent.WORK_COMPLETED, work, null));
                    }
                } finally {
                    active.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new WorkRejectedException(e);
        }
    }

    private String setUp(SecurityContext sc) throws Exception {
        if (!enabled) {
            throw new IllegalStateException("callback security is not configured");
        }
        CountDownLatch h0 = hold;
        if (h0 != null && !h0.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test: held too long");
        }
        Subject subject = new Subject();
        Handler h = new Handler();
        sc.setupSecurityContext(h, subject, null);
        return h.caller;
    }

    /** Elytron's rules, in short: a password is checked only next to a caller principal of the same call. */
    private final class Handler implements CallbackHandler {
        String caller;

        @Override
        public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
            CallerPrincipalCallback cpc = null;
            PasswordValidationCallback pvc = null;
            for (Callback c : callbacks) {
                if (c instanceof CallerPrincipalCallback p) {
                    cpc = p;
                } else if (c instanceof PasswordValidationCallback p) {
                    pvc = p;
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
            if (cpc == null || cpc.getName() == null) {
                return;
            }
            if (pvc != null) {
                String expected = users.get(pvc.getUsername());
                boolean ok = expected != null && Arrays.equals(expected.toCharArray(), pvc.getPassword());
                pvc.setResult(ok);
                if (!ok) {
                    return;
                }
            }
            caller = cpc.getName();
        }
    }

    @Override
    public void doWork(Work work) throws WorkException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        throw new UnsupportedOperationException();
    }

    @Override
    public long startWork(Work work) throws WorkException {
        return startWork(work, INDEFINITE, null, null);
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        CountDownLatch started = new CountDownLatch(1);
        submit(work, started, l);
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        submit(work, null, null);
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ec, WorkListener l) throws WorkException {
        submit(work, null, l);
    }
}
