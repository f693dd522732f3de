package io.zconn.support;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened to the messages taken from a socket; the layer's "no silent loss" account:
 * {@code received = delivered + failed + in progress} and {@code failed = deadLettered + dropped}.
 * An integration may keep one instance across several deliveries of the same socket (the bundle
 * restarts delivery when listeners come and go; its statistics span them).
 */
public final class DeliveryCounters {
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();

    /** @return messages taken from the socket */
    public long received() {
        return received.get();
    }

    /** @return messages whose listener call succeeded */
    public long delivered() {
        return delivered.get();
    }

    /** @return messages not delivered (listener failed on every attempt, rejected, malformed, stopped) */
    public long failed() {
        return failed.get();
    }

    /** @return failed messages handed to the dead-letter endpoint */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** @return failed messages neither delivered nor dead-lettered (each logged) */
    public long dropped() {
        return dropped.get();
    }

    /** @return replies queued on the socket */
    public long replied() {
        return replied.get();
    }

    /**
     * @return listener calls that were retries (a message delivered on its third attempt counts two);
     *         not part of the account above, which counts messages
     */
    public long retried() {
        return retried.get();
    }

    long countReceived() {
        return received.incrementAndGet();
    }

    long countDelivered() {
        return delivered.incrementAndGet();
    }

    void countDelivered(int n) {
        delivered.addAndGet(n);
    }

    long countFailed() {
        return failed.incrementAndGet();
    }

    long countDeadLettered() {
        return deadLettered.incrementAndGet();
    }

    void countRetried() {
        retried.incrementAndGet();
    }

    long countDropped() {
        return dropped.incrementAndGet();
    }

    /**
     * Counts a message sent on the socket outside the delivery layer (e.g. a console command), so
     * that one counter reports every send.
     *
     * @return the new count
     */
    public long countReplied() {
        return replied.incrementAndGet();
    }

    @Override
    public String toString() {
        return "received=" + received + " delivered=" + delivered + " failed=" + failed + " deadLettered="
                + deadLettered + " dropped=" + dropped + " replied=" + replied + " retried=" + retried;
    }
}
