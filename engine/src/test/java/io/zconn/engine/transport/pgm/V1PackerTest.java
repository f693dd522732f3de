package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class V1PackerTest {
    private static Frame frame(String text, boolean more) {
        return Frame.wrap(text.getBytes(StandardCharsets.US_ASCII), more);
    }

    private static byte[] tsdu(String fixture) {
        byte[] b = Fixtures.packet(fixture);
        PgmPacket p = PgmPacket.parse(b, 0, b.length);
        return Arrays.copyOfRange(b, p.tsduStart(), p.tsduStart() + p.tsduLength());
    }

    @Test
    void packsLibzmqsCapturedTsdusByteForByte() {
        // what the capture's PUB sent, queued before its sender ran; OpenPGM's TSDU for MAXTPDU 1500 is 1428
        ArrayDeque<Frame> q = new ArrayDeque<>(List.of(frame("hello", false), frame("topic", true),
                frame("x".repeat(300), false), frame("y".repeat(3000), false)));
        V1Packer packer = new V1Packer(1428);
        assertArrayEquals(tsdu("libzmq-odata-0"), packer.next(q::poll));
        assertArrayEquals(tsdu("libzmq-odata-1"), packer.next(q::poll));
        assertArrayEquals(tsdu("libzmq-odata-2"), packer.next(q::poll));
        assertNull(packer.next(q::poll));
    }

    @Test
    void whatItPacksTheReceiverDecodesFromAnyJoinPoint() {
        ArrayDeque<Frame> q = new ArrayDeque<>();
        for (int i = 0; i < 200; i++) {
            int size = new int[] {0, 1, 254, 255, 1000, 5000}[i % 6];
            byte[] body = new byte[size];
            Arrays.fill(body, (byte) i);
            q.add(Frame.wrap(new byte[] {(byte) i}, true));
            q.add(Frame.wrap(body, false));
        }
        V1Packer packer = new V1Packer(300);
        List<byte[]> tsdus = new ArrayList<>();
        byte[] t;
        while ((t = packer.next(q::poll)) != null) {
            tsdus.add(t);
        }
        for (int join : new int[] {0, 1, 7, 30}) {
            List<List<Frame>> got = new ArrayList<>();
            PgmReceiver rx = new PgmReceiver(new PgmReceiver.Listener() {
                @Override
                public void message(List<Frame> message) {
                    got.add(message);
                }

                @Override
                public void lost(long tsi, long first, long count, String why) {
                    throw new AssertionError("lost: " + why);
                }

                @Override
                public void malformed(long tsi, String why) {
                    throw new AssertionError(why);
                }
            }, -1);
            for (int s = join; s < tsdus.size(); s++) {
                byte[] p = PgmWriter.data(PgmPacket.ODATA, 1, 2, 3, s, 0, tsdus.get(s), 0, tsdus.get(s).length);
                rx.datagram(p, 0, p.length);
            }
            int first = got.get(0).get(0).byteAt(0) & 0xff;
            assertEquals(200 - first, got.size(), "join at " + join);
            for (int k = 0; k < got.size(); k++) {
                int i = first + k;
                assertEquals(2, got.get(k).size());
                assertEquals((byte) i, got.get(k).get(0).byteAt(0));
                assertEquals(new int[] {0, 1, 254, 255, 1000, 5000}[i % 6], got.get(k).get(1).size());
            }
        }
    }
}
