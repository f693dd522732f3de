package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs of short data frames are decoded from a plain array (the buffer's own, or a scratch copy of
 * a direct buffer): they must come out exactly as the general path gives them, in order with the
 * commands and long frames between them, however the bytes are split, and consume exactly the
 * frames delivered when the sink pushes back.
 */
class SmallFrameRunTest {
    /** What the sink saw, in order: "F<more>:<hex>" for a frame, "C:<name>" for a command. */
    private final List<String> events = new ArrayList<>();
    /** Stop (return false) after this many frames in total; -1: never. */
    private int stopAfter = -1;

    private final FrameDecoder.Sink sink = new FrameDecoder.Sink() {
        @Override
        public boolean onFrame(Frame frame) {
            events.add("F" + (frame.hasMore() ? "+" : "") + ":" + hex(frame.data()));
            return stopAfter < 0 || frames() < stopAfter;
        }

        @Override
        public boolean onCommand(Command command) {
            events.add("C:" + command.getClass().getSimpleName());
            return true;
        }
    };

    private int frames() {
        return (int) events.stream().filter(e -> e.startsWith("F")).count();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    private static byte[] body(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static void shortFrame(ByteBuf out, byte[] body, boolean more) {
        out.writeByte(more ? 1 : 0).writeByte(body.length).writeBytes(body);
    }

    private static void longFrame(ByteBuf out, byte[] body) {
        out.writeByte(2).writeLong(body.length).writeBytes(body);
    }

    private static void ping(ByteBuf out) {
        FrameEncoder.encodeCommand(new Command.Ping(0, new byte[0]), out);
    }

    /**
     * A mixed stream: short frames of 0 to 255 bytes (some with MORE), long frames, a PING; and the
     * events the decoder must give for it.
     */
    private static byte[] mixedStream(List<String> expected, int frames, long seed) {
        Random rnd = new Random(seed);
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < frames; i++) {
            int pick = rnd.nextInt(20);
            if (pick == 0) {
                ping(out);
                expected.add("C:Ping");
            } else if (pick == 1) {
                byte[] b = body(300 + rnd.nextInt(500), i);
                longFrame(out, b);
                expected.add("F:" + hex(b));
            } else {
                int size = pick == 2 ? 255 : pick == 3 ? 0 : rnd.nextInt(70);
                boolean more = rnd.nextInt(4) == 0;
                byte[] b = body(size, i);
                shortFrame(out, b, more);
                expected.add("F" + (more ? "+" : "") + ":" + hex(b));
            }
        }
        byte[] all = new byte[out.readableBytes()];
        out.readBytes(all);
        return all;
    }

    /** Decodes {@code stream} handed over in the given pieces, into a heap or a direct buffer. */
    private void decodeInPieces(byte[] stream, boolean direct, int... cuts) {
        FrameDecoder d = new FrameDecoder(-1, sink, FrameDecoder.Subscriptions.AS_COMMANDS);
        ByteBuf cum = direct ? Unpooled.directBuffer(stream.length) : Unpooled.buffer(stream.length);
        try {
            int from = 0;
            for (int cut : cuts) {
                cum.writeBytes(stream, from, cut - from);
                d.decode(cum);
                from = cut;
            }
            cum.writeBytes(stream, from, stream.length - from);
            d.decode(cum);
            assertThat(cum.readableBytes()).as("bytes left undecoded").isZero();
        } finally {
            cum.release();
        }
    }

    @Test
    void manyShortFramesInOneChunkComeOutInOrderWithTheirFlags() {
        for (boolean direct : new boolean[] {false, true}) {
            events.clear();
            List<String> expected = new ArrayList<>();
            ByteBuf out = Unpooled.buffer();
            for (int i = 0; i < 1000; i++) {
                byte[] b = body(i % 3 == 0 ? 64 : i % 256, i);
                boolean more = i % 5 == 1;
                shortFrame(out, b, more);
                expected.add("F" + (more ? "+" : "") + ":" + hex(b));
            }
            byte[] stream = new byte[out.readableBytes()];
            out.readBytes(stream);
            assertThat(stream.length).as("longer than the scratch window").isGreaterThan(10 * FrameDecoder.SCRATCH);
            decodeInPieces(stream, direct);
            assertThat(events).as(direct ? "direct" : "heap").isEqualTo(expected);
        }
    }

    @Test
    void commandsAndLongFramesBetweenShortFramesKeepTheirPlace() {
        for (boolean direct : new boolean[] {false, true}) {
            events.clear();
            List<String> expected = new ArrayList<>();
            byte[] stream = mixedStream(expected, 400, 7);
            decodeInPieces(stream, direct);
            assertThat(events).as(direct ? "direct" : "heap").isEqualTo(expected);
        }
    }

    @Test
    void streamSplitAtEveryByteOffsetDecodesTheSame() {
        List<String> expected = new ArrayList<>();
        byte[] stream = mixedStream(expected, 40, 11);
        for (boolean direct : new boolean[] {false, true}) {
            for (int cut = 1; cut < stream.length; cut++) {
                events.clear();
                decodeInPieces(stream, direct, cut);
                assertThat(events).as("split at %d (%s)", cut, direct ? "direct" : "heap").isEqualTo(expected);
            }
        }
    }

    @Test
    void streamHandedOverInRandomPiecesDecodesTheSame() {
        Random rnd = new Random(3);
        for (int round = 0; round < 50; round++) {
            List<String> expected = new ArrayList<>();
            byte[] stream = mixedStream(expected, 300, round);
            int[] cuts = rnd.ints(1 + rnd.nextInt(30), 1, stream.length).sorted().distinct().toArray();
            events.clear();
            decodeInPieces(stream, round % 2 == 0, cuts);
            assertThat(events).as("round %d, cuts %s", round, Arrays.toString(cuts)).isEqualTo(expected);
        }
    }

    @Test
    void backPressureConsumesExactlyTheFramesDelivered() {
        for (boolean direct : new boolean[] {false, true}) {
            events.clear();
            ByteBuf in = direct ? Unpooled.directBuffer() : Unpooled.buffer();
            for (int i = 0; i < 100; i++) {
                shortFrame(in, body(64, i), false);
            }
            FrameDecoder d = new FrameDecoder(-1, sink);
            stopAfter = 10;
            d.decode(in);
            assertThat(frames()).isEqualTo(10);
            assertThat(in.readerIndex()).as("consumed").isEqualTo(10 * 66);
            stopAfter = -1;
            d.decode(in);
            assertThat(frames()).isEqualTo(100);
            assertThat(in.isReadable()).isFalse();
            assertThat(events.get(10)).isEqualTo("F:" + hex(body(64, 10)));
            in.release();
        }
    }

    @Test
    void shortFrameOverMaxMsgSizeInARunIsRefusedAfterTheFramesBeforeIt() {
        for (boolean direct : new boolean[] {false, true}) {
            events.clear();
            ByteBuf in = direct ? Unpooled.directBuffer() : Unpooled.buffer();
            for (int i = 0; i < 20; i++) {
                shortFrame(in, body(10, i), false);
            }
            shortFrame(in, body(11, 99), false);
            shortFrame(in, body(1, 100), false);
            FrameDecoder d = new FrameDecoder(10, sink);
            assertThatThrownBy(() -> d.decode(in)).isInstanceOf(ZmqException.class)
                    .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EMSGSIZE));
            assertThat(frames()).isEqualTo(20);
            in.release();
        }
    }

    @Test
    void incompleteShortFrameAtTheEndWaitsForItsBytes() {
        ByteBuf in = Unpooled.directBuffer();
        for (int i = 0; i < 30; i++) {
            shortFrame(in, body(40, i), false);
        }
        in.writeByte(0).writeByte(40).writeBytes(body(39, 30)); // one byte short
        FrameDecoder d = new FrameDecoder(-1, sink);
        d.decode(in);
        assertThat(frames()).isEqualTo(30);
        assertThat(in.readableBytes()).isEqualTo(41);
        in.writeBytes(body(40, 30), 39, 1);
        d.decode(in);
        assertThat(frames()).isEqualTo(31);
        assertThat(events.get(30)).isEqualTo("F:" + hex(body(40, 30)));
        in.release();
    }

    @Test
    void dataFrameDuringTheHandshakeIsStillRefused() {
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < 20; i++) {
            shortFrame(in, body(4, i), false);
        }
        FrameDecoder d = FrameDecoder.forHandshake(-1, sink);
        assertThatThrownBy(() -> d.decode(in)).isInstanceOf(ZmtpException.class);
        assertThat(frames()).isZero();
    }
}
