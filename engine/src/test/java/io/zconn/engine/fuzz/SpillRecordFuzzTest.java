package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zconn.engine.Frame;
import io.zconn.engine.pipe.SpillFormat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the SWAP record reader ({@link SpillFormat#scan}). Input layout: byte 0 picks the mode.
 * <ul>
 *   <li>even: the rest is a spill file's bytes, as found on disk. Properties: no exception;
 *       the messages read, encoded again, are exactly the first {@code validBytes} bytes (nothing
 *       is handed on that was not written as it is read); {@code END} only when every byte was
 *       used.</li>
 *   <li>odd: the rest describes messages (byte: frame count and sizes) that are encoded, then one
 *       damage is done (byte 1: cut at a position, or flip one bit). Properties: what is read is a
 *       prefix of the messages written, each whole and equal; an undamaged file reads back
 *       entirely.</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/SpillRecordFuzzTestInputs/}.
 */
class SpillRecordFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void recordsAreReadWholeOrNotAtAll(byte[] input) {
        if (input.length == 0) {
            return;
        }
        if ((input[0] & 1) == 0) {
            raw(Arrays.copyOfRange(input, 1, input.length));
        } else {
            damaged(input);
        }
    }

    private static byte[] encode(List<List<Frame>> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<Frame> m : messages) {
            for (Frame f : m) {
                ByteBuffer b = SpillFormat.encode(f);
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toByteArray();
    }

    private static void raw(byte[] file) {
        SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(file));
        check(s.validBytes() >= 0 && s.validBytes() <= file.length, "validBytes in range");
        byte[] again = encode(s.messages());
        check(Arrays.equals(again, Arrays.copyOf(file, (int) s.validBytes())),
                "the messages read are exactly the bytes they came from");
        check((s.stop() == SpillFormat.Stop.END) == (s.validBytes() == file.length), "END iff all was read");
        for (List<Frame> m : s.messages()) {
            check(!m.isEmpty() && !m.get(m.size() - 1).hasMore(), "messages are whole");
        }
    }

    private static void damaged(byte[] input) {
        int damage = input.length > 1 ? input[1] & 0xff : 0;
        List<List<Frame>> written = new ArrayList<>();
        int pos = 2;
        while (pos < input.length && written.size() < 16) {
            int frames = 1 + (input[pos++] & 3);
            List<Frame> m = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                int size = pos < input.length ? input[pos++] & 0x3f : 0;
                byte[] payload = new byte[size];
                for (int j = 0; j < size; j++) {
                    payload[j] = (byte) (pos + j);
                }
                m.add(Frame.wrap(payload, i < frames - 1));
            }
            written.add(m);
        }
        byte[] file = encode(written);
        SpillFormat.Scan intact = SpillFormat.scan(ByteBuffer.wrap(file));
        check(intact.stop() == SpillFormat.Stop.END && intact.messages().size() == written.size(),
                "an undamaged file reads back entirely");
        if (file.length == 0) {
            return;
        }
        byte[] bad;
        if ((damage & 1) == 0) {
            bad = Arrays.copyOf(file, (damage * 7919) % file.length);
        } else {
            bad = file.clone();
            int at = (damage * 7919) % file.length;
            bad[at] ^= (byte) (1 << ((damage >> 1) & 7));
        }
        SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(bad));
        check(s.messages().size() <= written.size(), "no more messages than written");
        for (int i = 0; i < s.messages().size(); i++) {
            List<Frame> got = s.messages().get(i);
            List<Frame> want = written.get(i);
            check(got.size() == want.size(), "message " + i + " whole");
            for (int j = 0; j < got.size(); j++) {
                check(Arrays.equals(got.get(j).data(), want.get(j).data())
                        && got.get(j).hasMore() == want.get(j).hasMore(), "frame " + j + " of message " + i + " intact");
            }
        }
        if ((damage & 1) == 1) {
            check(s.messages().size() < written.size(), "a flipped bit is never read past");
        }
    }
}
