package io.zconn.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Hands each received message to a {@link DeliveryAttempt}: on the delivery executor, at most
 * {@code maxConcurrent} at a time (a permit each, so what waits for a delivery thread is bounded by
 * the socket's receive high-water mark, not by a queue here), or on the calling loop's thread when
 * ordered. A delivery the executor refuses, now or later, is given up, counted and reported; its
 * permit comes back either way.
 *
 * <p>When the executor allows it ({@link DeliveryExecutor#deliversSeveralPerTask()}), a delivery task
 * does not end with its message: it takes the next message handed over meanwhile, and waits up to the
 * poll interval for one before it returns its thread. Under load, messages then go to running tasks
 * and the executor is asked for a new task only when more messages wait than tasks are there to take
 * them (never more than {@code maxConcurrent} tasks). The hand-over holds only messages that have a
 * permit, so it is bounded by {@code maxConcurrent} too.
 *
 * <p>Batches ({@link #dispatchBatch}): the permit is taken first, and only then are the messages the
 * socket already holds added to the one that started the batch (up to {@code maxBatch}, without
 * waiting): a batch is one hand-over item and one listener call, so what is outside the socket stays
 * within {@code maxConcurrent × maxBatch} messages.
 */
final class Dispatcher {
    private final DeliverySettings settings;
    private final DeliveryExecutor executor;
    private final DeliveryAttempt attempt;
    private final Gate gate;
    private final Semaphore permits;
    private final int maxPermits;
    private final boolean severalPerTask;
    /**
     * Messages ({@link Envelope}) and batches ({@code List<Envelope>}) with a permit waiting for a task
     * (several per task only); guarded by itself.
     */
    private final ArrayDeque<Object> handOver;
    /** Tasks started and not yet returned (several per task only); guarded by handOver. */
    private int tasks;
    /** Tasks waiting for the next message (several per task only); guarded by handOver. */
    private int waiting;
    /** Set when stop closed the gate: waiting tasks return at once; guarded by handOver. */
    private boolean shutdown;

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
        this.severalPerTask = !settings.ordered() && executor.deliversSeveralPerTask();
        this.handOver = severalPerTask ? new ArrayDeque<>(maxPermits) : null;
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
        if (!acquire(envelope)) {
            return;
        }
        if (severalPerTask) {
            handOver(envelope);
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    deliverOne(envelope);
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

    /** @return whether a permit was taken; false: stop passed the drain deadline, the message was given up */
    private boolean acquire(Envelope envelope) throws InterruptedException {
        while (!permits.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS)) {
            if (gate.pastDrainDeadline()) {
                attempt.giveUp(envelope, "stopped before it could be delivered", null, true);
                return false;
            }
        }
        return true;
    }

    /**
     * Delivers {@code first} together with what the socket already holds, in one listener call: once
     * the delivery can start (a permit, or at once when ordered), {@code more} is asked for up to
     * {@code maxBatch - 1} further messages and the batch is handed over as one. Never waits for a
     * batch to fill. Handles every failure itself: a message it took is never left uncounted (a
     * {@link VirtualMachineError} or an interrupt is passed on after the messages were given up).
     *
     * @param first the message that starts the batch
     * @param more  the next message the socket already holds, without waiting; null when there is none
     * @throws InterruptedException when interrupted waiting for a permit ({@code first} was given up)
     */
    void dispatchBatch(Envelope first, Supplier<Envelope> more) throws InterruptedException {
        try {
            if (gate.pastDrainDeadline()) {
                attempt.giveUp(first, "stopped before it could be delivered", null, true);
                return;
            }
            if (!settings.ordered() && !acquire(first)) {
                return;
            }
        } catch (InterruptedException e) {
            attempt.giveUp(first, "the receive loop was interrupted", e, false);
            throw e;
        }
        List<Envelope> batch = new ArrayList<>(Math.min(settings.maxBatch(), 64));
        batch.add(first);
        try {
            Envelope e;
            while (batch.size() < settings.maxBatch() && (e = more.get()) != null) {
                batch.add(e);
            }
        } catch (RuntimeException | Error x) {
            if (!settings.ordered()) {
                permits.release();
            }
            attempt.giveUpBatch(batch, "the receive loop failed", x, false);
            throw x;
        }
        if (settings.ordered()) {
            deliverItem(batch);
            return;
        }
        if (severalPerTask) {
            handOver(batch);
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    deliverItem(batch);
                } finally {
                    permits.release();
                }
            }, cause -> {
                permits.release();
                giveUpItem(batch, "the delivery executor rejected the delivery", cause);
            }, first);
        } catch (RejectedExecutionException x) {
            permits.release();
            giveUpItem(batch, "the delivery executor rejected the delivery", x.getCause() != null ? x.getCause() : x);
        }
    }

    /** Delivers a message ({@link Envelope}) or a batch ({@code List<Envelope>}). */
    private void deliverItem(Object item) {
        if (item instanceof Envelope e) {
            deliverOne(e);
            return;
        }
        @SuppressWarnings("unchecked")
        List<Envelope> batch = (List<Envelope>) item;
        try {
            attempt.deliverBatch(batch);
        } catch (VirtualMachineError e) {
            attempt.giveUpBatch(batch, "the listener raised " + e, e, false);
            throw e;
        }
    }

    private void giveUpItem(Object item, String reason, Throwable cause) {
        if (item instanceof Envelope e) {
            attempt.giveUp(e, reason, cause, false);
        } else {
            @SuppressWarnings("unchecked")
            List<Envelope> batch = (List<Envelope>) item;
            attempt.giveUpBatch(batch, reason, cause, false);
        }
    }

    private void deliverOne(Envelope envelope) {
        try {
            attempt.deliver(envelope);
        } catch (VirtualMachineError e) {
            attempt.giveUp(envelope, "the listener raised " + e, e, false);
            throw e;
        }
    }

    /** Queues a message or batch that holds a permit; starts a task when no waiting task will take it. */
    private void handOver(Object item) {
        boolean start;
        synchronized (handOver) {
            handOver.add(item);
            start = handOver.size() > waiting && tasks < maxPermits;
            if (start) {
                tasks++;
            }
            if (waiting > 0) {
                handOver.notify();
            }
        }
        if (!start) {
            return;
        }
        try {
            executor.execute(this::deliverSeveral, this::rejected);
        } catch (RejectedExecutionException e) {
            rejected(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** A task that was not started: the message it was started for (if no other task took it) is given up. */
    private void rejected(Throwable cause) {
        Object e;
        synchronized (handOver) {
            tasks--;
            e = handOver.poll();
        }
        if (e != null) {
            permits.release();
            giveUpItem(e, "the delivery executor rejected the delivery", cause);
        }
    }

    /** The body of a task: delivers what is handed over until nothing comes within the poll interval. */
    private void deliverSeveral() {
        boolean ended = false;
        try {
            Object e;
            while ((e = next()) != null) {
                try {
                    deliverItem(e);
                } finally {
                    permits.release();
                }
            }
            ended = true;
        } finally {
            if (!ended) {
                // a VirtualMachineError: this task ends; the messages it would have taken go to the others or a new one
                taskEnded();
            }
        }
    }

    /** @return the next message handed over, or null (the task has then been counted as ended) */
    private Object next() {
        long waitNanos = settings.poll().toNanos();
        synchronized (handOver) {
            Object e = handOver.poll();
            if (e != null) {
                return e;
            }
            long end = System.nanoTime() + waitNanos;
            waiting++;
            try {
                while ((e = handOver.poll()) == null && !shutdown) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(handOver, left);
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                e = handOver.poll();
            } finally {
                waiting--;
            }
            if (e == null) {
                tasks--;
            }
            return e;
        }
    }

    private void taskEnded() {
        boolean start;
        synchronized (handOver) {
            tasks--;
            start = handOver.size() > waiting && tasks < maxPermits;
            if (start) {
                tasks++;
            }
        }
        if (start) {
            try {
                executor.execute(this::deliverSeveral, this::rejected);
            } catch (RejectedExecutionException e) {
                rejected(e.getCause() != null ? e.getCause() : e);
            }
        }
    }

    /** Wakes the tasks waiting for a message: they return their threads (called once the gate is closed). */
    void shutdown() {
        if (!severalPerTask) {
            return;
        }
        synchronized (handOver) {
            shutdown = true;
            handOver.notifyAll();
        }
    }

    /** @return tasks started and not yet returned (several per task only; 0 otherwise) */
    int tasks() {
        if (!severalPerTask) {
            return 0;
        }
        synchronized (handOver) {
            return tasks;
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
