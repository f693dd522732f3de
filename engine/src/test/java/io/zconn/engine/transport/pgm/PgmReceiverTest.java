package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgmReceiverTest {
    private final List<List<Frame>> messages = new ArrayList<>();
    private final List<String> reports = new ArrayList<>();
    private final PgmReceiver rx = new PgmReceiver(new PgmReceiver.Listener() {
        @Override
        public void message(List<Frame> message) {
            messages.add(message);
        }

        @Override
        public void gap(long tsi, long expected, long got, long lost) {
            reports.add("gap " + expected + "->" + got + " lost " + lost);
        }

        @Override
        public void malformed(long tsi, String why) {
            reports.add("malformed " + why);
        }
    }, -1);

    private void feed(byte[] packet) {
        rx.datagram(packet, 0, packet.length);
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

    @Test
    void aGapIsReportedAndThePartialMessageDroppedNotMerged() {
        feed(Fixtures.packet("libzmq-odata-0")); // hello, topic+x..., start of y*3000
        feed(Fixtures.packet("libzmq-odata-2")); // sequence 1 lost: the rest of y*3000
        assertEquals(2, messages.size());
        assertEquals(List.of("gap 1->2 lost 1"), reports);
        assertEquals(1, rx.lostPackets());
        assertEquals(1, rx.gaps());
        assertEquals(0, rx.heldBytes());
        // the stream resumes at the next message start
        feed(Fixtures.odata(3, 0, Fixtures.v1(false, "after".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(3, messages.size());
        assertEquals("after", text(messages.get(2).get(0)));
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
            public void gap(long tsi, long expected, long got, long lost) {
                seen.add("gap");
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
