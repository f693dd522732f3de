package io.zconn.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle every listener call passes through: running, then stopping (with a drain deadline:
 * what was received is still delivered until then), then closed (no call starts any more). It knows
 * which threads are in a listener call, so that stop can report or interrupt them.
 */
public final class Gate {
    private final DeliveryClock clock;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch closedSignal = new CountDownLatch(1);
    private final List<Thread> invoking = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long drainDeadline;
    private boolean closed;

    /** @param clock the clock deadlines are read from */
    public Gate(DeliveryClock clock) {
        this.clock = clock;
    }

    /**
     * @param deadlineNanos until when ({@link DeliveryClock#nanoTime()}) received messages are still delivered
     * @return false when stop had already begun
     */
    synchronized boolean beginStop(long deadlineNanos) {
        if (stopping) {
            return false;
        }
        drainDeadline = deadlineNanos;
        stopping = true;
        stopSignal.countDown();
        return true;
    }

    /** @return whether stop has begun */
    public boolean isStopping() {
        return stopping;
    }

    /** @return whether stop has begun and its drain deadline has passed */
    public boolean pastDrainDeadline() {
        return stopping && clock.nanoTime() - drainDeadline > 0;
    }

    /** @return the drain deadline ({@link DeliveryClock#nanoTime()}); meaningful once stopping */
    long drainDeadline() {
        return drainDeadline;
    }

    /** @return counted down when stop begins (wakes the receive loop's back-off pauses) */
    CountDownLatch stopSignal() {
        return stopSignal;
    }

    /** @return counted down when the gate closes (wakes retry pauses) */
    CountDownLatch closedSignal() {
        return closedSignal;
    }

    /** @return whether the gate is closed: no listener call starts any more */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** @return false when closed; otherwise the calling thread is in a listener call until {@link #exit()} */
    synchronized boolean enter() {
        if (closed) {
            return false;
        }
        invoking.add(Thread.currentThread());
        return true;
    }

    synchronized void exit() {
        invoking.remove(Thread.currentThread());
        if (invoking.isEmpty()) {
            notifyAll();
        }
    }

    /** @return whether the calling thread is in a listener call */
    synchronized boolean isInvoking() {
        return invoking.contains(Thread.currentThread());
    }

    /**
     * Closes the gate.
     *
     * @return the threads still in a listener call
     */
    synchronized List<Thread> close() {
        closed = true;
        closedSignal.countDown();
        return List.copyOf(invoking);
    }

    /** @return the threads in a listener call */
    synchronized List<Thread> invoking() {
        return List.copyOf(invoking);
    }

    /**
     * @param millis how long to wait
     * @return whether no thread is in a listener call
     * @throws InterruptedException when interrupted
     */
    synchronized boolean awaitNoneInvoking(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!invoking.isEmpty()) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
