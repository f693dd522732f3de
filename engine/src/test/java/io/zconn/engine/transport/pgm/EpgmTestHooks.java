package io.zconn.engine.transport.pgm;

import java.util.concurrent.atomic.AtomicLong;

/** Loss injection into the epgm receive path, for tests in other packages (e.g. the interop test's child JVM). */
public final class EpgmTestHooks {
    private EpgmTestHooks() {
    }

    /**
     * Drops every data packet whose sequence number is {@code phase} modulo {@code every}, before the
     * receiver sees it, in every epgm endpoint of this JVM.
     *
     * @param every the period
     * @param phase which one of each period
     * @return counts the packets dropped
     */
    public static AtomicLong dropEvery(int every, int phase) {
        AtomicLong dropped = new AtomicLong();
        EpgmTransport.dropForTest = sqn -> {
            boolean drop = sqn % every == phase;
            if (drop) {
                dropped.incrementAndGet();
            }
            return drop;
        };
        return dropped;
    }
}
