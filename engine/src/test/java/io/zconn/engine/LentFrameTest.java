package io.zconn.engine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames over lent memory: released once, refused after release, given up when sent. */
class LentFrameTest {
    private final AtomicInteger released = new AtomicInteger();

    private Frame lent(String text) {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        b.put(text.getBytes(StandardCharsets.US_ASCII)).flip();
        return Frame.lend(b.asReadOnlyBuffer(), false, PeerMetadata.EMPTY, released::incrementAndGet);
    }

    @Test
    void releaseGivesTheMemoryBackOnce() {
        Frame f = lent("hello");
        assertThat(f.isLent()).isTrue();
        assertThat(f.hasArray()).isFalse();
        assertThat(f.text()).isEqualTo("hello");
        Frame more = f.withMore(true);
        f.release();
        more.release();
        f.close();
        assertThat(released).hasValue(1);
        assertThat(f.isLent()).isFalse();
    }

    @Test
    void frameUsedAfterReleaseIsRefused() {
        Frame f = lent("hello");
        f.release();
        assertThatThrownBy(f::data).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::buffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.byteAt(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::sent).isInstanceOf(IllegalStateException.class);
        assertThat(f).hasToString("Frame[5 bytes] (released)");
    }

    @Test
    void sendingEndsTheLoanSoReleaseNoLongerRecyclesIt() {
        Frame f = lent("forwarded");
        f.sent();
        assertThat(f.isLent()).isFalse();
        f.release();
        assertThat(released).hasValue(0);
        assertThat(f.text()).isEqualTo("forwarded"); // still readable: the connection may be writing it
    }

    @Test
    void messageCloseReleasesItsLentFrames() {
        Message m = new Message().add(lent("a").withMore(true)).add("plain").add(lent("b"));
        m.close();
        assertThat(released).hasValue(2);
    }

    @Test
    void copyToCopiesWhatFitsAndAdvancesThePosition() {
        ByteBuffer dst = ByteBuffer.allocate(3);
        assertThat(lent("hello").copyTo(dst)).isEqualTo(3);
        assertThat(dst.position()).isEqualTo(3);
        assertThat(new String(dst.array(), StandardCharsets.US_ASCII)).isEqualTo("hel");
        ByteBuffer heap = ByteBuffer.allocateDirect(16);
        heap.position(2);
        assertThat(Frame.of("abc").copyTo(heap)).isEqualTo(3);
        assertThat(heap.position()).isEqualTo(5);
        assertThat(heap.get(2)).isEqualTo((byte) 'a');
    }

    @Test
    void otherFramesHoldNothingToRelease() {
        Frame f = Frame.wrap(ByteBuffer.allocateDirect(8));
        assertThat(f.isLent()).isFalse();
        f.release();
        assertThat(f.size()).isEqualTo(8);
        assertThat(f.data()).hasSize(8);
    }
}
