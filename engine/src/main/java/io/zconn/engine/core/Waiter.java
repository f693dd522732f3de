package io.zconn.engine.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A parking spot for one thread, in the style of an event count: {@link #prepare()} reads a
 * sequence number, the caller re-checks its condition, then {@link #await(long, long)} parks until
 * {@link #signal()} moves the sequence on. A signal between prepare and await is never lost.
 */
public final class Waiter {
    private final AtomicLong seq = new AtomicLong();
    private volatile Thread thread;

    /**
     * Starts a wait on the calling thread.
     *
     * @return the key to pass to {@link #await(long, long)}
     */
    public long prepare() {
        thread = Thread.currentThread();
        return seq.get();
    }

    /**
     * Parks until signalled after {@code key} was taken, or until the timeout.
     *
     * @param key          from {@link #prepare()}
     * @param timeoutNanos -1 for no timeout
     */
    public void await(long key, long timeoutNanos) {
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        while (seq.get() == key) {
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Ends a wait: later signals still move the sequence on but no longer unpark the thread, which
     * may be busy elsewhere (a waiter that stays attached to sockets between waits, the Poller's).
     * The next {@link #prepare()} names the thread again before reading the sequence, so a signal
     * racing with it either is seen in the key's successor or unparks the thread.
     */
    public void release() {
        thread = null;
    }

    /** Wakes the waiting thread, if any. */
    public void signal() {
        seq.incrementAndGet();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
