package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SWAP against a real libzmq receiver that is frozen with SIGSTOP while zconn sends, then resumed
 * with SIGCONT: every message arrives whole and in order, the sender never blocks, and the heap
 * stays bounded (the messages wait on disk, not in memory).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LibzmqSwapInteropTest {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int HWM = 100;
    private static final int SIZE = 1000;
    private final Context ctx = new Context();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        ctx.close();
    }

    /** The receiver process, its lines read by a daemon thread. */
    private static final class Receiver implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Receiver(String endpoint, String kind, int n) throws IOException {
            Path script = Files.createTempFile("swap_receiver", ".py");
            try (var s = LibzmqSwapInteropTest.class.getResourceAsStream("/interop/swap_receiver.py")) {
                Files.write(script, s.readAllBytes());
            }
            script.toFile().deleteOnExit();
            process = new ProcessBuilder(LibzmqPeer.PYTHON, "-u", script.toString(), endpoint, kind,
                    Integer.toString(n), Integer.toString(SIZE)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // ended
                }
                lines.add("EOF");
            }, "swap-receiver-reader");
            t.setDaemon(true);
            t.start();
        }

        String next() throws InterruptedException {
            String l = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(l).as("the libzmq receiver answers").isNotNull();
            return l;
        }

        void signal(String sig) throws Exception {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
            assertThat(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0).as("kill -" + sig).isTrue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Receiver start(String endpoint, String kind, int n) throws Exception {
        Receiver r = new Receiver(endpoint, kind, n);
        String first = r.next();
        if (!first.equals("READY")) {
            r.close();
            String problem = "the libzmq receiver did not start (" + first + "): is python3-zmq installed for "
                    + LibzmqPeer.PYTHON + "?";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(problem);
            }
            Assumptions.abort(problem);
        }
        return r;
    }

    private static Message message(int i) {
        byte[] payload = new byte[SIZE];
        payload[0] = (byte) i;
        return Message.of(Integer.toString(i).getBytes(StandardCharsets.US_ASCII), payload);
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    private Socket sender(SocketType type, int linger) {
        Socket s = ctx.socket(type);
        s.setOption(ZmqOption.LINGER, linger); // before bind: the endpoint's sessions take the options then
        s.setOption(ZmqOption.SNDHWM, HWM);
        s.setOption(ZmqOption.SWAP, 512L << 20);
        s.setOption(ZmqOption.SWAP_DIR, dir);
        s.bind("tcp://127.0.0.1:*");
        return s;
    }

    /** Sends n messages to a stopped receiver; asserts none blocks and the heap stays bounded. */
    private void sendWhileStopped(Socket s, int n) throws IOException {
        long before = heapAfterGc();
        for (int i = 0; i < n; i++) {
            assertThat(s.trySend(message(i))).as("message %d is accepted at once", i).isTrue();
        }
        long grown = heapAfterGc() - before;
        long queued = s.metrics().peers().stream().mapToLong(PeerMetrics::queuedOut).sum();
        // ~n KiB were sent; all but the HWM (and what the kernel's socket buffers took) wait on disk
        assertThat(queued).isGreaterThan(n / 2);
        assertThat(grown).as("heap growth while %d messages of %d bytes are queued", n, SIZE)
                .isLessThan(16L << 20);
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void pushToAStoppedLibzmqPullSpillsAndDeliversEverythingInOrderWhenResumed() throws Exception {
        int n = 50_000;
        Socket push = sender(SocketType.PUSH, 0);
        try (Receiver r = start(push.getOption(ZmqOption.LAST_ENDPOINT), "pull", n)) {
            await().atMost(WAIT).until(() -> push.peers() == 1);
            r.signal("STOP");
            try {
                sendWhileStopped(push, n);
            } finally {
                r.signal("CONT");
            }
            assertThat(r.next()).isEqualTo("DONE " + n + " " + (n - 1));
            push.close();
            await().atMost(WAIT).until(() -> filesIn(dir) == 0);
        }
    }

    @Test
    void closingWithLingerDeliversTheSpillOnceTheReceiverResumes() throws Exception {
        int n = 20_000;
        Socket push = sender(SocketType.PUSH, 120_000);
        try (Receiver r = start(push.getOption(ZmqOption.LAST_ENDPOINT), "pull", n)) {
            await().atMost(WAIT).until(() -> push.peers() == 1);
            r.signal("STOP");
            try {
                sendWhileStopped(push, n);
                push.close(); // returns at once; the session lingers with the file
            } finally {
                r.signal("CONT");
            }
            ctx.close(); // waits for LINGER: everything is delivered first
            assertThat(r.next()).isEqualTo("DONE " + n + " " + (n - 1));
            assertThat(filesIn(dir)).isZero();
        }
    }

    @Test
    void pubToAStoppedLibzmqSubSpillsInsteadOfDropping() throws Exception {
        int n = 30_000;
        Socket pub = sender(SocketType.PUB, 0);
        try (Receiver r = start(pub.getOption(ZmqOption.LAST_ENDPOINT), "sub", n)) {
            await().atMost(WAIT).until(() -> {
                pub.send(Message.of("warm-up"));
                return r.lines.peek() != null;
            });
            assertThat(r.next()).isEqualTo("WARM");
            r.signal("STOP");
            try {
                sendWhileStopped(pub, n);
            } finally {
                r.signal("CONT");
            }
            assertThat(r.next()).isEqualTo("DONE " + n + " " + (n - 1));
            assertThat(pub.metrics().hwmDrops()).isZero();
        }
    }
}
