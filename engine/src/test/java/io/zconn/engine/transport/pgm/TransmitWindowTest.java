package io.zconn.engine.transport.pgm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransmitWindowTest {
    @Test
    void isSizedAsLibzmqSizesOpenPgmsWindow() {
        // RATE / 8 (bytes per ms, rounded down) x RECOVERY_IVL ms / MULTICAST_MAXTPDU
        assertEquals(80, TransmitWindow.packets(100, 10_000, 1500)); // libzmq's defaults: 12 x 10000 / 1500
        assertEquals(83_333, TransmitWindow.packets(100_000, 10_000, 1500));
        assertEquals(1, TransmitWindow.packets(100, 0, 1500)); // at least one packet
        assertEquals(1, TransmitWindow.packets(7, 10_000, 1500)); // 7 / 8 = 0 bytes per ms
        assertEquals(TransmitWindow.MAX_PACKETS, TransmitWindow.packets(Integer.MAX_VALUE, Integer.MAX_VALUE, 100));
    }

    @Test
    void keepsTheLastCapacityPacketsAndNothingOlder() {
        TransmitWindow w = new TransmitWindow(10, 0);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, w.add(new byte[] {(byte) i, 1, 2}));
        }
        assertEquals(10, w.size());
        assertEquals(30, w.bytes()); // bounded by the capacity, whatever was sent
        assertEquals(990, w.trail());
        assertEquals(999, w.lead());
        assertEquals(1000, w.next());
        assertNull(w.get(989));
        assertFalse(w.contains(1000));
        assertArrayEquals(new byte[] {(byte) 990, 1, 2}, w.get(990));
        assertArrayEquals(new byte[] {(byte) 999, 1, 2}, w.get(999));
    }

    @Test
    void emptyWindowHasLeadJustBeforeTrail() {
        TransmitWindow w = new TransmitWindow(5, 0);
        assertEquals(0, w.trail());
        assertEquals(0xffffffffL, w.lead());
        assertEquals(0, w.trailAfterAdd());
        assertFalse(w.contains(0));
        assertFalse(w.contains(0xffffffffL));
    }

    @Test
    void sequenceNumbersWrapAroundThe32BitSpace() {
        TransmitWindow w = new TransmitWindow(4, 0xfffffffeL);
        for (int i = 0; i < 6; i++) {
            w.add(new byte[] {(byte) i});
        }
        assertEquals(0L, w.trail()); // 0xfffffffe, 0xffffffff dropped
        assertEquals(3L, w.lead());
        assertTrue(w.contains(0));
        assertFalse(w.contains(0xffffffffL));
        assertArrayEquals(new byte[] {2}, w.get(0));
        assertEquals(1L, w.trailAfterAdd());
    }

    @Test
    void aHugeWindowCostsOnlyWhatWasPutInIt() {
        TransmitWindow w = new TransmitWindow(TransmitWindow.MAX_PACKETS, 0); // would be GiBs if allocated
        for (int i = 0; i < 200; i++) {
            w.add(new byte[10]);
        }
        assertEquals(200, w.size());
        assertEquals(2000, w.bytes());
        assertEquals(0, w.trail());
    }
}
