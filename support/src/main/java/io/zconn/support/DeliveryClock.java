package io.zconn.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Time as the delivery layer sees it: deadlines, back-off and retry pauses. The system clock in
 * production; tests inject one that records pauses and moves time on instantly, so that back-off and
 * retry schedules are checked exactly, without waiting.
 */
public interface DeliveryClock {
    /** The JVM's monotonic clock; pauses wait on the latch. */
    DeliveryClock SYSTEM = new DeliveryClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public boolean pause(long millis, CountDownLatch wake) throws InterruptedException {
            return wake.await(millis, TimeUnit.MILLISECONDS);
        }
    };

    /** @return a monotonic time in nanoseconds */
    long nanoTime();

    /**
     * Pauses (before a retry, after a receive failure).
     *
     * @param millis how long
     * @param wake   ends the pause early when counted down (stop)
     * @return true when woken early
     * @throws InterruptedException when interrupted
     */
    boolean pause(long millis, CountDownLatch wake) throws InterruptedException;
}
