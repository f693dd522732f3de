package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.security.NullMechanism;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two handshake handlers on EmbeddedChannels, wired to each other by copying outbound bytes. */
class HandshakeHandlerTest {

    static final class Outcome implements HandshakeListener {
        PeerInfo peer;
        ZmqException failure;
        final List<ByteBuf> after = new ArrayList<>();

        @Override
        public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peer) {
            this.peer = peer;
            ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    after.add((ByteBuf) msg);
                }
            });
        }

        @Override
        public void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause) {
            this.failure = cause;
        }
    }

    private static EmbeddedChannel channel(SocketType type, String id, Outcome o) {
        HandshakeConfig cfg = new HandshakeConfig(type, id.getBytes(StandardCharsets.US_ASCII), NullMechanism.PROVIDER, false, -1, 0);
        return new EmbeddedChannel(new ZmtpHandshakeHandler(cfg, o));
    }

    /** Moves everything each side wrote to the other until both are quiet. */
    private static void pump(EmbeddedChannel a, EmbeddedChannel b) {
        boolean moved = true;
        while (moved) {
            moved = false;
            Object m;
            while ((m = a.readOutbound()) != null) {
                if (b.isActive()) {
                    b.writeInbound(m);
                } else {
                    ((ByteBuf) m).release();
                }
                moved = true;
            }
            while ((m = b.readOutbound()) != null) {
                if (a.isActive()) {
                    a.writeInbound(m);
                } else {
                    ((ByteBuf) m).release();
                }
                moved = true;
            }
        }
    }

    @Test
    void compatiblePeersCompleteTheHandshakeAndSeeEachOther() {
        Outcome oa = new Outcome();
        Outcome ob = new Outcome();
        EmbeddedChannel a = channel(SocketType.DEALER, "left", oa);
        EmbeddedChannel b = channel(SocketType.ROUTER, "", ob);
        pump(a, b);
        assertThat(oa.failure).isNull();
        assertThat(ob.peer.socketType()).isEqualTo("DEALER");
        assertThat(ob.peer.routingId()).isEqualTo("left".getBytes(StandardCharsets.US_ASCII));
        assertThat(oa.peer.socketType()).isEqualTo("ROUTER");
        assertThat(oa.peer.minorVersion()).isEqualTo(1);
        assertThat(a.pipeline().get(ZmtpHandshakeHandler.class)).isNull();
    }

    @Test
    void incompatiblePeersFailAndTheRefusalIsSentAsError() {
        Outcome oa = new Outcome();
        Outcome ob = new Outcome();
        EmbeddedChannel a = channel(SocketType.PUSH, "", oa);
        EmbeddedChannel b = channel(SocketType.PUSH, "", ob);
        pump(a, b);
        assertThat(oa.failure).hasMessageContaining("incompatible socket type PUSH");
        assertThat(ob.failure).isNotNull();
        assertThat(a.isActive()).isFalse();
    }

    @Test
    void mechanismMismatchFails() {
        Outcome o = new Outcome();
        EmbeddedChannel a = channel(SocketType.PULL, "", o);
        a.readOutbound();
        ByteBuf g = a.alloc().buffer();
        new Greeting(3, 1, "PLAIN", false).encode(g);
        a.writeInbound(g);
        assertThat(o.failure).hasMessageContaining("mechanism mismatch");
        assertThat(a.isActive()).isFalse();
    }

    @Test
    void bytesAfterTheHandshakeReachTheNextHandler() {
        Outcome ob = new Outcome();
        EmbeddedChannel b = channel(SocketType.PULL, "", ob);
        // a peer's whole greeting, READY and a data frame arrive at b in one read
        ByteBuf all = b.alloc().buffer();
        new Greeting(3, 1, "NULL", false).encode(all);
        var props = Metadata.newMap();
        props.put("Socket-Type", "PUSH".getBytes(StandardCharsets.US_ASCII));
        FrameEncoder.encodeCommand(new Command.Ready(props), all);
        FrameEncoder.encode(io.zconn.engine.Frame.of("early"), all);
        b.writeInbound(all);
        assertThat(ob.peer).isNotNull();
        assertThat(ob.after).hasSize(1);
        assertThat(ob.after.get(0).toString(java.nio.charset.StandardCharsets.US_ASCII)).endsWith("early");
        ob.after.forEach(ByteBuf::release);
    }

    @Test
    void dataFrameDuringHandshakeFails() {
        Outcome o = new Outcome();
        EmbeddedChannel a = channel(SocketType.PULL, "", o);
        ByteBuf in = a.alloc().buffer();
        new Greeting(3, 1, "NULL", false).encode(in);
        FrameEncoder.encode(io.zconn.engine.Frame.of("too early"), in);
        a.writeInbound(in);
        assertThat(o.failure).hasMessageContaining("data frame before the handshake");
    }

    @Test
    void sendsSignatureFirstAndTheRestOnlyAfterThePeersSignature() {
        Outcome o = new Outcome();
        EmbeddedChannel a = channel(SocketType.PULL, "", o);
        ByteBuf first = a.readOutbound();
        assertThat(first.readableBytes()).isEqualTo(Greeting.SIGNATURE_SIZE);
        first.release();
        assertThat(a.<Object>readOutbound()).isNull();
        ByteBuf peer = a.alloc().buffer();
        new Greeting(3, 1, "NULL", false).encode(peer);
        a.writeInbound(peer.readRetainedSlice(Greeting.SIGNATURE_SIZE));
        ByteBuf rest = a.readOutbound();
        assertThat(rest.readableBytes()).isEqualTo(Greeting.SIZE - Greeting.SIGNATURE_SIZE);
        rest.release();
        peer.release();
    }

    /** A peer's greeting, and a READY with a Socket-Type and one extra property of {@code padding} bytes. */
    private static ByteBuf greetingAndReady(ByteBuf out, String type, int padding) {
        new Greeting(3, 1, "NULL", false).encode(out);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int body = 1 + 5 + (1 + 11 + 4 + t.length) + (1 + 5 + 4 + padding);
        out.writeByte(6).writeLong(body);
        out.writeByte(5).writeBytes("READY".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeByte(11).writeBytes("Socket-Type".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .writeInt(t.length).writeBytes(t);
        out.writeByte(5).writeBytes("X-Pad".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).writeInt(padding);
        return out;
    }

    @Test
    void readyOf169KibIsAcceptedAsLibzmqDoes() {
        Outcome o = new Outcome();
        EmbeddedChannel a = channel(SocketType.PULL, "", o);
        ByteBuf in = greetingAndReady(a.alloc().buffer(), "PUSH", 169 * 1024);
        in.writeZero(169 * 1024);
        a.writeInbound(in);
        assertThat(o.failure).isNull();
        assertThat(o.peer.socketType()).isEqualTo("PUSH");
        assertThat(o.peer.properties().get("x-pad")).hasSize(169 * 1024);
    }

    @Test
    void readyOverMaxMsgSizeIsRefusedFromItsHeader() {
        Outcome o = new Outcome();
        HandshakeConfig cfg = new HandshakeConfig(SocketType.PULL, new byte[0], NullMechanism.PROVIDER, false, 1000, 0);
        EmbeddedChannel a = new EmbeddedChannel(new ZmtpHandshakeHandler(cfg, o));
        a.writeInbound(greetingAndReady(a.alloc().buffer(), "PUSH", 2000));
        assertThat(o.failure).isInstanceOf(ZmtpException.class).hasMessageContaining("exceeds the limit of 1000");
        assertThat(a.isActive()).isFalse();
    }

    @Test
    void readyOf64MibFedIn64KibChunksCostsLinearMemory() {
        int padding = 64 << 20;
        Outcome o = new Outcome();
        EmbeddedChannel a = channel(SocketType.PULL, "", o);
        byte[] zeros = new byte[64 * 1024];
        long before = FrameDecoderBoundsTest.allocated();
        a.writeInbound(greetingAndReady(a.alloc().buffer(), "PUSH", padding));
        for (int left = padding; left > 0; left -= zeros.length) {
            a.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(zeros, 0, Math.min(left, zeros.length)));
        }
        long used = FrameDecoderBoundsTest.allocated() - before;
        assertThat(o.failure).isNull();
        assertThat(o.peer.socketType()).isEqualTo("PUSH");
        assertThat(used).as("bytes allocated to receive a 64 MiB READY").isLessThan(4L * padding);
    }

    @Test
    void handshakeTimesOutAfterItsInterval() {
        Outcome o = new Outcome();
        HandshakeConfig cfg = new HandshakeConfig(SocketType.PULL, new byte[0], NullMechanism.PROVIDER, false, -1, 200);
        EmbeddedChannel a = new EmbeddedChannel(new ZmtpHandshakeHandler(cfg, o));
        a.advanceTimeBy(150, java.util.concurrent.TimeUnit.MILLISECONDS);
        a.runScheduledPendingTasks();
        assertThat(a.isActive()).isTrue();
        a.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        a.runScheduledPendingTasks();
        assertThat(o.failure).isInstanceOf(ZmtpException.class).hasMessageContaining("timed out");
        assertThat(a.isActive()).isFalse();
    }
}
