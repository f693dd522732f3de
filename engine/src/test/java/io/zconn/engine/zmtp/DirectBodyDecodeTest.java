package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large bodies received into a {@link BodyPool}: lent read-only frames with the right bytes, their
 * buffers reused only once released, never while the application can reach them, and bounded.
 */
class DirectBodyDecodeTest {
    private final RecordingSink sink = new RecordingSink();
    private final List<Frame> frames = sink.frames;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuf encoded(byte[] body, boolean more) {
        ByteBuf out = Unpooled.buffer(body.length + 9);
        FrameEncoder.encode(Frame.wrap(body, more), out);
        return out;
    }

    private static void decodeIn(FrameDecoder d, ByteBuf wire, int piece) {
        while (wire.isReadable()) {
            d.decode(wire.readSlice(Math.min(piece, wire.readableBytes())));
        }
    }

    @Test
    void wholeBodyIsLentReadOnlyFromThePool() {
        BodyPool pool = new BodyPool(1 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        byte[] body = random(65536, 1);
        d.decode(encoded(body, true));
        Frame f = frames.get(0);
        assertThat(f.isLent()).isTrue();
        assertThat(f.hasMore()).isTrue();
        assertThat(f.buffer().isDirect()).isTrue();
        assertThat(f.buffer().isReadOnly()).isTrue();
        assertThat(f.data()).isEqualTo(body);
        assertThat(pool.liveBytes()).isEqualTo(65536);
    }

    @Test
    void smallBodiesStayArrays() {
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(new BodyPool(1 << 20));
        d.decode(encoded(random(BodyPool.MIN_BODY - 1, 2), false));
        assertThat(frames.get(0).hasArray()).isTrue();
        assertThat(frames.get(0).isLent()).isFalse();
    }

    @Test
    void releasedBufferServesTheNextBodyAndOnlyThen() {
        BodyPool pool = new BodyPool(1 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        d.decode(encoded(random(20000, 3), false));
        d.decode(encoded(random(20000, 4), false));
        assertThat(pool.liveBytes()).as("two lent 32 KiB buffers").isEqualTo(2 * 32768);
        byte[] second = frames.get(1).data();
        frames.get(0).release();
        byte[] third = random(20000, 5);
        d.decode(encoded(third, false));
        assertThat(pool.liveBytes()).as("the released one was reused").isEqualTo(2 * 32768);
        assertThat(frames.get(2).data()).isEqualTo(third);
        assertThat(frames.get(1).data()).as("the unreleased frame is untouched").isEqualTo(second);
    }

    @Test
    void streamedBodiesComeOutWholeWhateverTheSplit() {
        BodyPool pool = new BodyPool(16 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        byte[] small = random(40000, 6);
        byte[] big = random((1 << 20) + 7, 7);
        for (int piece : new int[] {1000, 65536, 4096}) {
            frames.clear();
            ByteBuf wire = Unpooled.buffer().writeBytes(encoded(small, true)).writeBytes(encoded(big, false));
            decodeIn(d, wire, piece);
            assertThat(frames).hasSize(2);
            assertThat(frames.get(0).isLent()).isTrue();
            assertThat(frames.get(0).data()).isEqualTo(small);
            assertThat(frames.get(1).isLent()).isTrue();
            assertThat(frames.get(1).hasMore()).isFalse();
            assertThat(frames.get(1).data()).isEqualTo(big);
            frames.forEach(Frame::release); // the next round's big body then streams into the idle buffer
        }
        assertThat(pool.liveBytes()).as("one 64 KiB and one 2 MiB buffer, reused").isEqualTo(65536 + (2 << 20));
    }

    @Test
    void announcedSizeTakesNoNewBufferBeforeItsBytesArrive() {
        BodyPool pool = new BodyPool(64 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        ByteBuf header = Unpooled.buffer(9).writeByte(2).writeLong(BodyPool.MAX_BODY);
        d.decode(header.writeBytes(new byte[10]));
        assertThat(d.inFrame()).isTrue();
        assertThat(pool.liveBytes()).as("no 16 MiB buffer for 10 bytes").isZero();
        assertThat(d.heldBytes()).isLessThanOrEqualTo(FrameDecoder.CHUNK);
    }

    @Test
    void poolAtItsLimitFallsBackToArrays() {
        BodyPool pool = new BodyPool(65536);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        d.decode(encoded(random(65536, 8), false));
        byte[] next = random(65536, 9);
        d.decode(encoded(next, false));
        assertThat(frames.get(0).isLent()).isTrue();
        assertThat(frames.get(1).isLent()).isFalse();
        assertThat(frames.get(1).hasArray()).isTrue();
        assertThat(frames.get(1).data()).isEqualTo(next);
        assertThat(pool.liveBytes()).isEqualTo(65536);
    }

    @Test
    void forgottenFrameIsFreedByTheCollectorAndNeverReusedWhileAViewIsReachable() {
        BodyPool pool = new BodyPool(1 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        byte[] body = random(65536, 10);
        d.decode(encoded(body, false));
        ByteBuffer view = frames.get(0).buffer();
        frames.clear(); // the frame is forgotten, never released; only a view of it stays
        for (int i = 0; i < 5; i++) {
            System.gc();
            d.decode(encoded(random(65536, 11 + i), false));
            frames.forEach(Frame::release);
            frames.clear();
            byte[] seen = new byte[body.length];
            view.duplicate().get(seen);
            assertThat(seen).as("the view's memory was not handed out again").isEqualTo(body);
        }
        view = null;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return pool.liveBytes() == 65536; // the forgotten buffer collected, the released one idle
        });
    }
    // ---- reads straight into a body (FrameDecoder.readTarget) ----------------------------------

    /** Decodes {@code wire} as a connection would read it: into the decoder's target when it has one. */
    private static int decodeReadingIntoTargets(FrameDecoder d, ByteBuf wire, int firstRead) {
        int targets = 0;
        d.decode(wire.readSlice(Math.min(firstRead, wire.readableBytes())));
        while (wire.isReadable()) {
            ByteBuf t = d.readTarget();
            if (t == null) {
                d.decode(wire.readSlice(Math.min(65536, wire.readableBytes())));
                continue;
            }
            targets++;
            // a socket read of less than asked for, as loopback gives: 200,000 bytes at most
            t.writeBytes(wire, Math.min(Math.min(t.writableBytes(), 200_000), wire.readableBytes()));
            d.decode(t);
            t.release();
        }
        return targets;
    }

    @Test
    void bodyIsCompletedByReadsIntoItsOwnBufferWithoutAnotherBuffer() {
        BodyPool pool = new BodyPool(16 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        byte[] big = random((1 << 20) + 3, 20);
        d.decode(encoded(random((1 << 20) + 1, 21), false)); // a 2 MiB buffer, as the next body's
        frames.get(0).release(); // its buffer is idle: the next body of that class starts in it
        frames.clear();
        ByteBuf wire = Unpooled.buffer().writeBytes(encoded(big, true)).writeBytes(encoded(random(10, 22), false));
        int targets = decodeReadingIntoTargets(d, wire, 20_000);
        assertThat(targets).as("reads went into the body").isGreaterThan(1);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).isLent()).isTrue();
        assertThat(frames.get(0).hasMore()).isTrue();
        assertThat(frames.get(0).data()).isEqualTo(big);
        assertThat(frames.get(1).size()).isEqualTo(10);
        assertThat(pool.liveBytes()).as("only the one 2 MiB buffer").isEqualTo(2 << 20);
    }

    @Test
    void readTargetEndsExactlyAtTheBodysLastByte() {
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(new BodyPool(16 << 20));
        int size = 60_000;
        ByteBuf wire = encoded(random(size, 23), false);
        d.decode(wire.readSlice(9 + 1000)); // at most a chunk: the body takes its buffer as it starts
        ByteBuf t = d.readTarget();
        assertThat(t).isNotNull();
        assertThat(t.readableBytes()).isZero();
        assertThat(t.writableBytes()).as("the missing bytes, not a byte of the next frame")
                .isEqualTo(size - 1000);
        assertThat(t.maxWritableBytes()).isEqualTo(size - 1000);
    }

    @Test
    void noReadTargetForAHeaderOrABodyHoldingNoDirectBuffer() {
        BodyPool pool = new BodyPool(64 << 20);
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(pool);
        ByteBuf header = Unpooled.buffer(9).writeByte(2).writeLong(BodyPool.MAX_BODY);
        d.decode(header);
        assertThat(d.readTarget()).as("nothing of the body arrived").isNull();
        d.decode(Unpooled.wrappedBuffer(new byte[10]));
        assertThat(d.readTarget()).as("no idle buffer: the body is in chunks, none taken for it").isNull();
        assertThat(pool.liveBytes()).isZero();
        assertThat(new FrameDecoder(-1, sink).readTarget()).as("heap bodies").isNull();
    }

    @Test
    void bodyNearlyCompleteReadsAsUsual() {
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(new BodyPool(16 << 20));
        int size = 30_000;
        ByteBuf wire = encoded(random(size, 24), false);
        d.decode(wire.readSlice(9 + size - FrameDecoder.READ_TARGET_MIN + 1));
        assertThat(d.readTarget()).as("less than a target's worth missing").isNull();
    }

    @Test
    void targetNotReadIntoLeavesTheBodyAsItWas() {
        FrameDecoder d = new FrameDecoder(-1, sink).directBodies(new BodyPool(16 << 20));
        byte[] body = random(50_000, 25);
        ByteBuf wire = encoded(body, false);
        d.decode(wire.readSlice(9 + 5000));
        ByteBuf unused = d.readTarget();
        assertThat(unused).isNotNull();
        unused.release(); // a read that found nothing
        d.decode(wire.readSlice(wire.readableBytes())); // the next read came in a buffer of Netty's
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).data()).isEqualTo(body);
    }
}
