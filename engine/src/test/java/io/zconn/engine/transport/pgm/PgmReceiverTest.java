package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgmReceiverTest {
    /** A fixed NAK back-off. */
    private static final long BO = 10_000_000L;
    private static final byte[] GROUP = {(byte) 239, (byte) 192, 1, 1};
    private static final byte[] LOCALHOST = {127, 0, 0, 1};
    private final List<List<Frame>> messages = new ArrayList<>();
    private final List<String> reports = new ArrayList<>();
    private final List<PgmPacket> control = new ArrayList<>();
    private final List<byte[]> controlTo = new ArrayList<>();
    private long now;
    private final PgmReceiver rx = new PgmReceiver(new PgmReceiver.Listener() {
        @Override
        public void message(List<Frame> message) {
            messages.add(message);
        }

        @Override
        public void lost(long tsi, long first, long count, String why) {
            reports.add("lost " + first + " count " + count);
        }

        @Override
        public void malformed(long tsi, String why) {
            reports.add("malformed " + why);
        }
    }, -1, (packet, nla) -> {
        control.add(PgmPacket.parse(packet, 0, packet.length));
        controlTo.add(nla);
    }, GROUP, () -> now, bo -> BO);

    private void feed(byte[] packet) {
        rx.datagram(packet, 0, packet.length);
    }

    /** As {@link #feed}, from 127.0.0.1: where an SPMR goes before the source's SPM names its NLA. */
    private void feedFromLocalhost(byte[] packet) {
        rx.datagram(packet, 0, packet.length, LOCALHOST);
    }

    private static String text(Frame f) {
        return new String(f.data(), StandardCharsets.US_ASCII);
    }

    @Test
    void deliversLibzmqMessagesFromCapturedPackets() {
        feed(Fixtures.packet("libzmq-odata-0"));
        feed(Fixtures.packet("libzmq-odata-1"));
        feed(Fixtures.packet("libzmq-spm")); // control packets carry no data
        feed(Fixtures.packet("libzmq-odata-2"));
        assertEquals(3, messages.size());
        assertEquals(List.of("hello"), messages.get(0).stream().map(PgmReceiverTest::text).toList());
        assertEquals(2, messages.get(1).size());
        assertEquals("topic", text(messages.get(1).get(0)));
        assertTrue(messages.get(1).get(0).hasMore());
        assertEquals("x".repeat(300), text(messages.get(1).get(1)));
        assertEquals("y".repeat(3000), text(messages.get(2).get(0)));
        assertEquals(List.of(), reports);
        assertEquals(0, rx.heldBytes());
    }

    @Test
    void lateJoinerSkipsToTheFirstMessageStart() {
        // joins at sequence 1, inside the 3000-byte message: no offset there (0xffff), then sequence 2
        // ends that message exactly (offset = its length): nothing of it is delivered
        feed(Fixtures.packet("libzmq-odata-1"));
        feed(Fixtures.packet("libzmq-odata-2"));
        assertEquals(0, messages.size());
        feed(Fixtures.odata(3, 0, Fixtures.v1(false, "next".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(1, messages.size());
        assertEquals("next", text(messages.get(0).get(0)));
        assertEquals(List.of(), reports);
    }

    @Test
    void lateJoinerStartsAtAnOffsetInsideThePacket() {
        byte[] tail = Fixtures.v1(false, new byte[40]);
        byte[] whole = Fixtures.v1(false, "whole".getBytes(StandardCharsets.US_ASCII));
        byte[] stream = new byte[tail.length + whole.length];
        System.arraycopy(tail, 0, stream, 0, tail.length);
        System.arraycopy(whole, 0, stream, tail.length, whole.length);
        feed(Fixtures.odata(77, tail.length, stream));
        assertEquals(1, messages.size());
        assertEquals("whole", text(messages.get(0).get(0)));
    }

    /** @return the packet with its type changed to RDATA (checksum zeroed: none) */
    private static byte[] rdata(byte[] odata) {
        byte[] p = odata.clone();
        p[4] = PgmPacket.RDATA;
        p[6] = 0;
        p[7] = 0;
        return p;
    }

    private static byte[] odata(long sqn, long trail, int offset, byte[] stream) {
        byte[] tsdu = new byte[2 + stream.length];
        tsdu[0] = (byte) (offset >>> 8);
        tsdu[1] = (byte) offset;
        System.arraycopy(stream, 0, tsdu, 2, stream.length);
        return PgmWriter.data(PgmPacket.ODATA, Fixtures.GSI, Fixtures.SPORT, 5555, sqn, trail, tsdu, 0, tsdu.length);
    }

    private static byte[] message(String text) {
        return Fixtures.v1(false, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void packetsAfterAGapAreHeldAndDeliveredInOrderOnceTheRdataFillsIt() {
        feed(Fixtures.packet("libzmq-odata-0")); // hello, topic+x..., start of y*3000
        feed(Fixtures.packet("libzmq-odata-2")); // sequence 1 missing: held
        assertEquals(2, messages.size());
        assertTrue(rx.heldBytes() > 0);
        feed(rdata(Fixtures.packet("libzmq-odata-1")));
        assertEquals(3, messages.size());
        assertEquals("y".repeat(3000), text(messages.get(2).get(0)));
        assertEquals(List.of(), reports);
        assertEquals(1, rx.repaired());
        assertEquals(0, rx.lostPackets());
        assertEquals(0, rx.heldBytes());
        assertEquals(0, rx.missingRanges());
    }

    @Test
    void aGapIsNakedUnicastToTheNlaOfTheSourcesSpm() {
        feed(Fixtures.packet("libzmq-spm")); // NLA 127.0.0.1
        feed(odata(10, 0, 0, message("a")));
        feed(odata(13, 0, 0, message("d"))); // 11 and 12 missing
        assertEquals(BO, rx.timerDelay());
        now += BO - 1;
        rx.timers();
        assertEquals(List.of(), control);
        now += 1;
        rx.timers();
        assertEquals(1, control.size());
        PgmPacket nak = control.get(0);
        assertEquals(PgmPacket.NAK, nak.type());
        assertEquals(11, nak.sqn());
        assertEquals(1, nak.nakListSize());
        assertEquals(12, nak.nakListSqn(0));
        assertEquals(Fixtures.GSI, nak.gsi());
        assertEquals(5555, nak.sourcePort()); // the data's destination port
        assertEquals(Fixtures.SPORT, nak.destPort()); // the source's port
        assertArrayEquals(LOCALHOST, nak.nla());
        assertArrayEquals(GROUP, nak.groupNla());
        assertArrayEquals(LOCALHOST, controlTo.get(0));
        // the source's NCF: now waiting for RDATA, no NAK repeated within NAK_RDATA_IVL
        byte[] ncf = PgmWriter.nak(PgmPacket.NCF, Fixtures.GSI, Fixtures.SPORT, 5555, 11, LOCALHOST, GROUP);
        feed(ncf);
        byte[] ncf2 = PgmWriter.nak(PgmPacket.NCF, Fixtures.GSI, Fixtures.SPORT, 5555, 12, LOCALHOST, GROUP);
        feed(ncf2);
        now += NakScheduler.NAK_RDATA_IVL_NANOS - 1;
        rx.timers();
        assertEquals(1, control.size());
        feed(rdata(odata(12, 0, 0, message("c"))));
        feed(rdata(odata(11, 0, 0, message("b"))));
        assertEquals(List.of("a", "b", "c", "d"), messages.stream().map(m -> text(m.get(0))).toList());
        assertEquals(1, rx.naksSent());
        assertEquals(Long.MAX_VALUE, rx.timerDelay());
    }

    @Test
    void naksSentCountsNakPacketsNotSequenceNumbersNorSpmrs() {
        // Stats.naksSent is read from here: one count per NAK packet handed to the link
        feedFromLocalhost(odata(10, 0, 0, message("a")));
        feedFromLocalhost(odata(12, 0, 0, message("c")));
        now += BO;
        rx.timers(); // no SPM yet: an SPMR, no NAK
        assertEquals(List.of(PgmPacket.SPMR), control.stream().map(PgmPacket::type).toList());
        assertEquals(0, rx.naksSent());
        assertEquals(1, rx.spmrsSent());
        control.clear();
        feed(PgmWriter.spm(Fixtures.GSI, Fixtures.SPORT, 5555, 1, 0, 12, LOCALHOST)); // the NLA: NAKs can go
        int missing = NakScheduler.NAK_LIST_MAX + 10; // 11 and 13..84: two NAK packets
        feed(odata(13 + missing - 1, 0, 0, message("z")));
        now += BO;
        rx.timers();
        assertEquals(List.of(PgmPacket.NAK, PgmPacket.NAK), control.stream().map(PgmPacket::type).toList());
        assertEquals(2, rx.naksSent());
    }

    @Test
    void aGapBeforeAnySpmAsksForOneWithAnSpmr() {
        feedFromLocalhost(odata(10, 0, 0, message("a")));
        feedFromLocalhost(odata(12, 0, 0, message("c")));
        now += BO;
        rx.timers();
        assertEquals(1, control.size());
        assertEquals(PgmPacket.SPMR, control.get(0).type());
        assertEquals(Fixtures.SPORT, control.get(0).destPort());
        assertArrayEquals(LOCALHOST, controlTo.get(0));
    }

    @Test
    void theSourcesTrailPassingAGapReportsTheLossAndDeliveryResumesAtTheNextMessageStart() {
        feed(Fixtures.packet("libzmq-odata-0")); // hello, topic+x..., start of y*3000
        feed(Fixtures.packet("libzmq-odata-2")); // sequence 1 missing: the rest of y*3000, held
        assertEquals(List.of(), reports);
        feed(odata(3, 2, 0, message("after"))); // trail 2: sequence 1 can no longer be repaired
        assertEquals(List.of("lost 1 count 1"), reports);
        assertEquals(1, rx.lostPackets());
        assertEquals(1, rx.gaps());
        assertEquals(0, rx.heldBytes());
        // the partial y*3000 was dropped, never merged; the stream resumed at the next message start
        assertEquals(List.of("hello", "topic", "after"), messages.stream().map(m -> text(m.get(0))).toList());
    }

    @Test
    void anSpmTrailPassingAGapReportsTheLoss() {
        feed(odata(10, 0, 0, message("a")));
        feed(odata(12, 0, 0, message("c")));
        feed(PgmWriter.spm(Fixtures.GSI, Fixtures.SPORT, 5555, 1, 12, 12, LOCALHOST));
        assertEquals(List.of("lost 11 count 1"), reports);
        assertEquals(List.of("a", "c"), messages.stream().map(m -> text(m.get(0))).toList());
    }

    @Test
    void anSpmLeadBeyondWhatArrivedMakesTheTailMissing() {
        feed(odata(10, 0, 0, message("a")));
        feed(PgmWriter.spm(Fixtures.GSI, Fixtures.SPORT, 5555, 1, 0, 12, LOCALHOST));
        now += BO;
        rx.timers();
        assertEquals(1, control.size());
        assertEquals(11, control.get(0).sqn());
        assertEquals(12, control.get(0).nakListSqn(0));
    }

    @Test
    void unansweredNaksEndInAReportedLossAndLaterMessagesStillArrive() {
        feed(Fixtures.packet("libzmq-spm"));
        feed(odata(10, 0, 0, message("a")));
        feed(odata(12, 0, 0, message("c")));
        for (int i = 0; i < 1000 && reports.isEmpty(); i++) {
            now += 50_000_000L;
            rx.timers();
        }
        assertEquals(List.of("lost 11 count 1"), reports);
        assertEquals(NakScheduler.NCF_RETRIES + 1, rx.naksSent());
        assertEquals(List.of("a", "c"), messages.stream().map(m -> text(m.get(0))).toList());
        assertEquals(Long.MAX_VALUE, rx.timerDelay());
    }

    @Test
    void aFloodOfFarAheadSequenceNumbersHoldsOnlyWhatArrived() {
        feed(odata(0, 0, 0, message("first")));
        long fed = 0;
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] p = odata(random.nextInt() & 0xffffffffL, 0, 0, message("x"));
            fed += p.length;
            feed(p);
            assertTrue(rx.heldBytes() <= fed, "holds " + rx.heldBytes() + " after " + fed);
            assertTrue(rx.missingRanges() <= 2 + ReceiveWindow.MAX_SQNS, "ranges " + rx.missingRanges());
        }
        // each jump of more than the window gives up what it skipped, as a reported loss
        assertTrue(rx.gaps() > 0);
        assertTrue(rx.lostPackets() > 0);
    }

    @Test
    void duplicatesAreIgnored() {
        feed(Fixtures.packet("libzmq-odata-0"));
        feed(Fixtures.packet("libzmq-odata-0"));
        feed(Fixtures.packet("libzmq-odata-1"));
        feed(Fixtures.packet("libzmq-odata-2"));
        assertEquals(3, messages.size());
        assertEquals(1, rx.duplicates());
        assertEquals(List.of(), reports);
    }

    @Test
    void sequenceNumbersWrapAround() {
        feed(Fixtures.odata(0xffffffffL, 0, Fixtures.v1(false, new byte[] {1})));
        feed(Fixtures.odata(0, 0, Fixtures.v1(false, new byte[] {2})));
        assertEquals(2, messages.size());
        assertEquals(List.of(), reports);
    }

    @Test
    void aBadOffsetOrFramingIsReportedAndTheSourceRejoins() {
        feed(Fixtures.odata(5, 100, new byte[] {1, 2}));
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).startsWith("malformed message offset"), reports.get(0));
        feed(Fixtures.odata(6, 0, new byte[] {0, 0})); // zero frame length
        assertTrue(reports.get(1).contains("zero frame length"), reports.get(1));
        feed(Fixtures.odata(7, 0, Fixtures.v1(false, new byte[] {3})));
        assertEquals(1, messages.size());
    }

    @Test
    void aFrameOverMaxMsgSizeIsRefusedBeforeItsBodyIsHeld() {
        List<String> seen = new ArrayList<>();
        PgmReceiver small = new PgmReceiver(new PgmReceiver.Listener() {
            @Override
            public void message(List<Frame> message) {
                seen.add("message");
            }

            @Override
            public void lost(long tsi, long first, long count, String why) {
                seen.add("lost");
            }

            @Override
            public void malformed(long tsi, String why) {
                seen.add(why);
            }
        }, 10);
        byte[] p = Fixtures.odata(0, 0, Fixtures.v1(false, new byte[11]));
        small.datagram(p, 0, p.length);
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).contains("MAXMSGSIZE"), seen.get(0));
        assertEquals(0, small.heldBytes());
    }

    @Test
    void aHugeAnnouncedFrameHoldsOnlyWhatArrived() {
        // header announces 2^40 bytes; 100 arrive
        byte[] stream = new byte[10 + 100];
        stream[0] = (byte) 0xff;
        stream[3] = 1; // size 2^40
        feed(Fixtures.odata(0, 0, stream));
        assertFalse(rx.heldBytes() > 100 + V1Decoder.CHUNK);
        assertEquals(0, messages.size());
    }
}
