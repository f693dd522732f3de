package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Options;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link RawEngine} on an {@link EmbeddedChannel}: raw bytes in and out, the connect and
 * disconnect notices, RCVHWM back-pressure through autoRead, and closing on the socket's request.
 */
class RawEngineTest {
    private final Options opts = new Options();
    private Pipe socketEnd;
    private Pipe closedWith;
    private boolean closedCalled;

    private EmbeddedChannel connected() {
        SessionOwner owner = new SessionOwner() {
            @Override
            public Pipe pipeFor(Channel channel, PeerInfo peer) {
                assertThat(peer.routingId()).isEmpty();
                Pipe[] pair = Pipe.pair(opts.sndHwm(), opts.rcvHwm());
                socketEnd = pair[0];
                return pair[1];
            }

            @Override
            public void closed(Channel channel, Pipe pipe) {
                closedCalled = true;
                closedWith = pipe;
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        new RawEngine(opts, owner).install(ch);
        register(ch); // becomes active: the engine takes its pipe
        return ch;
    }

    private static void register(EmbeddedChannel ch) {
        try {
            ch.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Reads the socket end's frames as text ("" for a notice, "<end>" for the delimiter). */
    @SuppressWarnings("ReferenceEquality")
    private List<String> socketReads() {
        List<String> out = new ArrayList<>();
        Frame f;
        while ((f = socketEnd.read()) != null) {
            out.add(f == Pipe.DELIMITER ? "<end>" : f.text());
            assertThat(f.hasMore()).isFalse();
        }
        return out;
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void connectNoticeComesBeforeTheFirstBytesAndEachReadIsOneFrame() {
        EmbeddedChannel ch = connected();
        assertThat(RawEngine.hasPipe(ch)).isTrue();
        ch.writeInbound(bytes("GET / HTTP/1.0\r\n"));
        ch.writeInbound(bytes("\r\n"));
        assertThat(socketReads()).containsExactly("", "GET / HTTP/1.0\r\n", "\r\n");
    }

    @Test
    void withoutStreamNotifyOnlyDataArrives() {
        opts.put(ZmqOption.STREAM_NOTIFY, false);
        EmbeddedChannel ch = connected();
        ch.writeInbound(bytes("x"));
        ch.close().syncUninterruptibly();
        assertThat(socketReads()).containsExactly("x");
    }

    @Test
    void framesTheSocketSendsAreWrittenAsTheyAre() {
        EmbeddedChannel ch = connected();
        socketEnd.write(Frame.of("HTTP/1.0 200 OK\r\n\r\n"));
        socketEnd.write(Frame.of("body"));
        socketEnd.flush();
        ch.runPendingTasks();
        assertThat(written(ch)).isEqualTo("HTTP/1.0 200 OK\r\n\r\nbody");
    }

    @Test
    void peerClosingDeliversWhatArrivedThenTheDisconnectNotice() {
        EmbeddedChannel ch = connected();
        ch.writeInbound(bytes("last words"));
        ch.close().syncUninterruptibly();
        assertThat(socketReads()).containsExactly("", "last words", "");
        assertThat(closedCalled).isTrue();
        assertThat(closedWith).isNotNull();
    }

    @Test
    void readingStopsAtRcvhwmAndResumesWhenTheSocketReads() {
        opts.put(ZmqOption.RCVHWM, 3);
        EmbeddedChannel ch = connected(); // the connect notice is the first of the 3
        ch.writeInbound(bytes("a"));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(bytes("b"));
        assertThat(ch.config().isAutoRead()).as("pipe full: no more reads").isFalse();
        // chunks Netty still hands over are held, not queued past the HWM
        ch.writeInbound(bytes("c"));
        assertThat(socketEnd.checkRead()).isTrue();
        assertThat(socketReads()).containsExactly("", "a", "b");
        ch.runPendingTasks(); // the reader's wake-up: held chunk first, then reading again
        assertThat(socketReads()).containsExactly("c");
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void heldChunksAndTheNoticeStillArriveWhenThePeerClosesWhileThePipeIsFull() {
        opts.put(ZmqOption.RCVHWM, 2);
        EmbeddedChannel ch = connected();
        ch.writeInbound(bytes("a"));
        ch.writeInbound(bytes("b"));
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.close().syncUninterruptibly();
        assertThat(socketReads()).containsExactly("", "a", "b", "");
    }

    @Test
    void socketEndingThePipeWritesWhatItQueuedThenCloses() {
        EmbeddedChannel ch = connected();
        socketEnd.write(Frame.of("response"));
        socketEnd.flush();
        socketEnd.terminate(); // STREAM sent [id, empty]
        ch.runPendingTasks();
        assertThat(written(ch)).isEqualTo("response");
        assertThat(ch.isOpen()).isFalse();
        // no disconnect notice for a close the socket asked for: it no longer reads this pipe
        assertThat(socketReads()).containsExactly("");
    }

    @Test
    void socketEndingThePipeWithLingerClosesOnceWritten() {
        opts.put(ZmqOption.LINGER, 1000);
        EmbeddedChannel ch = connected();
        socketEnd.write(Frame.of("queued"));
        socketEnd.flush();
        socketEnd.terminate();
        ch.runPendingTasks();
        assertThat(written(ch)).isEqualTo("queued");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void refusedConnectionIsClosed() {
        SessionOwner refusing = new SessionOwner() {
            @Override
            public Pipe pipeFor(Channel channel, PeerInfo peer) {
                return null;
            }

            @Override
            public void closed(Channel channel, Pipe pipe) {
                closedCalled = true;
                closedWith = pipe;
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        new RawEngine(opts, refusing).install(ch);
        register(ch);
        assertThat(ch.isOpen()).isFalse();
        assertThat(closedCalled).isTrue();
        assertThat(closedWith).isNull();
        assertThat(RawEngine.hasPipe(ch)).isFalse();
    }
}
