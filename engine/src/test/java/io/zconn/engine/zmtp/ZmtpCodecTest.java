package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZmtpCodecTest {
    private final RecordingSink sink = new RecordingSink();
    private final List<Frame> frames = sink.frames;
    private final List<Command> commands = sink.commands;

    private static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), a);
        return a;
    }

    @Test
    void greetingHasTheSpecifiedLayoutAndRoundTrips() {
        ByteBuf b = Unpooled.buffer();
        new Greeting(3, 1, "NULL", false).encode(b);
        byte[] a = bytes(b);
        assertThat(a).hasSize(64);
        assertThat(a[0]).isEqualTo((byte) 0xFF);
        assertThat(a[9]).isEqualTo((byte) 0x7F);
        assertThat(a[10]).isEqualTo((byte) 3);
        assertThat(a[11]).isEqualTo((byte) 1);
        assertThat(new String(a, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("NULL");
        assertThat(a[16]).isZero();
        assertThat(Greeting.decode(b)).isEqualTo(new Greeting(3, 1, "NULL", false));
    }

    @Test
    void wrongSignatureIsRejectedAtTheFirstByte() {
        assertThatThrownBy(() -> Greeting.checkSignature(Unpooled.wrappedBuffer(new byte[] {'G'})))
                .isInstanceOf(ZmtpException.class).hasMessageContaining("signature");
    }

    @Test
    void refusalGivesTheReasonCheckSignatureThrowsWithoutConsuming() {
        ByteBuf good = Unpooled.buffer();
        new Greeting(3, 1, "NULL", false).encode(good);
        assertThat(Greeting.refusal(good.slice(0, 0))).isNull();
        assertThat(Greeting.refusal(good)).isNull();
        ByteBuf bad = Unpooled.wrappedBuffer(new byte[] {'G', 'E', 'T'});
        assertThat(Greeting.refusal(bad)).contains("signature").contains("0x47");
        assertThat(bad.readerIndex()).isZero();
        assertThatThrownBy(() -> Greeting.checkSignature(bad)).isInstanceOf(ZmtpException.class)
                .hasMessageEndingWith(Greeting.refusal(bad));
        good.setByte(10, 2);
        assertThat(Greeting.refusal(good.slice(0, 10))).isNull();
        assertThat(Greeting.refusal(good.slice(0, 11))).contains("unsupported ZMTP version 2");
    }

    @Test
    void zmtp2GreetingIsRejected() {
        ByteBuf b = Unpooled.buffer();
        new Greeting(2, 0, "NULL", false).encode(b);
        assertThatThrownBy(() -> Greeting.decode(b)).hasMessageContaining("unsupported ZMTP version");
    }

    @Test
    void shortAndLongFramesSwitchAt256Bytes() {
        ByteBuf b = Unpooled.buffer();
        FrameEncoder.encode(Frame.wrap(new byte[255], true), b);
        assertThat(b.getByte(0)).isEqualTo((byte) 1);
        assertThat(b.getUnsignedByte(1)).isEqualTo((short) 255);
        assertThat(b.readableBytes()).isEqualTo(2 + 255);
        b.clear();
        FrameEncoder.encode(Frame.wrap(new byte[256]), b);
        assertThat(b.getByte(0)).isEqualTo((byte) 2);
        assertThat(b.getLong(1)).isEqualTo(256L);
        assertThat(b.readableBytes()).isEqualTo(9 + 256);
    }

    @Test
    void decoderReassemblesFramesSplitAtEveryByte() {
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("hello").withMore(true), wire);
        FrameEncoder.encode(Frame.wrap(new byte[300]), wire);
        FrameEncoder.encodeCommand(new Command.Ping(10, "ctx".getBytes(StandardCharsets.US_ASCII)), wire);
        byte[] all = bytes(wire);
        FrameDecoder d = new FrameDecoder(-1, sink);
        ByteBuf acc = Unpooled.buffer();
        for (byte x : all) {
            acc.writeByte(x);
            d.decode(acc);
        }
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).text()).isEqualTo("hello");
        assertThat(frames.get(0).hasMore()).isTrue();
        assertThat(frames.get(1).size()).isEqualTo(300);
        assertThat(commands).singleElement().isInstanceOfSatisfying(Command.Ping.class, p -> {
            assertThat(p.ttlDeciseconds()).isEqualTo(10);
            assertThat(p.context()).isEqualTo("ctx".getBytes(StandardCharsets.US_ASCII));
        });
    }

    @Test
    void decoderFillsLargeFrameInPlaceAcrossChunksWithoutKeepingTheBytes() {
        byte[] body = new byte[100_000];
        new java.util.Random(7).nextBytes(body);
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.wrap(body, true), wire);
        FrameEncoder.encode(Frame.of("tail"), wire);
        byte[] all = bytes(wire);
        FrameDecoder d = new FrameDecoder(-1, sink);
        ByteBuf acc = Unpooled.buffer();
        for (int pos = 0; pos < all.length; ) {
            int n = Math.min(4093, all.length - pos);
            acc.writeBytes(all, pos, n);
            pos += n;
            d.decode(acc);
            if (pos < 9 + body.length) {
                // the body's bytes are taken as they come: nothing is left to accumulate
                assertThat(acc.readableBytes()).isZero();
                assertThat(d.inFrame()).isTrue();
            }
            acc.discardReadBytes();
        }
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).data()).isEqualTo(body);
        assertThat(frames.get(0).hasMore()).isTrue();
        assertThat(frames.get(1).text()).isEqualTo("tail");
        assertThat(d.inFrame()).isFalse();
    }

    @Test
    void decoderStopsWhenSinkRefusesAndResumesLater() {
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("a"), wire);
        FrameEncoder.encode(Frame.of("b"), wire);
        List<Frame> got = new ArrayList<>();
        boolean[] accept = {false};
        FrameDecoder d = new FrameDecoder(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame frame) {
                got.add(frame);
                return accept[0];
            }

            @Override
            public boolean onCommand(Command command) {
                return true;
            }
        });
        d.decode(wire);
        assertThat(got).extracting(Frame::text).containsExactly("a");
        accept[0] = true;
        d.decode(wire);
        assertThat(got).extracting(Frame::text).containsExactly("a", "b");
    }

    @Test
    void decoderRejectsOversizeFrameFromHeaderAlone() {
        ByteBuf header = Unpooled.buffer();
        header.writeByte(2);
        header.writeLong(10L * 1024 * 1024 * 1024);
        FrameDecoder d = new FrameDecoder(1 << 20, sink);
        assertThatThrownBy(() -> d.decode(header)).isInstanceOf(ZmtpException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EMSGSIZE));
    }

    @Test
    void decoderRejectsNegativeLongSize() {
        ByteBuf header = Unpooled.buffer();
        header.writeByte(2);
        header.writeLong(-1);
        assertThatThrownBy(() -> new FrameDecoder(-1, sink).decode(header)).isInstanceOf(ZmtpException.class);
    }

    @Test
    void decoderLeavesTruncatedFramePending() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0, 10, 1, 2, 3});
        new FrameDecoder(-1, sink).decode(b);
        assertThat(frames).isEmpty();
        assertThat(b.readableBytes()).isEqualTo(5);
    }

    @Test
    void commandWithMoreFlagIsAProtocolError() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {5, 5, 4, 'P', 'O', 'N', 'G'});
        assertThatThrownBy(() -> new FrameDecoder(-1, sink).decode(b)).hasMessageContaining("MORE");
    }

    @Test
    void commandsRoundTrip() {
        Map<String, byte[]> props = Metadata.newMap();
        props.put("Socket-Type", "DEALER".getBytes(StandardCharsets.US_ASCII));
        props.put("Identity", "id".getBytes(StandardCharsets.US_ASCII));
        List<Command> in = List.of(new Command.Ready(props), new Command.Error("no"),
                new Command.Subscribe("t".getBytes(StandardCharsets.US_ASCII)), new Command.Cancel(new byte[0]),
                new Command.Ping(0, new byte[16]), new Command.Pong("p".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf wire = Unpooled.buffer();
        for (Command c : in) {
            FrameEncoder.encodeCommand(c, wire);
        }
        FrameDecoder.forHandshake(-1, sink).decode(wire); // the handshake decoder keeps every command
        assertThat(commands).extracting(Command::name).containsExactly("READY", "ERROR", "SUBSCRIBE", "CANCEL", "PING", "PONG");
        Command.Ready r = (Command.Ready) commands.get(0);
        assertThat(r.properties().get("socket-type")).isEqualTo("DEALER".getBytes(StandardCharsets.US_ASCII));
        assertThat(((Command.Error) commands.get(1)).reason()).isEqualTo("no");
        assertThat(((Command.Subscribe) commands.get(2)).topic()).isEqualTo("t".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void truncatedMetadataIsRejected() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(5).writeBytes("READY".getBytes(StandardCharsets.US_ASCII)).writeByte(11).writeBytes("Socket-Type".getBytes(StandardCharsets.US_ASCII)).writeInt(100);
        assertThatThrownBy(() -> Command.parse(body)).isInstanceOf(ZmtpException.class).hasMessageContaining("truncated");
    }

    @Test
    void pingWithOversizedContextIsRejected() {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(4).writeBytes("PING".getBytes(StandardCharsets.US_ASCII)).writeShort(1).writeBytes(new byte[17]);
        assertThatThrownBy(() -> Command.parse(body)).isInstanceOf(ZmtpException.class);
    }
}
