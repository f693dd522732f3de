package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** SWAP over tcp between zconn sockets: order, LINGER, the bound, and a full disk. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwapTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int HWM = 10;
    /** SO_SNDBUF/SO_RCVBUF of the tests' sockets: small, so what the kernel holds stays well below what they send. */
    private static final int KERNEL_BUFFER = 16 * 1024;
    private final Context ctx = new Context();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket pusher(long swap, Path swapDir) {
        return pusher(swap, swapDir, 0);
    }

    private Socket pusher(long swap, Path swapDir, int linger) {
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.LINGER, linger); // before bind: the endpoint's sessions take it from there
        push.setOption(ZmqOption.SNDHWM, HWM);
        push.setOption(ZmqOption.SWAP, swap);
        push.setOption(ZmqOption.SWAP_DIR, swapDir);
        push.setOption(ZmqOption.SNDBUF, KERNEL_BUFFER); // else the kernel may take all of a test's messages
        push.bind("tcp://127.0.0.1:*");
        return push;
    }

    private Socket puller(Socket push) {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, HWM);
        pull.setOption(ZmqOption.RCVBUF, KERNEL_BUFFER);
        pull.connect(push.getOption(ZmqOption.LAST_ENDPOINT));
        await().atMost(WAIT).until(() -> push.peers() == 1);
        return pull;
    }

    private static Message message(int i) {
        return Message.of(Integer.toString(i), "x".repeat(100));
    }

    private static Message big(int i) {
        return Message.of(Integer.toString(i), "x".repeat(1000));
    }

    private static void expectInOrder(Socket pull, int n) {
        for (int i = 0; i < n; i++) {
            Message m = pull.recvMessage(WAIT);
            assertThat(m).as("message %d", i).isNotNull();
            assertThat(m.size()).isEqualTo(2);
            assertThat(m.get(0).text()).isEqualTo(Integer.toString(i));
        }
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    private static long spilled(Socket s) {
        return s.metrics().peers().stream().mapToLong(PeerMetrics::queuedOut).sum();
    }

    @Test
    void aPushPastItsHwmSpillsToDiskAndDeliversEverythingInOrder() throws IOException {
        Socket push = pusher(64L << 20, dir);
        Socket pull = puller(push);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            assertThat(push.trySend(message(i))).as("send %d never blocks with SWAP", i).isTrue();
        }
        assertThat(spilled(push)).isGreaterThan(HWM * 10L); // queued out counts what is on disk
        assertThat(filesIn(dir)).isEqualTo(1);
        expectInOrder(pull, n);
        assertThat(pull.tryRecvMessage()).isNull();
        push.close();
        await().atMost(WAIT).until(() -> filesIn(dir) == 0);
    }

    @Test
    void closingWithLingerDeliversWhatIsOnDisk() throws IOException {
        Socket push = pusher(64L << 20, dir, 20_000);
        Socket pull = puller(push);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            assertThat(push.trySend(big(i))).isTrue();
        }
        assertThat(spilled(push)).isGreaterThan(n / 2); // most of it waits on disk as the socket closes
        push.close();
        expectInOrder(pull, n);
        await().atMost(WAIT).until(() -> filesIn(dir) == 0);
    }

    @Test
    void closingWithLingerZeroDiscardsTheFile() throws IOException {
        Socket push = pusher(64L << 20, dir, 0);
        Socket pull = puller(push); // does not read until the pusher has closed
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            assertThat(push.trySend(big(i))).isTrue();
        }
        assertThat(spilled(push)).isGreaterThan(n / 2);
        push.close();
        await().atMost(WAIT).until(() -> filesIn(dir) == 0);
        int got = 0;
        while (pull.recvMessage(Duration.ofSeconds(1)) != null) {
            got++;
        }
        assertThat(got).isLessThan(n / 2); // what the kernel's buffers held, not the file
    }

    @Test
    void aFullSpillMakesPushRefuseAndPubDrop() {
        Socket push = pusher(16 * 1024, dir);
        Socket pull = puller(push);
        int accepted = 0;
        while (push.trySend(message(accepted))) {
            accepted++;
            assertThat(accepted).isLessThan(100_000);
        }
        assertThat(accepted).isGreaterThan(HWM + 100); // the kernel's buffers, the HWM, then ~16 KiB of disk
        expectInOrder(pull, accepted);

        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.SNDHWM, HWM);
        pub.setOption(ZmqOption.SWAP, 16L * 1024);
        pub.setOption(ZmqOption.SWAP_DIR, dir);
        pub.setOption(ZmqOption.SNDBUF, KERNEL_BUFFER);
        pub.bind("tcp://127.0.0.1:*");
        Socket sub = ctx.socket(SocketType.SUB);
        sub.setOption(ZmqOption.RCVHWM, HWM);
        sub.setOption(ZmqOption.RCVBUF, KERNEL_BUFFER);
        sub.setOption(ZmqOption.SUBSCRIBE, new byte[0]);
        sub.connect(pub.getOption(ZmqOption.LAST_ENDPOINT));
        await().atMost(WAIT).until(() -> {
            pub.send(Message.of("warm-up"));
            return sub.tryRecvMessage() != null;
        });
        while (sub.tryRecvMessage() != null) {
            // drain warm-ups
        }
        await().atMost(WAIT).until(() -> sub.tryRecvMessage() == null);
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            pub.send(message(i)); // never blocks: at the (disk) limit PUB drops
        }
        assertThat(pub.metrics().hwmDrops()).isPositive();
        int last = -1;
        Message m;
        while ((m = sub.recvMessage(Duration.ofSeconds(2))) != null) {
            int seq = Integer.parseInt(m.get(0).text());
            assertThat(seq).isGreaterThan(last); // drops, never reordering
            last = seq;
        }
        assertThat(last).isGreaterThan(HWM);
    }

    /**
     * A full disk: a 1 MiB tmpfs mounted by the test (CI runs as root; under CI=true a failed
     * mount fails the test).
     */
    @Test
    void aFullDiskFailsTheSendWithEnospcAndLosesNothingAccepted() throws Exception {
        Path mnt = Files.createTempDirectory("zconn-swap-tmpfs");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!mounted) {
            Files.deleteIfExists(mnt);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("cannot mount a tmpfs for the full-disk test: " + out);
            }
            Assumptions.abort("cannot mount a tmpfs (not root?): " + out);
        }
        try {
            Socket push = pusher(64L << 20, mnt); // the limit is far above the device's size
            Socket pull = puller(push);
            int accepted = 0;
            ZmqException failure = null;
            while (failure == null) {
                try {
                    assertThat(push.trySend(message(accepted))).isTrue();
                    accepted++;
                    assertThat(accepted).isLessThan(1_000_000);
                } catch (ZmqException e) {
                    failure = e;
                }
            }
            assertThat(failure.errno()).isEqualTo(Errno.ENOSPC);
            assertThat(failure).hasMessageContaining("SWAP").hasMessageContaining("No space left");
            assertThatThrownBy(() -> push.trySend(message(-1))).isInstanceOf(ZmqException.class);
            expectInOrder(pull, accepted); // every message accepted arrives, in order
            assertThat(push.trySend(message(accepted))).isTrue(); // the file emptied: sending works again
            Message next = pull.recvMessage(WAIT);
            assertThat(next.get(0).text()).isEqualTo(Integer.toString(accepted));
            push.close();
            await().atMost(WAIT).until(() -> filesIn(mnt) == 0);
        } finally {
            ctx.close();
            new ProcessBuilder("umount", mnt.toString()).start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mnt);
        }
    }

    /**
     * A spill file found corrupt while it is read back (a byte flipped under the live pipe, as a
     * failing disk or a stray writer would): the whole messages before the bad record arrive, the
     * message it belongs to and everything after it in the file are dropped and counted in
     * {@link PeerMetrics#spillLost()}, and the pipe carries new messages, through memory and the
     * file, as before. Over inproc, so the test thread is the file's only reader.
     */
    @Test
    void aSpillFileFoundCorruptDeliversTheWholeMessagesBeforeItCountsTheRestLostAndGoesOn() throws IOException {
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.LINGER, 0);
        push.setOption(ZmqOption.SNDHWM, HWM);
        push.setOption(ZmqOption.SWAP, 64L << 20);
        push.setOption(ZmqOption.SWAP_DIR, dir);
        push.bind("inproc://corrupt-spill-" + System.nanoTime());
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, HWM);
        pull.connect(push.getOption(ZmqOption.LAST_ENDPOINT));
        await().atMost(WAIT).until(() -> push.peers() == 1);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            assertThat(push.trySend(fixed(i))).isTrue();
        }
        PeerMetrics before = push.metrics().peers().get(0);
        long onDisk = before.spilledOut();
        long inMemory = n - onDisk;
        assertThat(onDisk).isEqualTo(before.spilledTotalOut()).isGreaterThan(2500);
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        long size = Files.size(file);
        assertThat(size % onDisk).isZero(); // every message takes the same room: two records
        long perMessage = size / onDisk;
        // corrupt the body (second frame) of the bad message, past the reader's first 64 KiB batch
        int bad = 2000;
        long at = (bad + 1) * perMessage - 1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x55)).rewind();
            ch.write(b, at);
        }
        // what came before the bad record arrives, whole and in order; nothing of the bad message
        for (int i = 0; i < inMemory + bad; i++) {
            Message m = pull.recvMessage(WAIT);
            assertThat(m).as("message %d", i).isNotNull();
            assertThat(m.size()).isEqualTo(2);
            assertThat(m.get(0).text()).isEqualTo(id(i));
        }
        assertThat(pull.tryRecvFrame()).isNull();
        long lost = onDisk - bad;
        PeerMetrics after = push.metrics().peers().get(0);
        assertThat(after.spillLost()).isEqualTo(lost);
        assertThat(after.spilledOut()).isZero();
        assertThat(after.spilledBytesOut()).isZero();
        assertThat(push.metrics().spillLost()).isEqualTo(lost);

        // the pipe goes on: through memory, then the file again, in order
        int more = 500;
        for (int i = n; i < n + more; i++) {
            assertThat(push.trySend(fixed(i))).isTrue();
        }
        assertThat(push.metrics().spilledOut()).isEqualTo(more - inMemory);
        for (int i = n; i < n + more; i++) {
            Message m = pull.recvMessage(WAIT);
            assertThat(m).as("message %d", i).isNotNull();
            assertThat(m.get(0).text()).isEqualTo(id(i));
            assertThat(m.get(1).size()).isEqualTo(94);
        }
        assertThat(pull.tryRecvFrame()).isNull();
        assertThat(push.metrics().spillLost()).isEqualTo(lost);
        assertThat(push.metrics().spilledTotalOut()).isEqualTo(onDisk + more - inMemory);
    }

    private static String id(int i) {
        return String.format("%06d", i);
    }

    /** A two-frame message of a fixed size: a 6-byte id and a 94-byte body. */
    private static Message fixed(int i) {
        return Message.of(id(i), "x".repeat(94));
    }
}
