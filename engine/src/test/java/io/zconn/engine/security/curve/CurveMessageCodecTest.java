package io.zconn.engine.security.curve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.zmtp.ZmtpException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CURVE's data phase on EmbeddedChannels: a client codec seals what a server codec opens. Every
 * refusal closes the channel and delivers nothing.
 */
class CurveMessageCodecTest {
    private final CurveKeyPair c = Curve.generateKeyPair();
    private final CurveKeyPair s = Curve.generateKeyPair();

    private EmbeddedChannel client(long max) throws Exception {
        return new EmbeddedChannel(new CurveMessageCodec(CryptoBox.between(c.secretKey(), s.publicKey()),
                new CurveNonces(), true, max));
    }

    private EmbeddedChannel server(long max) throws Exception {
        return new EmbeddedChannel(new CurveMessageCodec(CryptoBox.between(s.secretKey(), c.publicKey()),
                new CurveNonces(), false, max));
    }

    /** A plain ZMTP frame as the engine writes it. */
    private static ByteBuf frame(int flags, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        if (body.length > 255) {
            b.writeByte(flags | 0x02).writeLong(body.length);
        } else {
            b.writeByte(flags).writeByte(body.length);
        }
        return b.writeBytes(body);
    }

    /** What the client puts on the wire for the given plain frames. */
    private static byte[] sealed(EmbeddedChannel client, ByteBuf... frames) {
        for (ByteBuf f : frames) {
            client.writeOutbound(f);
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf m;
        while ((m = client.readOutbound()) != null) {
            all.writeBytes(m);
            m.release();
        }
        byte[] out = ByteBufUtil.getBytes(all);
        all.release();
        return out;
    }

    private static byte[] received(EmbeddedChannel server) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf m;
        while ((m = server.readInbound()) != null) {
            all.writeBytes(m);
            m.release();
        }
        byte[] out = ByteBufUtil.getBytes(all);
        all.release();
        return out;
    }

