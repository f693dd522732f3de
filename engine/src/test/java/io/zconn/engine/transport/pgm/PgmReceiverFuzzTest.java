package io.zconn.engine.transport.pgm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zconn.engine.Frame;

import java.util.List;

/**
 * Fuzzes {@link PgmReceiver} with a run of datagrams: the input is cut into datagrams, each preceded
 * by two bytes big-endian: bit 15 set means "zero the checksum field and force the type to ODATA"
 * (so that the fuzzer reaches the offsets and v1 framing rather than the checksum), bits 0-14 the
 * datagram's length. Properties: nothing is thrown; after
 * each datagram the bytes held for messages in progress are at most the bytes fed so far plus one
 * {@link V1Decoder#CHUNK} per source; no frame is larger than what was fed.
 * Regression inputs: {@code src/test/resources/io/zconn/engine/transport/pgm/PgmReceiverFuzzTestInputs/}.
 */
class PgmReceiverFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void receiverHoldsNoMoreThanItWasSent(byte[] input) {
        long[] fed = {0};
        PgmReceiver rx = new PgmReceiver(new PgmReceiver.Listener() {
            @Override
            public void message(List<Frame> message) {
                long n = 0;
                for (Frame f : message) {
                    n += f.size();
                }
                if (n > fed[0]) {
                    throw new AssertionError("a message of " + n + " bytes from " + fed[0] + " fed");
                }
            }

            @Override
            public void lost(long tsi, long first, long count, String why) {
            }

            @Override
            public void malformed(long tsi, String why) {
            }
        }, -1);
        int pos = 0;
        while (pos < input.length) {
            if (input.length - pos < 2) {
                break;
            }
            int head = ((input[pos] & 0xff) << 8) | (input[pos + 1] & 0xff);
            pos += 2;
            int len = Math.min(head & 0x7fff, input.length - pos);
            byte[] d = java.util.Arrays.copyOfRange(input, pos, pos + len);
            pos += len;
            if ((head & 0x8000) != 0 && d.length >= 8) {
                d[4] = PgmPacket.ODATA;
                d[6] = 0;
                d[7] = 0;
            }
            fed[0] += d.length;
            rx.datagram(d, 0, d.length);
            long held = rx.heldBytes();
            if (held > fed[0] + (long) V1Decoder.CHUNK * Math.max(1, rx.sourceCount())) {
                throw new AssertionError("holds " + held + " bytes after " + fed[0] + " fed");
            }
        }
    }
}
