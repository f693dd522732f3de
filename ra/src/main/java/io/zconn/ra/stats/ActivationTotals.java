package io.zconn.ra.stats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The adapter-wide sums over its activations, the running ones and those that have stopped since
 * the adapter started (their final counts are kept when they stop), so that the totals only grow.
 */
public final class ActivationTotals {
    private final Set<ActivationStats> running = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<ToLongFunction<ActivationStatsMXBean>, Long> stopped = new ConcurrentHashMap<>();

    /** @param stats an activation that started */
    public void started(ActivationStats stats) {
        running.add(stats);
    }

    /**
     * @param stats   an activation that stopped
     * @param metrics the metrics whose final counts are kept
     */
    public void stopped(ActivationStats stats, Iterable<ToLongFunction<ActivationStatsMXBean>> metrics) {
        synchronized (this) {
            if (!running.remove(stats)) {
                return;
            }
            for (ToLongFunction<ActivationStatsMXBean> m : metrics) {
                stopped.merge(m, m.applyAsLong(stats), Long::sum);
            }
        }
    }

    /** @return activations running */
    public int running() {
        return running.size();
    }

    /**
     * @param metric a metric of one activation
     * @return its sum over the running and the stopped activations
     */
    public synchronized long sum(ToLongFunction<ActivationStatsMXBean> metric) {
        long total = stopped.getOrDefault(metric, 0L);
        for (ActivationStats s : running) {
            total += metric.applyAsLong(s);
        }
        return total;
    }

    /**
     * @param metric a gauge of one activation
     * @return its highest value over the running activations (0 when none runs)
     */
    public long max(ToLongFunction<ActivationStatsMXBean> metric) {
        long max = 0;
        for (ActivationStats s : running) {
            max = Math.max(max, metric.applyAsLong(s));
        }
        return max;
    }

    /**
     * @param p a condition on one activation
     * @return the running activations that meet it
     */
    public long count(Predicate<ActivationStatsMXBean> p) {
        long n = 0;
        for (ActivationStats s : running) {
            if (p.test(s)) {
                n++;
            }
        }
        return n;
    }
}
