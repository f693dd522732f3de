package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.SocketSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every console command, called on the command object with its output captured. */
class ZconnCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    /** The peers' own context: their connections are real tcp connections to the managed sockets. */
    private final Context peers = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);
    private final ZconnCommands commands = new ZconnCommands(manager);
    private final ExecutorService console = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-console"));

    @AfterEach
    void tearDown() throws InterruptedException {
        console.shutdownNow();
        assertThat(console.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        manager.closeAll();
        peers.close();
        context.close();
    }

    private String bindPull(String name) {
        manager.open(SocketSpec.builder(name, SocketType.PULL).bind("tcp://127.0.0.1:*").build(),
                SocketManager.FROM_CONFIGURATION);
        return manager.managed(name).orElseThrow().boundEndpoints().get(0);
    }

    @Test
    void listShowsEachSocketWithItsStateAndEndpoints() {
        String ep = bindPull("in");
        assertThat(commands.list()).contains("NAME").containsPattern("in +PULL +ACTIVE +0 +" + ep.replace(".", "\\."));
    }

    @Test
    void sendSendsOneFramePerArgumentAndSaysWhenItCannot() {
        manager.open(SocketSpec.builder("out", SocketType.PUSH).bind("inproc://cmd-out").option(ZmqOption.SNDHWM, 1)
                .build(), SocketManager.FROM_CONFIGURATION);
        assertThat(commands.send("nowhere", "x")).isEqualTo("no active socket named 'nowhere'");
        assertThat(commands.send("out")).startsWith("nothing to send");
        try (Socket peer = context.socket(SocketType.PULL)) {
            peer.connect("inproc://cmd-out");
            assertThat(commands.send("out", "a", "b")).isEqualTo("sent 2 frame(s) on 'out'");
            assertThat(peer.recvMessage(WAIT).get(1).text()).isEqualTo("b");
        }
        assertThat(commands.stats()).containsPattern("out +ACTIVE +\\S+ +0 +0 +0 +0 +0 +1 ");
    }

    @Test
    void statsShowsPeersNowAndOneRowPerKnownPeer() {
        String ep = bindPull("in");
        assertThat(commands.stats()).containsPattern("in +ACTIVE +0 +0 ").doesNotContain("  peer ");
        try (Socket peer = peers.socket(SocketType.PUSH)) {
            peer.connect(ep);
            await().atMost(WAIT).until(() -> commands.stats().contains("  peer tcp://127.0.0.1:"));
            String stats = commands.stats();
            assertThat(stats).containsPattern("in +ACTIVE +1 +0 ").containsPattern("  peer tcp://127\\.0\\.0\\.1:\\d+ on "
                    + ep.replace(".", "\\.") + " since \\S+");
            assertThat(commands.stats("in")).isEqualTo(stats);
        }
        await().atMost(WAIT).until(() -> !commands.stats().contains("  peer "));
        assertThat(commands.stats()).containsPattern("in +ACTIVE +0 +0 +0 +0 +0 +0 +0 +0 +1 +0");
        assertThat(commands.stats("other")).isEqualTo("no socket named 'other'");
    }

    @Test
    void statsPeerRowShowsWhatThatPeerSentAndWhatIsStillQueued() {
        String ep = bindPull("in");
        try (Socket peer = peers.socket(SocketType.PUSH)) {
            peer.connect(ep);
            for (int i = 0; i < 3; i++) {
                assertThat(peer.send(Message.of("abcd"), WAIT)).isTrue();
            }
            // nobody reads "in": the three messages stay queued in its pipe from this peer
            await().atMost(WAIT).until(() -> commands.stats().contains(" in=3 "));
            assertThat(commands.stats()).containsPattern("  peer tcp://127\\.0\\.0\\.1:\\d+ on " + ep.replace(".", "\\.")
                    + " since \\S+ in=3 in-bytes=12 out=0 out-bytes=0 queued-in=3 hwm-in=\\d+ queued-out=0 hwm-out=\\d+"
                    + " hwm-drops=0 refused=0");
        }
    }

    @Test
    void statsPeerRowShowsWhatWaitsInTheSpillFileWhileThereIsAny(@TempDir Path swapDir) {
        manager.open(SocketSpec.builder("out", SocketType.PUSH).bind("inproc://cmd-spill")
                .option(ZmqOption.SNDHWM, 1).option(ZmqOption.SWAP, 1L << 20).option(ZmqOption.SWAP_DIR, swapDir)
                .build(), SocketManager.FROM_CONFIGURATION);
        try (Socket peer = context.socket(SocketType.PULL)) {
            peer.setOption(ZmqOption.RCVHWM, 1);
            peer.connect("inproc://cmd-spill");
            assertThat(commands.stats()).contains("  peer inproc://cmd-spill").doesNotContain("spilled=");
            for (int i = 0; i < 10; i++) {
                assertThat(commands.send("out", "abc")).startsWith("sent");
            }
            // the peer does not read: past the inproc HWM (1 + 1) the messages wait on disk
            assertThat(commands.stats()).contains(" queued-out=10 hwm-out=2 hwm-drops=0 refused=0"
                    + " spilled=8 spilled-bytes=24" + System.lineSeparator());
            for (int i = 0; i < 10; i++) {
                assertThat(peer.recvMessage(WAIT)).isNotNull();
            }
            assertThat(commands.stats()).contains("  peer inproc://cmd-spill").doesNotContain("spilled=");
        }
    }

    @Test
    void aPeerRowShowsMessagesLostFromACorruptSpillFileOnlyWhenThereAreAny() {
        PeerMetrics clean = new PeerMetrics("tcp://h:1", "", null, "", true, 0, 0, 5, 5, 0, 0, 1, 1, 0, 0);
        assertThat(ZconnCommands.figures(clean)).doesNotContainKeys("spilled", "spilled-bytes", "spill-lost");
        PeerMetrics lost = new PeerMetrics("tcp://h:1", "", null, "", true, 0, 0, 5, 5, 0, 0, 1, 1, 0, 0,
                0, 0, 4, 3);
        assertThat(ZconnCommands.figures(lost)).containsEntry("spill-lost", 3L).doesNotContainKey("spilled");
    }

    @Test
    void statsShowsInprocPeersAndTheSocketsRefusedSends() {
        manager.open(SocketSpec.builder("out", SocketType.PUSH).bind("inproc://cmd-stats").build(),
                SocketManager.FROM_CONFIGURATION);
        assertThat(commands.send("out", "x")).startsWith("not sent");
        // the columns after HS-FAIL: HWM-DROP, REFUSED, RECONN
        assertThat(commands.stats()).containsPattern("out +ACTIVE +0( +\\d+){9} +0 +1 +0\\R");
        try (Socket peer = context.socket(SocketType.PULL)) {
            peer.connect("inproc://cmd-stats");
            assertThat(commands.send("out", "hello")).startsWith("sent");
            assertThat(peer.recvMessage(WAIT).get(0).text()).isEqualTo("hello");
            // the monitor sees no inproc handshake: the row comes from the engine alone
            assertThat(commands.stats()).contains("  peer inproc://cmd-stats on inproc://cmd-stats since - in=0 in-bytes=0"
                    + " out=1 out-bytes=5 ");
        }
    }

    @Test
    void statsShowsAFailedConfiguredSocketWithoutPeers() {
        try {
            manager.open(SocketSpec.builder("bad", SocketType.PULL).bind("tcp:/nowhere").build(),
                    SocketManager.FROM_CONFIGURATION);
        } catch (RuntimeException expected) {
            // stays listed as FAILED
        }
        assertThat(commands.stats()).containsPattern("bad +FAILED +- +0 ");
    }

    @Test
    void monitorPrintsEventsAsTheyComeAndStopsAtTheMaximumCount() throws Exception {
        String ep = bindPull("in");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Future<String> run = console.submit(() -> commands.monitor("in", 2, 60, out));
        await().atMost(WAIT).until(() -> text(bytes).startsWith("monitoring socket 'in'"));
        try (Socket peer = peers.socket(SocketType.PUSH)) {
            peer.connect(ep);
            assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo("stopped monitoring 'in': 2 event(s) printed (2 event(s))");
        }
        assertThat(text(bytes)).contains(" ACCEPTED(").contains(" HANDSHAKE_SUCCEEDED(0) " + ep + " peer tcp://127.0.0.1:");
    }

    @Test
    void monitorStopsWhenItsTimeIsUp() {
        bindPull("in");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long start = System.nanoTime();
        String result = commands.monitor("in", 100, 1, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(result).isEqualTo("stopped monitoring 'in': 1 s elapsed (0 event(s))");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), WAIT);
    }

    @Test
    void monitorStopsOnInterruptAsCtrlCDoes() throws Exception {
        bindPull("in");
        AtomicReference<Thread> thread = new AtomicReference<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Future<String> run = console.submit(() -> {
            thread.set(Thread.currentThread());
            return commands.monitor("in", 100, 600, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        });
        await().atMost(WAIT).until(() -> text(bytes).startsWith("monitoring"));
        thread.get().interrupt();
        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo("stopped monitoring 'in': interrupted (0 event(s))");
    }

    @Test
    void monitorStopsWhenTheSocketCloses() throws Exception {
        bindPull("in");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Future<String> run = console.submit(() -> commands.monitor("in", 100, 600,
                new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> text(bytes).startsWith("monitoring"));
        manager.close("in");
        assertThat(run.get(10, TimeUnit.SECONDS)).startsWith("stopped monitoring 'in': socket closed (");
        assertThat(text(bytes)).contains("MONITOR_STOPPED");
    }

    @Test
    void monitorStopsWhenTheSessionsOutputClosesEvenWithoutEvents() throws Exception {
        bindPull("in");
        CompletableFuture<Void> closed = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream session = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                check();
                bytes.write(b);
            }

            @Override
            public void flush() throws IOException {
                check();
            }

            private void check() throws IOException {
                if (closed.isDone()) {
                    throw new IOException("session closed");
                }
            }
        };
        Future<String> run = console.submit(() -> commands.monitor("in", 100, 600, new PrintStream(session, true,
                StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> text(bytes).startsWith("monitoring"));
        closed.complete(null);
        // no event comes: the idle check (each second) finds the output gone
        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo("stopped monitoring 'in': output closed (0 event(s))");
    }

    @Test
    void monitorRefusesUnknownSocketsAndUnboundedArguments() {
        bindPull("in");
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(commands.monitor("nowhere", 1, 1, out)).isEqualTo("no active socket named 'nowhere'");
        assertThat(commands.monitor("in", 0, 1, out)).startsWith("usage: zconn:monitor");
        assertThat(commands.monitor("in", 1, 0, out)).startsWith("usage: zconn:monitor");
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
