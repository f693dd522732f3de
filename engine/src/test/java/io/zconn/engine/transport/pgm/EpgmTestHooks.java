package io.zconn.engine.transport.pgm;

import java.util.concurrent.atomic.AtomicLong;

/** Loss injection into the epgm receive path, for tests in other packages (e.g. the interop test's child JVM). */
public final class EpgmTestHooks {
    private EpgmTestHooks() {
    }

    /**
     * Drops the ODATA of every sequence number that is {@code phase} modulo {@code every} (its first
     * arrival; the RDATA that repairs it passes), before the receiver sees it, in every epgm
     * endpoint of this JVM.
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
        EpgmTransport.dropRepairForTest = null;
        return dropped;
    }

    /**
     * As {@link #dropEvery(int, int)}, and drops the RDATA of those numbers too, so that their
     * repair never arrives: the NAK retries run out (or the window moves on) and the loss is reported.
     *
     * @param every the period
     * @param phase which one of each period
     * @return counts the ODATA packets dropped
     */
    public static AtomicLong loseEvery(int every, int phase) {
        AtomicLong dropped = dropEvery(every, phase);
        EpgmTransport.dropRepairForTest = sqn -> sqn % every == phase;
        return dropped;
    }
}
