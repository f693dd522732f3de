package io.zconn.support;

/**
 * Exponential back-off for a failing receive loop: the first pause is {@code initialMs}, each
 * further failure doubles it up to {@code maxMs}; {@link #reset()} after a success. Counts the
 * failures of the current streak and when it began, for the one log line per streak. Not thread-safe:
 * one loop owns it.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final DeliveryClock clock;
    private long nextMs;
    private int failures;
    private long streakStartNanos;

    /**
     * @param initialMs first pause (ms, &gt; 0)
     * @param maxMs     largest pause (ms, &gt;= initialMs)
     * @param clock     the clock the streak is timed with
     */
    public Backoff(long initialMs, long maxMs, DeliveryClock clock) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff " + initialMs + ".." + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.clock = clock;
        this.nextMs = initialMs;
    }

    /**
     * Records a failure.
     *
     * @return how long to pause before the next attempt (ms)
     */
    public long fail() {
        if (failures == 0) {
            streakStartNanos = clock.nanoTime();
        }
        failures++;
        long d = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return d;
    }

    /** @return failures in the current streak (0 = healthy) */
    public int failures() {
        return failures;
    }

    /** @return how long the current streak has lasted (ms) */
    public long streakMillis() {
        return failures == 0 ? 0 : (clock.nanoTime() - streakStartNanos) / 1_000_000;
    }

    /** Ends the streak: the next failure pauses {@code initialMs} again. */
    public void reset() {
        failures = 0;
        nextMs = initialMs;
    }
}
