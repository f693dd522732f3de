package io.zconn.support;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Hands each received message to a {@link DeliveryAttempt}: on the delivery executor, at most
 * {@code maxConcurrent} at a time (a permit each, so what waits for a delivery thread is bounded by
 * the socket's receive high-water mark, not by a queue here), or on the calling loop's thread when
 * ordered. A delivery the executor refuses, now or later, is given up, counted and reported; its
 * permit comes back either way.
 */
final class Dispatcher {
    private final DeliverySettings settings;
    private final DeliveryExecutor executor;
    private final DeliveryAttempt attempt;
    private final Gate gate;
    private final Semaphore permits;
    private final int maxPermits;

    /**
     * @param settings the settings (maxConcurrent, poll)
     * @param executor runs deliveries; may be null when ordered
     * @param attempt  delivers one message
     * @param gate     the lifecycle
     */
    Dispatcher(DeliverySettings settings, DeliveryExecutor executor, DeliveryAttempt attempt, Gate gate) {
        if (!settings.ordered() && executor == null) {
            throw new IllegalArgumentException("concurrent delivery needs a delivery executor");
        }
        this.settings = settings;
        this.executor = executor;
        this.attempt = attempt;
        this.gate = gate;
        this.maxPermits = Math.max(1, settings.maxConcurrent());
        this.permits = new Semaphore(maxPermits);
    }

    /**
     * @param envelope the request
     * @throws InterruptedException when interrupted waiting for a permit
     */
    void dispatch(Envelope envelope) throws InterruptedException {
        if (gate.pastDrainDeadline()) {
            attempt.giveUp(envelope, "stopped before it could be delivered", null, true);
            return;
        }
        if (settings.ordered()) {
            attempt.deliver(envelope);
            return;
        }
        while (!permits.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS)) {
            if (gate.pastDrainDeadline()) {
                attempt.giveUp(envelope, "stopped before it could be delivered", null, true);
                return;
            }
        }
        try {
            executor.execute(() -> {
                try {
                    attempt.deliver(envelope);
                } catch (VirtualMachineError e) {
                    attempt.giveUp(envelope, "the listener raised " + e, e, false);
                    throw e;
                } finally {
                    permits.release();
                }
            }, cause -> {
                permits.release();
                attempt.giveUp(envelope, "the delivery executor rejected the delivery", cause, false);
            }, envelope);
        } catch (RejectedExecutionException e) {
            permits.release();
            attempt.giveUp(envelope, "the delivery executor rejected the delivery",
                    e.getCause() != null ? e.getCause() : e, false);
        }
    }

    /**
     * @param nanos how long to wait
     * @return whether no delivery runs on the executor
     * @throws InterruptedException when interrupted
     */
    boolean awaitIdle(long nanos) throws InterruptedException {
        if (settings.ordered()) {
            return true;
        }
        if (permits.tryAcquire(maxPermits, Math.max(0, nanos), TimeUnit.NANOSECONDS)) {
            permits.release(maxPermits);
            return true;
        }
        return false;
    }
}
