package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Options;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.FrameEncoder;
import io.zconn.engine.zmtp.Greeting;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.PeerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link ZmtpEngine} on an {@link EmbeddedChannel} (everything runs on the test thread, so the
 * thread's allocation counter measures the engine): what a peer's bytes cost it, how subscriptions
 * meet the HWM, and what an operator sees when a connection is dropped.
 */
class ZmtpEngineBoundsTest {
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger engineLog = Logger.getLogger(ZmtpEngine.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private Pipe socketEnd;

    ZmtpEngineBoundsTest() {
        engineLog.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        engineLog.removeHandler(capture);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** An engine of {@code type} whose handshake with a {@code peerType} peer has completed. */
    private EmbeddedChannel connected(SocketType type, String peerType, Options opts) {
        SessionOwner owner = new SessionOwner() {
            @Override
            public Pipe pipeFor(ZmtpEngine engine, PeerInfo peer) {
                Pipe[] pair = Pipe.pair(opts.sndHwm(), opts.rcvHwm());
                socketEnd = pair[0];
                socketEnd.setEvents(new Pipe.Events() {
                    @Override
                    public void readActivated(Pipe pipe) {
                    }

                    @Override
                    public void writeActivated(Pipe pipe) {
                    }

                    @Override
                    public void terminated(Pipe pipe) {
                    }
                });
                return pair[1];
            }

            @Override
            public void closed(ZmtpEngine engine, Pipe pipe) {
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel();
        new ZmtpEngine(type, opts, owner).install(ch, false);
        ByteBuf in = Unpooled.buffer();
        new Greeting(3, 1, "NULL", false).encode(in);
        var props = Metadata.newMap();
        props.put("Socket-Type", peerType.getBytes(StandardCharsets.US_ASCII));
        FrameEncoder.encodeCommand(new Command.Ready(props), in);
        ch.writeInbound(in);
        assertThat(socketEnd).as("handshake completed").isNotNull();
        drainOutbound(ch);
        return ch;
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ((ByteBuf) m).release();
        }
    }

    private List<Frame> readAll() {
        List<Frame> got = new ArrayList<>();
        Frame f;
        while ((f = socketEnd.read()) != null) {
            got.add(f);
        }
        return got;
    }

    private List<LogRecord> records(Level level) {
        synchronized (logged) {
            return logged.stream().filter(r -> level.equals(r.getLevel())).toList();
        }
    }

    @Test
    void unknownCommandOf128MibIsDroppedAsItArrivesAtLinearCost() {
        EmbeddedChannel ch = connected(SocketType.PULL, "PUSH", new Options());
        int size = 128 << 20;
        ByteBuf head = Unpooled.buffer().writeByte(6).writeLong(size).writeByte(4)
                .writeBytes("XYZW".getBytes(StandardCharsets.US_ASCII));
        byte[] zeros = new byte[64 * 1024];
        long before = allocated();
        long t0 = System.nanoTime();
        ch.writeInbound(head);
        for (long left = size - 5L; left > 0; left -= zeros.length) {
            ch.writeInbound(Unpooled.wrappedBuffer(zeros, 0, (int) Math.min(left, zeros.length)));
        }
        ByteBuf tail = Unpooled.buffer();
        FrameEncoder.encode(Frame.of("after"), tail);
        ch.writeInbound(tail);
        long used = allocated() - before;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("128 MiB unknown command: %d bytes allocated, %d ms%n", used, ms);
        assertThat(readAll()).extracting(Frame::text).containsExactly("after");
        assertThat(used).as("bytes allocated while a 128 MiB command arrived").isLessThan(16L << 20);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void subscribeOnAPullIsDroppedNotDeliveredAsAMessage() {
        EmbeddedChannel ch = connected(SocketType.PULL, "PUSH", new Options());
        ByteBuf in = Unpooled.buffer();
        FrameEncoder.encodeCommand(new Command.Subscribe("topic".getBytes(StandardCharsets.US_ASCII)), in);
        FrameEncoder.encodeCommand(new Command.Cancel("topic".getBytes(StandardCharsets.US_ASCII)), in);
        FrameEncoder.encode(Frame.of("data"), in);
        ch.writeInbound(in);
        assertThat(readAll()).extracting(Frame::text).containsExactly("data");
    }

    @Test
    void subscriptionsCountAgainstTheReceiveHwmOfAnXpub() {
        Options opts = new Options();
        opts.put(ZmqOption.RCVHWM, 10);
        EmbeddedChannel ch = connected(SocketType.XPUB, "SUB", opts);
        ByteBuf flood = Unpooled.buffer();
        for (int i = 0; i < 1000; i++) {
            FrameEncoder.encodeCommand(new Command.Subscribe(("t" + i).getBytes(StandardCharsets.US_ASCII)), flood);
        }
        ch.writeInbound(flood);
        List<Frame> first = readAll();
        assertThat(first.size()).as("subscriptions let in before reading stalls").isBetween(1, 11);
        assertThat(ch.config().isAutoRead()).isFalse();
        // the socket reads: the engine resumes where it stopped, in order, nothing lost
        List<Frame> all = new ArrayList<>(first);
        for (int round = 0; round < 2000 && all.size() < 1000; round++) {
            ch.runPendingTasks();
            all.addAll(readAll());
        }
        assertThat(all).hasSize(1000);
        assertThat(all.get(999).data()).isEqualTo("\u0001t999".getBytes(StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void droppedConnectionIsLoggedOnceAtWarningWithThePeerAndTheReason() {
        Options opts = new Options();
        opts.put(ZmqOption.MAXMSGSIZE, 100L);
        EmbeddedChannel ch = connected(SocketType.PULL, "PUSH", opts);
        ByteBuf in = Unpooled.buffer();
        FrameEncoder.encode(Frame.wrap(new byte[500]), in);
        FrameEncoder.encode(Frame.wrap(new byte[500]), in);
        ch.writeInbound(in);
        assertThat(ch.isActive()).isFalse();
        List<LogRecord> warnings = records(Level.WARNING);
        assertThat(warnings).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("exceeds the limit of 100").contains(String.valueOf(ch.remoteAddress())));
    }

    @Test
    void errorOnTheConnectionIsLoggedAtErrorAndClosesIt() {
        EmbeddedChannel ch = connected(SocketType.PULL, "PUSH", new Options());
        ch.pipeline().fireExceptionCaught(new OutOfMemoryError("simulated"));
        assertThat(ch.isActive()).isFalse();
        assertThat(records(Level.SEVERE)).singleElement()
                .satisfies(r -> assertThat(r.getThrown()).isInstanceOf(OutOfMemoryError.class));
        assertThat(records(Level.WARNING)).singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains("simulated"));
    }
}
