package io.zconn.engine.pipe;

import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpillFormatTest {
    private static byte[] records(Frame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            ByteBuffer b = SpillFormat.encode(f);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    private static List<String> texts(List<Frame> m) {
        return m.stream().map(Frame::text).toList();
    }

    @Test
    void wholeMessagesComeBackInOrderWithTheirMoreFlags() {
        byte[] file = records(Frame.of("a").withMore(true), Frame.of("b"), Frame.of(""), Frame.of("c"));
        SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(file));
        assertThat(s.stop()).isEqualTo(SpillFormat.Stop.END);
        assertThat(s.validBytes()).isEqualTo(file.length);
        assertThat(s.messages()).hasSize(3);
        assertThat(texts(s.messages().get(0))).containsExactly("a", "b");
        assertThat(s.messages().get(0).get(0).hasMore()).isTrue();
        assertThat(texts(s.messages().get(1))).containsExactly("");
        assertThat(texts(s.messages().get(2))).containsExactly("c");
    }

    @Test
    void tornTailIsDroppedAtEveryCut() {
        byte[] first = records(Frame.of("one"));
        byte[] file = records(Frame.of("one"), Frame.of("two-a").withMore(true), Frame.of("two-b"));
        for (int cut = first.length; cut < file.length; cut++) {
            SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(file, 0, cut));
            assertThat(s.stop()).as("cut at %d", cut).isEqualTo(cut == first.length ? SpillFormat.Stop.END : SpillFormat.Stop.TORN);
            assertThat(s.messages()).as("cut at %d", cut).hasSize(1);
            assertThat(texts(s.messages().get(0))).containsExactly("one");
            assertThat(s.validBytes()).isEqualTo(first.length);
        }
    }

    @Test
    void flippedPayloadBitIsCorruptionAndNothingFromThereIsDelivered() {
        byte[] first = records(Frame.of("one"));
        byte[] file = records(Frame.of("one"), Frame.of("two"), Frame.of("three"));
        for (int at = first.length; at < file.length; at++) {
            byte[] bad = file.clone();
            bad[at] ^= 0x10;
            SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(bad));
            assertThat(s.messages()).as("bit flipped at %d", at).hasSizeLessThanOrEqualTo(2);
            assertThat(texts(s.messages().get(0))).containsExactly("one");
            if (s.messages().size() == 2) {
                // the flip was in the last record: the second message must be intact
                assertThat(at).isGreaterThanOrEqualTo(first.length + records(Frame.of("two")).length);
                assertThat(texts(s.messages().get(1))).containsExactly("two");
            }
            assertThat(s.stop()).as("bit flipped at %d", at).isNotEqualTo(SpillFormat.Stop.END);
        }
    }

    @Test
    void checksumMismatchIsDetected() {
        byte[] file = records(Frame.of("payload"));
        file[file.length - 1] ^= 1;
        SpillFormat.Scan s = SpillFormat.scan(ByteBuffer.wrap(file));
        assertThat(s.stop()).isEqualTo(SpillFormat.Stop.CORRUPT);
        assertThat(s.messages()).isEmpty();
        assertThat(s.validBytes()).isZero();
    }

    @Test
    void unknownFlagBitsAreCorruption() {
        byte[] file = records(Frame.of("x"));
        file[8] = 4;
        assertThat(SpillFormat.scan(ByteBuffer.wrap(file)).stop()).isEqualTo(SpillFormat.Stop.CORRUPT);
    }
}
