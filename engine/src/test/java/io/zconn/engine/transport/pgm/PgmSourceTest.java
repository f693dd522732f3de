package io.zconn.engine.transport.pgm;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgmSourceTest {
    private static final long GSI = 0x123456789abcL;
    private static final int SPORT = 4242;
    private static final int DPORT = 5555;
    private static final byte[] NLA = {10, 0, 0, 7};
    private static final byte[] GROUP = {(byte) 239, (byte) 192, 1, 1};
    /** Fast enough that pacing never holds a packet back unless a test wants it to. */
    private static final long FAST = 1L << 40;

    private long now = 1_000_000_000L;
    private final ArrayDeque<byte[]> tsdus = new ArrayDeque<>();

    private PgmSource source(int window, long bytesPerSecond) {
        return new PgmSource(GSI, SPORT, DPORT, NLA, GROUP, new TransmitWindow(window, 0), bytesPerSecond,
                1_000_000_000L, now);
    }

    private static byte[] tsdu(int i) {
        return new byte[] {0, 0, (byte) i, (byte) (i >> 8), 42};
    }

    /** Sends the SPM and {@code n} ODATA. */
    private List<PgmPacket> sendData(PgmSource s, int n) {
        for (int i = 0; i < n; i++) {
            tsdus.add(tsdu(i));
        }
        List<PgmPacket> out = drain(s);
        return out;
    }

    private List<PgmPacket> drain(PgmSource s) {
        List<PgmPacket> out = new ArrayList<>();
        byte[] p;
        while ((p = s.poll(now, tsdus::poll)) != null) {
            out.add(PgmPacket.parse(p, 0, p.length));
        }
        return out;
    }

    private static byte[] nak(long... sqns) {
        return nakFrom(GSI, DPORT, SPORT, NLA, GROUP, sqns);
    }

    /** A NAK as a receiver writes it: the source's GSI, the ports swapped, OPT_NAK_LIST for more than one. */
    static byte[] nakFrom(long gsi, int sport, int dport, byte[] nla, byte[] group, long... sqns) {
        byte[] p = PgmWriter.ncf(gsi, sport, dport, sqns, sqns.length, nla, group);
        p[4] = (byte) PgmPacket.NAK;
        p[6] = 0;
        p[7] = 0;
        int c = Checksum.of(p, 0, p.length);
        p[6] = (byte) (c >>> 8);
        p[7] = (byte) c;
        return p;
    }

    private void control(PgmSource s, byte[] p) {
        s.control(p, 0, p.length, now);
    }

    private static String kinds(List<PgmPacket> ps) {
        StringBuilder b = new StringBuilder();
        for (PgmPacket p : ps) {
            b.append(switch (p.type()) {
                case PgmPacket.SPM -> "S";
                case PgmPacket.ODATA -> "O";
                case PgmPacket.RDATA -> "R";
                case PgmPacket.NCF -> "N";
                default -> "?";
            }).append(p.type() == PgmPacket.SPM ? "" : Long.toString(p.sqn())).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void odataAndSpmsAdvertiseTheTransmitWindow() {
        PgmSource s = source(3, FAST);
        List<PgmPacket> out = sendData(s, 5);
        assertEquals("S O0 O1 O2 O3 O4", kinds(out));
        assertEquals(0, out.get(0).trail()); // empty window: trail 0, lead one before it
        assertEquals(0xffffffffL, out.get(0).lead());
        assertEquals(0, out.get(1).trail());
        assertEquals(0, out.get(3).trail());
        assertEquals(1, out.get(4).trail()); // the window holds 3: sending 3 drops 0
        assertEquals(2, out.get(5).trail());
        now += PgmSource.HEARTBEAT_NANOS;
        List<PgmPacket> spm = drain(s);
        assertEquals("S", kinds(spm)); // a heartbeat after data
        assertEquals(2, spm.get(0).trail());
        assertEquals(4, spm.get(0).lead());
    }

    @Test
    void nakInTheWindowIsConfirmedThenRepairedWithTheOriginalPayload() {
        PgmSource s = source(100, FAST);
        List<PgmPacket> sent = sendData(s, 10);
        control(s, nak(4));
        List<PgmPacket> out = drain(s);
        assertEquals("N4 R4", kinds(out));
        PgmPacket ncf = out.get(0);
        assertEquals(SPORT, ncf.sourcePort()); // the source's own ports, as its data
        assertEquals(DPORT, ncf.destPort());
        assertEquals(GSI, ncf.gsi());
        assertArrayEquals(NLA, ncf.nla());
        assertArrayEquals(GROUP, ncf.groupNla());
        PgmPacket rdata = out.get(1);
        PgmPacket odata = sent.get(5);
        assertEquals(4, odata.sqn());
        assertEquals(odata.tsduLength(), rdata.tsduLength());
        assertArrayEquals(Arrays.copyOfRange(odata.array(), odata.tsduStart(), odata.tsduStart() + odata.tsduLength()),
                Arrays.copyOfRange(rdata.array(), rdata.tsduStart(), rdata.tsduStart() + rdata.tsduLength()));
        assertEquals(0, rdata.trail());
        assertEquals(1, s.stats().rdata());
        assertEquals(1, s.stats().ncfs());
    }

    @Test
    void nakListIsConfirmedInOneNcfAndEachSequenceRepaired() {
        PgmSource s = source(100, FAST);
        sendData(s, 10);
        control(s, nak(2, 5, 7));
        List<PgmPacket> out = drain(s);
        assertEquals("N2 R2 R5 R7", kinds(out));
        PgmPacket ncf = out.get(0);
        assertEquals(2, ncf.nakListSize());
        assertEquals(5, ncf.nakListSqn(0));
        assertEquals(7, ncf.nakListSqn(1));
    }

    @Test
    void nakOutsideTheWindowGetsNothing() {
        PgmSource s = source(4, FAST);
        sendData(s, 10); // keeps 6..9
        control(s, nak(3));
        control(s, nak(10)); // not sent yet
        assertEquals("", kinds(drain(s)));
        assertEquals(2, s.stats().nakedOutsideWindow());
        control(s, nak(1, 6)); // only what is in the window is confirmed
        List<PgmPacket> out = drain(s);
        assertEquals("N6 R6", kinds(out));
        assertEquals(0, out.get(0).nakListSize());
    }

    @Test
    void repeatedNaksAreConfirmedButRepairedOnceWhileQueued() {
        PgmSource s = source(100, FAST);
        sendData(s, 10);
        for (int i = 0; i < 5; i++) {
            control(s, nak(3));
        }
        assertEquals("N3 N3 N3 N3 N3 R3", kinds(drain(s)));
        assertEquals(4, s.stats().duplicates());
        control(s, nak(3)); // repaired already: a new NAK is a new request
        assertEquals("N3 R3", kinds(drain(s)));
    }

    @Test
    void waitingRepairsAndNcfsAreBounded() {
        PgmSource s = source(100_000, FAST);
        sendData(s, 10_000);
        for (int i = 0; i < 10_000; i += 2) {
            control(s, nak(i, i + 1));
        }
        List<PgmPacket> out = drain(s);
        long ncfs = out.stream().filter(p -> p.type() == PgmPacket.NCF).count();
        long rdata = out.stream().filter(p -> p.type() == PgmPacket.RDATA).count();
        assertEquals(PgmSource.MAX_NCFS, ncfs);
        assertEquals(PgmSource.MAX_REPAIRS, rdata);
        assertTrue(s.stats().droppedNaks() > 0);
    }

    @Test
    void badNaksAreIgnoredAndCounted() {
        PgmSource s = source(100, FAST);
        sendData(s, 10);
        control(s, nakFrom(GSI + 1, DPORT, SPORT, NLA, GROUP, 3)); // another source's GSI
        control(s, nakFrom(GSI, DPORT, SPORT + 1, NLA, GROUP, 3)); // another source's port
        control(s, nakFrom(GSI, DPORT + 1, SPORT, NLA, GROUP, 3)); // another endpoint port
        control(s, nakFrom(GSI, DPORT, SPORT, new byte[] {10, 0, 0, 8}, GROUP, 3)); // another source address
        control(s, nakFrom(GSI, DPORT, SPORT, NLA, new byte[] {(byte) 239, 0, 0, 9}, 3)); // another group
        byte[] corrupt = nak(3);
        corrupt[17] ^= 1; // checksum no longer matches
        control(s, corrupt);
        control(s, Arrays.copyOf(nak(3), 20)); // truncated
        assertEquals("", kinds(drain(s)));
        assertEquals(7, s.badNaks());
        assertEquals(0, s.stats().naks());
        byte[] odata = PgmWriter.data(PgmPacket.ODATA, GSI, SPORT, DPORT, 3, 0, new byte[3], 0, 3);
        control(s, odata); // our own data looped back: not a NAK, not counted
        assertEquals(7, s.badNaks());
    }

    @Test
    void spmrBringsAnSpmSoon() {
        PgmSource s = source(100, FAST);
        sendData(s, 1);
        now += 20 * PgmSource.HEARTBEAT_NANOS; // heartbeats sent, ambient not due yet
        drain(s);
        now += 1_000;
        assertEquals("", kinds(drain(s)));
        byte[] spmr = PgmWriter.nak(PgmPacket.NAK, GSI, DPORT, SPORT, 0, NLA, GROUP);
        byte[] req = new byte[PgmPacket.HEADER];
        System.arraycopy(spmr, 0, req, 0, PgmPacket.HEADER);
        req[4] = (byte) PgmPacket.SPMR;
        req[6] = 0;
        req[7] = 0;
        int c = Checksum.of(req, 0, req.length);
        req[6] = (byte) (c >>> 8);
        req[7] = (byte) c;
        control(s, req);
        assertEquals("S", kinds(drain(s)));
    }

    @Test
    void rateLimitsEveryPacketHeadersIncluded() {
        // 10 kB/s; packets of 16 + 8 + 1000 bytes + 28 of IP and UDP = 1052 bytes: about 9.5 per second
        PgmSource s = source(1000, 10_000);
        for (int i = 0; i < 100; i++) {
            tsdus.add(new byte[1000]);
        }
        long start = now;
        int sent = 0;
        while (!tsdus.isEmpty()) {
            byte[] p = s.poll(now, tsdus::poll);
            if (p == null) {
                long wait = s.waitNanos(now, true);
                assertTrue(wait > 0, "nothing sent, yet no wait");
                now += wait;
            } else if (p[4] == PgmPacket.ODATA) {
                sent++;
            }
        }
        double seconds = (now - start) / 1e9;
        assertEquals(100, sent);
        // 100 x 1052 bytes at 10000 B/s: 10.5 s, less the one packet that goes at once
        assertTrue(seconds >= 10.2 && seconds <= 10.6, "took " + seconds + " s");
    }

    @Test
    void repairsAndNewDataAlternateWhileBothWait() {
        PgmSource s = source(100, FAST);
        sendData(s, 5);
        control(s, nak(0, 1, 2));
        for (int i = 5; i < 8; i++) {
            tsdus.add(tsdu(i));
        }
        assertEquals("N0 R0 O5 R1 O6 R2 O7", kinds(drain(s)));
    }

    @Test
    void waitsUntilTheNextHeartbeatWhenIdle() {
        PgmSource s = source(100, FAST);
        sendData(s, 1);
        assertEquals(PgmSource.HEARTBEAT_NANOS, s.waitNanos(now, false));
        assertNull(s.poll(now, tsdus::poll));
    }
}
