package io.zconn.engine.transport.pgm;

import java.util.concurrent.atomic.AtomicLong;

/** Loss injection into the epgm receive and send paths, for tests in other packages (e.g. the interop test's child JVM). */
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

    /**
     * Loss at the source: every epgm sender of this JVM skips the first transmission of each ODATA
     * whose sequence number is {@code phase} modulo {@code every} (it keeps it for repair as if
     * sent), so receivers must NAK it and take the RDATA.
     *
     * @param from  the first sequence number that may be skipped (receivers that join late cannot
     *              repair what was lost before they had the source's first SPM, with OpenPGM as here)
     * @param every the period
     * @param phase which one of each period
     * @return counts the transmissions skipped
     */
    public static AtomicLong suppressFirstTransmission(long from, int every, int phase) {
        AtomicLong suppressed = new AtomicLong();
        EpgmTransport.suppressForTest = sqn -> {
            boolean skip = sqn >= from && sqn % every == phase;
            if (skip) {
                suppressed.incrementAndGet();
            }
            return skip;
        };
        return suppressed;
    }

    /** Makes every epgm sender of this JVM ignore the NAKs it receives (a source without repair). */
    public static void ignoreNaks() {
        EpgmTransport.ignoreNaksForTest = true;
    }
}