    private static byte[] bytes(ByteBuf... frames) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf f : frames) {
            all.writeBytes(f.duplicate());
        }
        byte[] out = ByteBufUtil.getBytes(all);
        all.release();
        return out;
    }

    @Test
    void framesWithMoreCommandAndLongBodiesCrossInUnflaggedFramesAsLibzmqSendsThem() throws Exception {
        EmbeddedChannel cl = client(-1);
        EmbeddedChannel sv = server(-1);
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) 7);
        ByteBuf[] plain = {frame(0x01, "head".getBytes(StandardCharsets.US_ASCII)), frame(0x00, big),
            frame(0x04, "\u0009SUBSCRIBEtopic".getBytes(StandardCharsets.US_ASCII)), frame(0x00, new byte[0])};
        byte[] expected = bytes(plain);
        byte[] wire = sealed(cl, plain);
        // the first MESSAGE: a short frame with no flags (libzmq 4.3 reads a command-flagged one as a command)
        assertThat(wire[0]).isEqualTo((byte) 0);
        assertThat(new String(wire, 2, 8, StandardCharsets.US_ASCII)).isEqualTo("\u0007MESSAGE");
        sv.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(received(sv)).isEqualTo(expected);
        assertThat(sv.isOpen()).isTrue();
    }

    @Test
    void theCodecsBoxesAreTheReferenceBoxesUnderLibzmqsMessageNoncesBothWays() throws Exception {
        CryptoBox reference = CryptoBox.between(c.secretKey(), s.publicKey());
        byte[] first = new byte[200];
        Arrays.fill(first, (byte) 3);
        byte[] second = new byte[1500];
        Arrays.fill(second, (byte) 9);
        byte[] wire = sealed(client(-1), frame(0x01, first), frame(0x00, second));
        int at = 0;
        long expectedCounter = 1;
        for (byte[] body : new byte[][] {first, second}) {
            boolean isLong = (wire[at] & 0x02) != 0;
            int size = isLong ? (int) Unpooled.wrappedBuffer(wire).getLong(at + 1) : wire[at + 1] & 0xff;
            int command = at + (isLong ? 9 : 2);
            long counter = CurveNonces.counter(wire, command + 8);
            assertThat(counter).isEqualTo(expectedCounter++);
            byte[] nonce = CurveNonces.shortNonce("CurveZMQMESSAGEC", counter);
            byte[] plain = reference.open(nonce, wire, command + 16, size - 16);
            assertThat(plain).isNotNull();
            assertThat(plain[0]).isEqualTo(body == first ? (byte) 0x01 : (byte) 0x00); // the box's more flag
            assertThat(Arrays.copyOfRange(plain, 1, plain.length)).isEqualTo(body);
            at = command + size;
        }
        assertThat(at).isEqualTo(wire.length);

        // and a MESSAGE sealed by the reference path (as libzmq builds it) opens in the server codec
        byte[] plain = new byte[1 + first.length];
        System.arraycopy(first, 0, plain, 1, first.length);
        byte[] box = reference.seal(CurveNonces.shortNonce("CurveZMQMESSAGEC", 5), plain, 0, plain.length);
        ByteBuf message = Unpooled.buffer().writeBytes("\u0007MESSAGE".getBytes(StandardCharsets.US_ASCII))
                .writeLong(5).writeBytes(box);
        EmbeddedChannel sv = server(-1);
        sv.writeInbound(Unpooled.buffer().writeByte(0).writeByte(message.readableBytes()).writeBytes(message));
        assertThat(received(sv)).isEqualTo(bytes(frame(0x00, first)));
        assertThat(sv.isOpen()).isTrue();
    }

    @Test
    void theFramesOfOneWriteLeaveInOneBufferAndTheMessagesOfOneReadGoUpInOne() throws Exception {
        EmbeddedChannel cl = client(-1);
        EmbeddedChannel sv = server(-1);
        ByteBuf plain = Unpooled.buffer();
        for (int i = 0; i < 50; i++) {
            plain.writeBytes(frame(i % 2, new byte[i * 10]));
        }
        byte[] expected = bytes(plain);
        cl.writeOutbound(plain);
        assertThat(cl.outboundMessages()).hasSize(1); // one buffer, one write: not one per frame
        byte[] wire = sealed(cl);
        sv.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(sv.inboundMessages()).hasSize(1); // the engine decodes them and wakes the socket once
        assertThat(received(sv)).isEqualTo(expected);
    }

    @Test
    void messagesSplitAcrossReadsAreReassembled() throws Exception {
        EmbeddedChannel cl = client(-1);
        EmbeddedChannel sv = server(-1);
        ByteBuf[] plain = {frame(0x01, "a".getBytes(StandardCharsets.US_ASCII)), frame(0x00, new byte[300])};
        byte[] expected = bytes(plain);
        byte[] wire = sealed(cl, plain);
        for (byte b : wire) {
            sv.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(received(sv)).isEqualTo(expected);
    }

    @Test
    void aCommandFlaggedMessageIsAcceptedToo() throws Exception {
        EmbeddedChannel cl = client(-1);
        EmbeddedChannel sv = server(-1);
        byte[] wire = sealed(cl, frame(0x00, "x".getBytes(StandardCharsets.US_ASCII)));
        wire[0] = (byte) (wire[0] | 0x04);
        sv.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(received(sv)).isEqualTo(new byte[] {0, 1, 'x'});
    }

    private static void refused(EmbeddedChannel sv, byte[] wire) {
        assertThatThrownBy(() -> sv.writeInbound(Unpooled.wrappedBuffer(wire))).isInstanceOf(ZmtpException.class);
        assertThat(sv.isOpen()).isFalse();
        Object delivered = sv.readInbound();
        assertThat(delivered).isNull();
    }

    @Test
    void aTamperedBoxClosesTheChannel() throws Exception {
        byte[] wire = sealed(client(-1), frame(0x00, "secret".getBytes(StandardCharsets.US_ASCII)));
        wire[wire.length - 1] = (byte) (wire[wire.length - 1] ^ 1);
        refused(server(-1), wire);
    }

    @Test
    void aReplayedNonceClosesTheChannelAfterTheOriginalIsDelivered() throws Exception {
        EmbeddedChannel sv = server(-1);
        byte[] wire = sealed(client(-1), frame(0x00, "once".getBytes(StandardCharsets.US_ASCII)));
        sv.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(received(sv)).hasSize(2 + 4);
        refused(sv, wire);
    }

    @Test
    void aMessageAboveMaxMsgSizeIsRefusedFromItsHeaderAlone() throws Exception {
        byte[] wire = sealed(client(-1), frame(0x00, new byte[1000]));
        assertThat(wire[0]).isEqualTo((byte) 0x02); // long frame: the size is in the first 9 bytes
        refused(server(999), Arrays.copyOf(wire, 9));
        EmbeddedChannel fits = server(1000);
        fits.writeInbound(Unpooled.wrappedBuffer(wire));
        assertThat(received(fits)).hasSize(9 + 1000);
    }

    @Test
    void aCommandOtherThanMessageClosesTheChannel() throws Exception {
        byte[] body = new byte[40];
        System.arraycopy("\u0005HELLO".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 6);
        ByteBuf f = frame(0x04, body);
        refused(server(-1), ByteBufUtil.getBytes(f));
        f.release();
    }

    @Test
    void aMultipartFrameAfterTheHandshakeClosesTheChannel() throws Exception {
        byte[] wire = sealed(client(-1), frame(0x00, "x".getBytes(StandardCharsets.US_ASCII)));
        wire[0] = (byte) (wire[0] | 0x01);
        refused(server(-1), wire);
    }

    @Test
    void aTruncatedMessageBodyClosesTheChannel() throws Exception {
        byte[] body = "\u0007MESSAGE12345678".getBytes(StandardCharsets.US_ASCII);
        ByteBuf f = frame(0x00, body);
        refused(server(-1), ByteBufUtil.getBytes(f));
        f.release();
    }
}
