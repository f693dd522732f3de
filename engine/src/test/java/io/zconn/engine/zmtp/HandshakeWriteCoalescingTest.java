package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.security.NullMechanism;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one read makes the handshake send leaves in one flush (one write system call on a real
 * connection): a connection's set-up costs fewer system calls and wake-ups of the peer.
 */
@SuppressWarnings("FutureReturnValueIgnored") // embedded channels: writes complete at once, nothing to await
class HandshakeWriteCoalescingTest {

    /** Next to the head: the writes between two flushes, as the socket would get them. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        final List<List<String>> batches = new ArrayList<>();
        private List<String> open = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf b = (ByteBuf) msg;
            open.add(describe(b));
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (!open.isEmpty()) {
                batches.add(open);
                open = new ArrayList<>();
            }
            ctx.flush();
        }

        private static String describe(ByteBuf b) {
            String text = b.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("READY")) {
                return "READY";
            }
            if (text.endsWith("data")) {
                return "data";
            }
            return "greeting:" + b.readableBytes();
        }
    }

    /** Writes a data frame as soon as the handshake succeeds, as an engine with queued messages does. */
    private static final class SendsAtOnce implements HandshakeListener {
        PeerInfo peer;
        ZmqException failure;

        @Override
        public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peer) {
            this.peer = peer;
            ByteBuf out = ctx.alloc().buffer();
            FrameEncoder.encode(io.zconn.engine.Frame.of("data"), out);
            ctx.channel().writeAndFlush(out);
        }

        @Override
        public void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause) {
            failure = cause; // closing an unfinished handshake ends here
        }
    }

    private static ByteBuf peerGreetingAndReady(String socketType) {
        ByteBuf all = Unpooled.buffer();
        new Greeting(3, 1, "NULL", false).encode(all);
        var props = Metadata.newMap();
        props.put("Socket-Type", socketType.getBytes(StandardCharsets.US_ASCII));
        props.put("Identity", new byte[0]);
        FrameEncoder.encodeCommand(new Command.Ready(props), all);
        return all;
    }

    private static void drain(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ((ByteBuf) m).release();
        }
    }

    @Test
    void aWholePeerGreetingWithReadyIsAnsweredInOneFlush() {
        Flushes flushes = new Flushes();
        SendsAtOnce listener = new SendsAtOnce();
        HandshakeConfig cfg = new HandshakeConfig(SocketType.DEALER, new byte[0], NullMechanism.PROVIDER, false, -1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(flushes, new ZmtpHandshakeHandler(cfg, listener));
        assertThat(flushes.batches).containsExactly(List.of("greeting:10")); // the signature, at once

        ch.writeInbound(peerGreetingAndReady("ROUTER"));

        assertThat(listener.failure).isNull();
        assertThat(listener.peer).isNotNull();
        // the greeting's major version alone (see process), then its rest, our READY and the first
        // data in one flush, not three
        assertThat(flushes.batches).hasSize(3);
        assertThat(flushes.batches.get(1)).containsExactly("greeting:1");
        assertThat(flushes.batches.get(2)).containsExactly("greeting:53", "READY", "data");
        drain(ch);
        ch.finishAndReleaseAll();
    }

    @Test
    void thePeerSignatureAloneIsAnsweredAtOnce() {
        Flushes flushes = new Flushes();
        HandshakeConfig cfg = new HandshakeConfig(SocketType.DEALER, new byte[0], NullMechanism.PROVIDER, false, -1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(flushes, new ZmtpHandshakeHandler(cfg, new SendsAtOnce()));
        ByteBuf g = Unpooled.buffer();
        new Greeting(3, 1, "NULL", false).encode(g);

        ch.writeInbound(g.readRetainedSlice(Greeting.SIGNATURE_SIZE));

        // nothing waits for a later read: the major version is on its way
        assertThat(flushes.batches).containsExactly(List.of("greeting:10"), List.of("greeting:1"));
        g.release();
        drain(ch);
        ch.finishAndReleaseAll();
    }
}
