package io.zconn.itests.arquillian.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts deliveries (a plain static, not a bean: the count must not add an EJB call per message) and
 * remembers when the first and the {@code target}-th arrived.
 */
public final class BenchCounter {
    static final BenchCounter PULL_TX = new BenchCounter();
    static final BenchCounter PULL_NOTX = new BenchCounter();
    static final BenchCounter RAW_PULL = new BenchCounter();
    static final BenchCounter PULL_BATCH_TX = new BenchCounter();
    static final BenchCounter PULL_BATCH_NOTX = new BenchCounter();

    private final AtomicLong count = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile long first;
    private volatile long last;

    /** Starts a new round that ends with the {@code n}-th hit. */
    void reset(long n) {
        count.set(0);
        first = 0;
        last = 0;
        target = n;
    }

    void hit() {
        hits(1);
    }

    /** Counts {@code n} messages that arrived together (a batch). */
    void hits(int n) {
        long now = System.nanoTime();
        long c = count.addAndGet(n);
        if (c == n) {
            first = now;
        }
        if (c >= target && c - n < target) {
            last = now;
        }
    }

    long count() {
        return count.get();
    }

    /** @return messages/s between the first and the last hit of the round, or 0 when not complete */
    double rate() {
        long t = target;
        long l = last;
        return l == 0 || t < 2 ? 0 : (t - 1) * 1e9 / (l - first);
    }
}
