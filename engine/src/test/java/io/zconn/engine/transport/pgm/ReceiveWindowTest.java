package io.zconn.engine.transport.pgm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive window alone: hold after a gap, in-order hand-on, give-ups, bounds. */
class ReceiveWindowTest {
    private final ReceiveWindow w = new ReceiveWindow(new NakScheduler(bo -> 1_000_000L));
    private final List<String> out = new ArrayList<>();
    private final ReceiveWindow.Sink sink = new ReceiveWindow.Sink() {
        @Override
        public void data(byte[] b, int off, int len) {
            out.add(Integer.toString(b[off]));
        }

        @Override
        public void lost(long first, long count, String why) {
            out.add("lost " + first + "+" + count);
        }
    };

    private boolean data(long sqn, long trail) {
        return w.data(sqn, trail, new byte[] {(byte) sqn}, 0, 1, false, 0, sink);
    }

    @Test
    void outOfOrderPacketsAreHandedOnInOrder() {
        data(1, 0);
        data(4, 0);
        data(3, 0);
        assertEquals(List.of("1"), out);
        assertEquals(2, w.heldPackets());
        assertTrue(w.isPending(2));
        data(2, 0);
        assertEquals(List.of("1", "2", "3", "4"), out);
        assertEquals(0, w.heldPackets());
        assertEquals(0, w.heldBytes());
        assertEquals(2, w.repaired()); // 3 and 2 were both missing when they came
    }

    @Test
    void duplicatesAndOldPacketsAreRefused() {
        data(5, 0);
        data(7, 0);
        assertFalse(data(7, 0));
        assertFalse(data(5, 0));
        assertFalse(data(1, 0));
        assertTrue(data(6, 0));
    }

    @Test
    void givingUpTheOldestLossLetsTheHeldPacketsThrough() {
        data(1, 0);
        data(3, 0);
        data(5, 0);
        assertTrue(w.loseOldest("cap", sink));
        assertEquals(List.of("1", "lost 2+1", "3"), out);
        assertEquals(1, w.heldPackets());
    }

    @Test
    void aPacketBeyondTheWindowSlidesItAndReportsWhatFellBehind() {
        data(10, 0);
        data(12, 0);
        data(10 + ReceiveWindow.MAX_SQNS + 5, 0);
        // 11 given up, 12 handed on, 13 .. 15 given up (behind the window), the rest still missing
        assertEquals(List.of("10", "lost 11+1", "12", "lost 13+3"), out);
        assertEquals(1, w.heldPackets());
        assertEquals(1, w.naks().rangeCount());
    }

    @Test
    void sequenceNumbersWrapAround() {
        long trail = 0xfffffffeL; // the source's window starts there
        data(0xfffffffeL, trail);
        data(1, trail);
        assertTrue(w.isPending(0xffffffffL));
        assertTrue(w.isPending(0));
        data(0, trail);
        data(0xffffffffL, trail);
        assertEquals(List.of("-2", "-1", "0", "1"), out);
    }

    @Test
    void anSpmBeforeTheFirstPacketIsIgnored() {
        w.spm(0, 100, 0, sink);
        assertEquals(0, w.naks().rangeCount());
        assertEquals(-1, w.next());
    }
}
