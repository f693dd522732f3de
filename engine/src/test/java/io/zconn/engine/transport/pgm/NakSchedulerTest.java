package io.zconn.engine.transport.pgm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.zconn.engine.transport.pgm.NakScheduler.DATA_RETRIES;
import static io.zconn.engine.transport.pgm.NakScheduler.NAK_BO_IVL_NANOS;
import static io.zconn.engine.transport.pgm.NakScheduler.NAK_RDATA_IVL_NANOS;
import static io.zconn.engine.transport.pgm.NakScheduler.NAK_RPT_IVL_NANOS;
import static io.zconn.engine.transport.pgm.NakScheduler.NCF_RETRIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NAK state machine with a fake clock: back-off, NAK, NCF, RDATA wait, retries, give-up. */
class NakSchedulerTest {
    /** A fixed back-off of 10 ms, so that deadlines are known. */
    private static final long BO = 10_000_000L;
    private final NakScheduler naks = new NakScheduler(bo -> BO);
    private final List<List<Long>> sent = new ArrayList<>();
    private int spmrs;
    private boolean canNak = true;
    private final NakScheduler.Actions actions = new NakScheduler.Actions() {
        @Override
        public boolean canNak() {
            return canNak;
        }

        @Override
        public void nak(long[] sqns, int count) {
            List<Long> l = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                l.add(sqns[i]);
            }
            sent.add(l);
        }

        @Override
        public void spmRequest() {
            spmrs++;
        }
    };

    @Test
    void aMissingNumberIsNakedAfterItsBackOffNotBefore() {
        naks.missing(5, 7, 0);
        assertEquals(BO, naks.delay(0));
        naks.expire(BO - 1, actions);
        assertEquals(List.of(), sent);
        naks.expire(BO, actions);
        assertEquals(List.of(List.of(5L, 6L)), sent); // one NAK with an OPT_NAK_LIST
        assertEquals(NakScheduler.State.WAIT_NCF, naks.ranges().get(0).state);
        assertEquals(NAK_RPT_IVL_NANOS, naks.delay(BO));
    }

    @Test
    void theDefaultBackOffIsRandomBelowNakBoIvl() {
        assertTrue(BO < NAK_BO_IVL_NANOS);
        NakScheduler random = new NakScheduler(bo -> java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000L, bo));
        random.missing(0, 1, 0);
        assertThat(random.delay(0)).isBetween(1_000L, NAK_BO_IVL_NANOS - 1);
    }

    @Test
    void aNakWithoutNcfIsRepeatedAfterTheRepeatIntervalAndAnotherBackOff() {
        naks.missing(5, 6, 0);
        naks.expire(BO, actions);
        naks.expire(BO + NAK_RPT_IVL_NANOS, actions); // no NCF: backs off again
        assertEquals(NakScheduler.State.BACKOFF, naks.ranges().get(0).state);
        naks.expire(2 * BO + NAK_RPT_IVL_NANOS, actions);
        assertEquals(2, sent.size());
    }

    @Test
    void anNcfMovesToWaitingForTheRdataAndTheRdataEndsIt() {
        naks.missing(5, 8, 0);
        naks.expire(BO, actions);
        naks.confirmed(6, true, BO + 1);
        assertEquals("[[5,6)WAIT_NCF, [6,7)WAIT_DATA, [7,8)WAIT_NCF]", naks.toString());
        assertTrue(naks.filled(6));
        assertFalse(naks.filled(6));
        assertEquals(2, naks.rangeCount());
    }

    @Test
    void anotherReceiversNcfSuppressesOurNak() {
        naks.missing(5, 6, 0);
        naks.confirmed(5, true, 1); // still backing off: we never NAK
        naks.expire(BO, actions);
        assertEquals(List.of(), sent);
        assertEquals(NakScheduler.State.WAIT_DATA, naks.ranges().get(0).state);
        // no RDATA within NAK_RDATA_IVL: backs off and NAKs itself
        naks.expire(1 + NAK_RDATA_IVL_NANOS, actions);
        naks.expire(1 + NAK_RDATA_IVL_NANOS + BO, actions);
        assertEquals(List.of(List.of(5L)), sent);
    }

    @Test
    void anotherReceiversNakSuppressesOurs() {
        naks.missing(5, 6, 0);
        naks.confirmed(5, false, 1);
        naks.expire(BO, actions);
        assertEquals(List.of(), sent);
        assertEquals(NakScheduler.State.WAIT_NCF, naks.ranges().get(0).state);
    }

    @Test
    void withoutRdataTheNumberIsGivenUpAfterTheDataRetries() {
        naks.missing(5, 6, 0);
        long now = 0;
        for (int i = 0; i <= DATA_RETRIES; i++) {
            now += BO;
            naks.expire(now, actions); // NAK
            naks.confirmed(5, true, now); // NCF
            now += NAK_RDATA_IVL_NANOS;
            naks.expire(now, actions); // no RDATA
        }
        assertEquals(DATA_RETRIES + 1, sent.size());
        NakScheduler.Range r = naks.takeLostAt(5);
        assertNotNull(r);
        assertThat(r.why).contains("no RDATA");
        assertEquals(Long.MAX_VALUE, naks.delay(now));
    }

    @Test
    void withoutNcfTheNumberIsGivenUpAfterTheNcfRetries() {
        naks.missing(5, 6, 0);
        long now = 0;
        for (int i = 0; i <= NCF_RETRIES; i++) {
            now += BO;
            naks.expire(now, actions);
            now += NAK_RPT_IVL_NANOS;
            naks.expire(now, actions);
        }
        assertEquals(NCF_RETRIES + 1, sent.size());
        assertThat(naks.takeLostAt(5).why).contains("no NCF");
    }

    @Test
    void withoutAnSpmItAsksForOneAndGivesUpAfterTheRetries() {
        canNak = false;
        naks.missing(5, 6, 0);
        long now = 0;
        for (int i = 0; i <= NCF_RETRIES; i++) {
            now += BO;
            naks.expire(now, actions);
        }
        assertEquals(List.of(), sent);
        assertEquals(NCF_RETRIES, spmrs);
        assertThat(naks.takeLostAt(5).why).contains("no SPM");
    }

    @Test
    void theTrailPassingAMissingNumberGivesItUp() {
        naks.missing(5, 10, 0);
        naks.lostBefore(7, "trail");
        assertEquals("[[5,7)LOST, [7,10)BACKOFF]", naks.toString());
        assertNull(naks.takeLostAt(4));
        assertEquals(7, naks.takeLostAt(5).end);
        assertTrue(naks.isPending(7));
        assertFalse(naks.isPending(5));
    }

    @Test
    void aLargeGapIsOneRangeAndItsNaksCarryAtMost63Numbers() {
        naks.missing(0, 1000, 0);
        naks.missing(1000, 2000, 0); // the same loss, seen later: joins the range
        assertEquals(1, naks.rangeCount());
        naks.expire(BO, actions);
        assertEquals(32, sent.size());
        assertThat(sent).allMatch(l -> l.size() <= NakScheduler.NAK_LIST_MAX);
        assertEquals(2000, sent.stream().mapToInt(List::size).sum());
    }

    @Test
    void loseOldestGivesUpTheFirstPendingRange() {
        naks.missing(1, 2, 0);
        naks.missing(3, 4, 0);
        assertTrue(naks.loseOldest("cap"));
        assertEquals("[[1,2)LOST, [3,4)BACKOFF]", naks.toString());
    }
}
