package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a peer's bytes can make the decoder hold: never more than they are (plus one 64 KiB chunk),
 * whatever a header announces; large bodies still come out whole and right however they are split.
 */
class FrameDecoderBoundsTest {
    private static final long GIB = 1L << 30;

    private final RecordingSink sink = new RecordingSink();
    private final List<Frame> frames = sink.frames;
    private final List<Command> commands = sink.commands;
    private final List<String> discarded = sink.discarded;

    /** Bytes allocated so far by this thread (the decoder runs inline on it). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static ByteBuf longHeader(int flags, long size) {
        return Unpooled.buffer(9).writeByte(flags | 2).writeLong(size);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    @Test
    void headerAnnouncingOneGibAllocatesNothingBig() {
        FrameDecoder d = new FrameDecoder(-1, sink);
        ByteBuf in = longHeader(0, GIB).writeBytes(new byte[10]);
        allocated(); // warm the MXBean up
        long before = allocated();
        d.decode(in);
        long used = allocated() - before;
        assertThat(d.inFrame()).isTrue();
        assertThat(used).as("bytes allocated for a 1 GiB header and 10 bytes").isLessThan(256 * 1024);
        assertThat(d.heldBytes()).isLessThanOrEqualTo(10 + FrameDecoder.CHUNK);
    }

    @Test
    void heldBytesFollowWhatArrivedNotWhatWasAnnounced() {
        FrameDecoder d = new FrameDecoder(-1, sink);
        d.decode(longHeader(0, GIB));
        byte[] chunk = new byte[10_000];
        long received = 0;
        for (int i = 0; i < 300; i++) {
            d.decode(Unpooled.wrappedBuffer(chunk));
            received += chunk.length;
            assertThat(d.heldBytes()).isLessThanOrEqualTo(received + FrameDecoder.CHUNK);
        }
        assertThat(frames).isEmpty();
    }

    @Test
    void hugeCommandAnnouncedInTheHeaderAllocatesNothingBig() {
        FrameDecoder d = FrameDecoder.forHandshake(-1, sink);
        ByteBuf in = longHeader(4, GIB).writeByte(5).writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        long before = allocated();
        d.decode(in);
        assertThat(allocated() - before).isLessThan(256 * 1024);
        assertThat(d.inFrame()).isTrue();
    }

    @Test
    void largeBodiesAreReassembledWhenFedOneByteAtATime() {
        Random r = new Random(42);
        byte[] big = new byte[3 * FrameDecoder.CHUNK + 123]; // several chunks, a partial last one
        byte[] mid = new byte[FrameDecoder.STREAM_THRESHOLD + 5]; // one exact-size array
        byte[] topic = new byte[FrameDecoder.CHUNK + 77];
        r.nextBytes(big);
        r.nextBytes(mid);
        r.nextBytes(topic);
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.wrap(big, true), wire);
        FrameEncoder.encode(Frame.wrap(mid), wire);
        FrameEncoder.encodeCommand(new Command.Subscribe(topic), wire);
        FrameEncoder.encodeCommand(new Command.Ping(3, "c".getBytes(StandardCharsets.US_ASCII)), wire);
        FrameEncoder.encode(Frame.of("tail"), wire);
        byte[] all = bytes(wire);

        FrameDecoder d = new FrameDecoder(-1, sink, FrameDecoder.Subscriptions.AS_FRAMES);
        ByteBuf acc = Unpooled.buffer();
        for (byte x : all) {
            acc.writeByte(x);
            d.decode(acc);
            acc.discardReadBytes();
            // nothing of a large body waits in the caller's buffer: at most a header and a name
            assertThat(acc.readableBytes()).isLessThanOrEqualTo(9 + 256);
        }
        assertThat(frames).hasSize(4);
        assertThat(frames.get(0).data()).isEqualTo(big);
        assertThat(frames.get(0).hasMore()).isTrue();
        assertThat(frames.get(1).data()).isEqualTo(mid);
        byte[] sub = frames.get(2).data();
        assertThat(sub[0]).isEqualTo((byte) 1);
        assertThat(java.util.Arrays.copyOfRange(sub, 1, sub.length)).isEqualTo(topic);
        assertThat(frames.get(3).text()).isEqualTo("tail");
        assertThat(commands).singleElement().isInstanceOf(Command.Ping.class);
    }

    @Test
    void streamedFrameIsRightWhateverByteItIsSplitAt() {
        byte[] body = new byte[FrameDecoder.STREAM_THRESHOLD + 300];
        new Random(1).nextBytes(body);
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("a"), wire);
        FrameEncoder.encode(Frame.wrap(body), wire);
        FrameEncoder.encode(Frame.of("z"), wire);
        byte[] all = bytes(wire);
        for (int split = 0; split <= all.length; split++) {
            frames.clear();
            FrameDecoder d = new FrameDecoder(-1, sink);
            ByteBuf acc = Unpooled.buffer();
            acc.writeBytes(all, 0, split);
            d.decode(acc);
            acc.writeBytes(all, split, all.length - split);
            d.decode(acc);
            assertThat(frames).as("split at %d", split).hasSize(3);
            assertThat(frames.get(1).data()).as("split at %d", split).isEqualTo(body);
            assertThat(frames.get(2).text()).isEqualTo("z");
        }
    }

    @Test
    void commandOf64MibInChunksOf64KibAllocatesLinearly() {
        int size = 64 << 20;
        FrameDecoder d = FrameDecoder.forHandshake(-1, sink);
        byte[] name = "X-BIG".getBytes(StandardCharsets.US_ASCII);
        ByteBuf head = longHeader(4, size).writeByte(name.length).writeBytes(name);
        byte[] chunk = new byte[64 * 1024];
        long before = allocated();
        d.decode(head);
        long left = size - 1L - name.length;
        while (left > 0) {
            int n = (int) Math.min(left, chunk.length);
            d.decode(Unpooled.wrappedBuffer(chunk, 0, n));
            left -= n;
        }
        long used = allocated() - before;
        assertThat(commands).singleElement().isInstanceOfSatisfying(Command.Unknown.class,
                c -> assertThat(c.data()).hasSize(size - 1 - name.length));
        assertThat(used).as("bytes allocated to receive a 64 MiB command").isLessThan(4L * size);
    }

    @Test
    void unusedCommandsAreDroppedAsTheyArriveWhateverTheirSize() {
        FrameDecoder d = new FrameDecoder(-1, sink, FrameDecoder.Subscriptions.DISCARD);
        byte[] name = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);
        int size = 32 << 20;
        ByteBuf head = longHeader(4, size).writeByte(name.length).writeBytes(name);
        byte[] chunk = new byte[64 * 1024];
        long before = allocated();
        d.decode(head);
        long left = size - 1L - name.length;
        while (left > 0) {
            int n = (int) Math.min(left, chunk.length);
            d.decode(Unpooled.wrappedBuffer(chunk, 0, n));
            assertThat(d.heldBytes()).isZero();
            left -= n;
        }
        ByteBuf tail = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("after"), tail);
        d.decode(tail);
        assertThat(allocated() - before).isLessThan(8L << 20);
        assertThat(discarded).containsExactly("SUBSCRIBE");
        assertThat(frames).extracting(Frame::text).containsExactly("after");
    }

    @Test
    void readyAfterTheHandshakeAndUnknownCommandsAreIgnored() {
        ByteBuf wire = Unpooled.buffer();
        var props = Metadata.newMap();
        props.put("Socket-Type", "PUSH".getBytes(StandardCharsets.US_ASCII));
        FrameEncoder.encodeCommand(new Command.Ready(props), wire);
        FrameEncoder.encodeCommand(new Command.Unknown("HELLO", new byte[20_000]), wire);
        FrameEncoder.encode(Frame.of("x"), wire);
        new FrameDecoder(-1, sink).decode(wire);
        assertThat(discarded).containsExactly("READY", "HELLO");
        assertThat(commands).isEmpty();
        assertThat(frames).extracting(Frame::text).containsExactly("x");
    }

    @Test
    void pingAnnouncingMoreThanItsFormatAllowsIsRefusedFromItsHeader() {
        ByteBuf in = longHeader(4, 100_000).writeByte(4).writeBytes("PING".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> new FrameDecoder(-1, sink).decode(in))
                .isInstanceOf(ZmtpException.class).hasMessageContaining("PING");
    }

    @Test
    void subscriptionInsideAMultipartMessageIsAProtocolError() {
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("part").withMore(true), wire);
        FrameEncoder.encodeCommand(new Command.Subscribe("t".getBytes(StandardCharsets.US_ASCII)), wire);
        FrameDecoder d = new FrameDecoder(-1, sink, FrameDecoder.Subscriptions.AS_FRAMES);
        assertThatThrownBy(() -> d.decode(wire)).isInstanceOf(ZmtpException.class).hasMessageContaining("multipart");
    }

    @Test
    void subscriptionsAsFramesStopDecodingWhenTheSinkPushesBack() {
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encodeCommand(new Command.Subscribe("a".getBytes(StandardCharsets.US_ASCII)), wire);
        FrameEncoder.encodeCommand(new Command.Cancel("b".getBytes(StandardCharsets.US_ASCII)), wire);
        List<Frame> got = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame frame) {
                got.add(frame);
                return false;
            }

            @Override
            public boolean onCommand(Command command) {
                return true;
            }
        }, FrameDecoder.Subscriptions.AS_FRAMES);
        d.decode(wire);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).data()).containsExactly(1, 'a');
        d.decode(wire);
        assertThat(got.get(1).data()).containsExactly(0, 'b');
    }

    @Test
    void readyWithThousandsOfPropertiesCostsAboutItsOwnSize() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(5).writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        body.writeByte(11).writeBytes("Socket-Type".getBytes(StandardCharsets.US_ASCII)).writeInt(4)
                .writeBytes("PUSH".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 7000; i++) {
            byte[] n = String.format("%04x", i).getBytes(StandardCharsets.US_ASCII);
            body.writeByte(n.length).writeBytes(n).writeInt(0);
        }
        int size = body.readableBytes();
        ByteBuf wire = Unpooled.buffer();
        wire.writeByte(6).writeLong(size).writeBytes(body);
        FrameDecoder d = FrameDecoder.forHandshake(-1, sink);
        long before = allocated();
        d.decode(wire);
        long used = allocated() - before;
        Command.Ready ready = (Command.Ready) commands.get(0);
        assertThat(ready.properties().get("socket-type")).isEqualTo("PUSH".getBytes(StandardCharsets.US_ASCII));
        assertThat(ready.properties().get("1B57")).isEqualTo(new byte[0]);
        assertThat(used).as("bytes allocated to parse %d bytes of metadata", size).isLessThan(4L * size);
    }
}
