package io.zconn.engine.transport;

import io.netty.util.internal.PlatformDependent;
import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Raw TCP attackers that complete a valid NULL greeting and READY and then misbehave, against
 * zconn sockets with DEFAULT options bound on {@code tcp://127.0.0.1:*}. In every case a
 * well-behaved libzmq peer (python3-zmq) is served meanwhile, and what the attack may cost is
 * asserted: heap (plus Netty's and the JDK's direct memory) after GC, open descriptors
 * ({@code /proc/self/fd}) and live threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostilePeerTest {
    private static final long MB = 1L << 20;
    /** What an attack may leave us holding beyond what it actually sent. */
    private static final long SLACK = 64 * MB;
    /** Messages the well-behaved peer exchanges in each case. */
    private static final int N = 100;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The zconn socket under attack and the type the attacker claims in its READY. */
    enum Target {
        PULL(SocketType.PULL, "PUSH"),
        SUB(SocketType.SUB, "PUB"),
        ROUTER(SocketType.ROUTER, "DEALER"),
        XPUB(SocketType.XPUB, "SUB");

        final SocketType type;
        final String peerType;

        Target(SocketType type, String peerType) {
            this.type = type;
            this.peerType = peerType;
        }
    }

    private final Context ctx = new Context();
    private final List<java.net.Socket> raws = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final ExecutorService attackers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-peer");
        t.setDaemon(true);
        return t;
    });
    private Target target;
    private Socket socket;
    private int port;
    /** Messages not from the well-behaved peer that its check received (and counted) meanwhile. */
    private final AtomicInteger strays = new AtomicInteger();

    @AfterEach
    void tearDown() throws Exception {
        for (java.net.Socket s : raws) {
            s.close();
        }
        for (SocketChannel c : channels) {
            c.close();
        }
        attackers.shutdownNow();
        attackers.awaitTermination(10, TimeUnit.SECONDS);
        ctx.close();
    }

    // ---- (a) huge headers -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Target.class)
    void hugeFrameHeadersAloneAllocateNothing(Target t) throws Exception {
        bindAndWarmUp(t);
        long before = footprint();
        byte[] oneGib = longHeader(0x02, 1L << 30);
        for (int i = 0; i < 8; i++) {
            rawPeer().send(greeting(), ready(t.peerType), oneGib);
        }
        wellBehavedPeerIsServed();
        long delta = measured("footprint delta", footprint() - before);
        assertThat(delta).as("memory held for 8 headers announcing 1 GiB each").isLessThan(SLACK);
    }

    // ---- (b) endless multipart --------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"PULL", "ROUTER"})
    void endlessMultipartCostsNoMoreThanWhatWasSent(Target t) throws Exception {
        bindAndWarmUp(t);
        long before = footprint();
        RawPeer attacker = rawPeer();
        attacker.send(greeting(), ready(t.peerType));
        byte[] frame = new byte[257];
        frame[0] = 0x01; // MORE, short
        frame[1] = (byte) 255;
        byte[] chunk = new byte[frame.length * 64];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
        }
        long total = 8 * MB;
        CountDownLatch half = new CountDownLatch(1);
        Future<Long> writer = attackers.submit(() -> {
            long n = 0;
            while (n < total) {
                attacker.send(chunk);
                n += chunk.length;
                if (n >= total / 2) {
                    half.countDown();
                }
            }
            return n;
        });
        assertThat(half.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("half of the frames written").isTrue();
        wellBehavedPeerIsServed();
        long sent = writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long delta = measured("footprint delta", footprint() - before);
        assertThat(delta).as("memory held for %d bytes of MORE frames", sent).isLessThan(3 * sent + 16 * MB);
    }

    // ---- (c) giant command -----------------------------------------------------------------------

    @Test
    void giantUnknownCommandEndsInBoundedTimeWhileOthersAreServed() throws Exception {
        bindAndWarmUp(Target.PULL);
        long before = footprint();
        RawPeer attacker = rawPeer();
        long size = 64 * MB;
        byte[] header = longHeader(0x06, size);
        byte[] name = {5, 'X', 'Y', 'Z', 'Z', 'Y'};
        attacker.send(greeting(), ready("PUSH"), header, name);
        byte[] chunk = new byte[64 * 1024];
        CountDownLatch half = new CountDownLatch(1);
        long started = System.nanoTime();
        Future<?> writer = attackers.submit(() -> {
            long n = name.length;
            try {
                while (n < size) {
                    int len = (int) Math.min(chunk.length, size - n);
                    attacker.out.write(chunk, 0, len);
                    n += len;
                    if (n >= size / 2) {
                        half.countDown();
                    }
                }
                attacker.out.flush();
            } catch (IOException e) {
                half.countDown(); // dropped: also a bounded outcome
            }
            return null;
        });
        assertThat(half.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("half of the command streamed").isTrue();
        wellBehavedPeerIsServed();
        writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(elapsedMs).as("64 MiB command consumed or dropped").isLessThan(WAIT.toMillis());
        long delta = measured("footprint delta", footprint() - before);
        assertThat(delta).as("memory held after a 64 MiB command ended").isLessThan(SLACK);
        wellBehavedPeerIsServed();
    }

    // ---- (d) READY with thousands of properties ----------------------------------------------------

    @Test
    void readyWithThousandsOfPropertiesIsDecidedPromptly() throws Exception {
        bindAndWarmUp(Target.PULL);
        long before = footprint();
        byte[] bigReady = ready("PUSH", 10_000);
        byte[] after = {0, 7, 'x', '-', 'a', 'f', 't', 'e', 'r'};
        List<RawPeer> peers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawPeer p = rawPeer();
            p.send(greeting(), bigReady, after);
            peers.add(p);
        }
        wellBehavedPeerIsServed();
        // each attacker is decided: dropped, or accepted and its message delivered
        await().atMost(WAIT).until(() -> {
            Message m;
            while ((m = socket.tryRecvMessage()) != null) {
                strays.incrementAndGet();
            }
            long dropped = peers.stream().filter(RawPeer::closedByServer).count();
            return strays.get() + dropped >= peers.size();
        });
        long delta = measured("footprint delta", footprint() - before);
        assertThat(delta).as("memory held for 8 READY commands of 10,000 properties").isLessThan(SLACK);
    }

    // ---- (e) slowloris ---------------------------------------------------------------------------

    @Test
    void slowGreetingsAreClosedAtHandshakeIvlAndDescriptorsReturn() throws Exception {
        int ivlMs = 1000;
        target = Target.PULL;
        socket = ctx.socket(SocketType.PULL);
        socket.setOption(ZmqOption.HANDSHAKE_IVL, ivlMs);
        bind();
        wellBehavedPeerIsServed();
        long fdBefore = fdCount();
        byte[] g = greeting();
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long connecting = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            SocketChannel c = SocketChannel.open(addr);
            c.configureBlocking(false);
            channels.add(c);
        }
        long connected = System.nanoTime();
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> drip = attackers.submit(() -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int i = 0; i < g.length && !stop.get(); i++) {
                for (SocketChannel c : channels) {
                    one.clear().put(g[i]).flip();
                    try {
                        c.write(one);
                    } catch (IOException e) {
                        // closed by the server: what we expect
                    }
                }
                Thread.sleep(1000); // the attack's own pace: one byte per second
            }
            return null;
        });
        wellBehavedPeerIsServed();
        long[] firstClosed = {-1};
        await().atMost(Duration.ofMillis(ivlMs + 5000)).pollInterval(Duration.ofMillis(20)).until(() -> {
            long closed = channels.stream().filter(HostilePeerTest::closedByServer).count();
            if (closed > 0 && firstClosed[0] < 0) {
                firstClosed[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting);
            }
            return closed == channels.size();
        });
        long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
        // not before HANDSHAKE_IVL: each timer starts when its connection is accepted, after we began connecting
        assertThat(firstClosed[0]).as("first slow greeting closed, ms after connecting began")
                .isGreaterThanOrEqualTo(ivlMs - 10L);
        stop.set(true);
        drip.cancel(true);
        System.out.printf(Locale.ROOT, "[hostile] slowloris: first closed %d ms after connecting began, all %d ms after the last connected%n",
                firstClosed[0], closedMs);
        assertThat(closedMs).as("all 500 slow greetings closed").isLessThan(ivlMs + 5000L);
        for (SocketChannel c : channels) {
            c.close();
        }
        channels.clear();
        await().atMost(WAIT).untilAsserted(() -> assertThat(fdCount()).as("open descriptors").isLessThanOrEqualTo(fdBefore + 2));
        wellBehavedPeerIsServed();
    }

    // ---- (f) subscription storm ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"XPUB", "PULL"})
    void subscriptionStormToAnUnreadSocketIsBounded(Target t) throws Exception {
        subscriptionStorm(t, t == Target.PULL);
    }

    /**
     * The storm of one subscriber must not stop the others' subscriptions: libzmq's XPUB keeps
     * reading its pipes whatever the user reads (into an unbounded queue); zconn's holds at most
     * RCVHWM messages per subscriber for the user and stops reading only the subscriber whose
     * quota is used up, so the well-behaved SUB's subscription still gets in.
     */
    @Test
    void subscriptionStormToAnUnreadXpubLeavesOtherSubscribersServed() throws Exception {
        subscriptionStorm(Target.XPUB, true);
    }

    private void subscriptionStorm(Target t, boolean othersServed) throws Exception {
        bindAndWarmUp(t);
        long before = footprint();
        AtomicInteger written = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(2);
        List<Future<?>> writers = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            RawPeer attacker = rawPeer();
            attacker.send(greeting(), ready(t.peerType));
            int base = a * 50_000;
            writers.add(attackers.submit(() -> {
                try {
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    for (int i = 0; i < 50_000; i++) {
                        batch.writeBytes(command("SUBSCRIBE", ("storm-" + (base + i)).getBytes(StandardCharsets.US_ASCII)));
                        if (batch.size() > 32 * 1024) {
                            attacker.send(batch.toByteArray());
                            batch.reset();
                        }
                        written.incrementAndGet();
                    }
                    attacker.send(batch.toByteArray());
                } catch (IOException e) {
                    // dropped by the server: a bounded outcome
                } finally {
                    done.countDown();
                }
                return null;
            }));
        }
        if (othersServed) {
            wellBehavedPeerIsServed();
        }
        // the attackers may be stalled by back-pressure: that is allowed, and bounds it too
        done.await(10, TimeUnit.SECONDS);
        for (Future<?> w : writers) {
            if (w.isDone()) {
                w.get(); // a writer that failed other than by being dropped fails the test
            }
        }
        long delta = measured("footprint delta", footprint() - before);
        // a PULL has no use for subscriptions: it may keep none of them; an XPUB keeps the distinct
        // topics (its trie, as libzmq's) but queues no more of them for the application than its HWM
        long bound = t == Target.PULL ? 2 * MB : SLACK;
        assertThat(delta).as("memory held after %d SUBSCRIBE commands nobody reads", written.get())
                .isLessThan(bound);
    }

    // ---- (g) connection storm --------------------------------------------------------------------

    @Test
    void connectionStormLeavesNoDescriptorOrThread() throws Exception {
        bindAndWarmUp(Target.PULL);
        long fdBefore = fdCount();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        byte[] hello = concat(greeting(), ready("PUSH"));
        List<Future<?>> storms = new ArrayList<>();
        long stormStart = System.nanoTime();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            storms.add(attackers.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                        if ((i + worker) % 2 == 0) {
                            s.getOutputStream().write(hello);
                        }
                    }
                }
                return null;
            }));
        }
        wellBehavedPeerIsServed();
        for (Future<?> f : storms) {
            f.get(40, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "[hostile] connection storm: 2000 connections in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stormStart));
        await().atMost(WAIT).untilAsserted(() -> assertThat(fdCount()).as("open descriptors").isLessThanOrEqualTo(fdBefore + 2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(newThreads(threadsBefore)).as("threads started since").isEmpty());
        wellBehavedPeerIsServed();
    }

    // ---- the well-behaved libzmq peer --------------------------------------------------------------

    private void bindAndWarmUp(Target t) {
        target = t;
        socket = ctx.socket(t.type);
        bind();
        // start the I/O threads and load the classes once, so baselines are taken in a warm state
        wellBehavedPeerIsServed();
    }

    private void bind() {
        if (target == Target.SUB) {
            socket.subscribe("");
        }
        socket.bind("tcp://127.0.0.1:*");
        String ep = socket.getOption(ZmqOption.LAST_ENDPOINT);
        port = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    /** A libzmq peer exchanges N messages with the socket under attack, within the timeout. */
    private void wellBehavedPeerIsServed() {
        String ep = "tcp://127.0.0.1:" + port;
        String script = switch (target) {
            case PULL -> "c = zmq.Context(); s = c.socket(zmq.PUSH); s.linger = 10000; s.connect(sys.argv[1])\n"

                    + "for i in range(int(sys.argv[2])): s.send(b'w%d' % i)\n"
                    + "s.close(); c.term()\n";
            case ROUTER -> "c = zmq.Context(); s = c.socket(zmq.DEALER); s.linger = 10000; s.connect(sys.argv[1])\n"
                    + "for i in range(int(sys.argv[2])): s.send(b'w%d' % i)\n"
                    + "s.close(); c.term()\n";
            case SUB -> "c = zmq.Context(); s = c.socket(zmq.XPUB); s.linger = 10000; s.rcvtimeo = 15000\n"
                    + "s.connect(sys.argv[1]); s.recv()\n"
                    + "for i in range(int(sys.argv[2])): s.send(b'w%d' % i)\n"
                    + "s.close(); c.term()\n";
            case XPUB -> "c = zmq.Context(); s = c.socket(zmq.SUB); s.rcvtimeo = 15000; s.subscribe(b'w')\n"
                    + "s.connect(sys.argv[1]); seen = set()\n"
                    + "while len(seen) < int(sys.argv[2]): seen.add(s.recv())\n"
                    + "print(len(seen))\n";
        };
        try (PythonPeer peer = PythonPeer.start(script, ep, Integer.toString(N))) {
            if (target == Target.XPUB) {
                // publish until the subscriber has seen N distinct messages (PUB drops until it subscribed)
                long deadline = System.nanoTime() + WAIT.toNanos();
                int i = 0;
                while (peer.isAlive() && System.nanoTime() < deadline) {
                    socket.send("w" + i++);
                    peer.waitFor(2);
                }
                assertThat(peer.awaitSuccess(Duration.ofSeconds(1)).trim()).isEqualTo(Integer.toString(N));
            } else {
                int next = 0;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (next < N) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("libzmq peer's message w%d within %s (peer alive: %s, printed: %s)", next, WAIT,
                            peer.isAlive(), peer.output()).isPositive();
                    Message m = socket.recvMessage(Duration.ofNanos(Math.min(left, 200_000_000L)));
                    if (m == null) {
                        continue;
                    }
                    String text = m.get(m.size() - 1).text();
                    if (text.startsWith("w")) {
                        assertThat(text).isEqualTo("w" + next);
                        next++;
                    } else {
                        strays.incrementAndGet();
                    }
                }
                peer.awaitSuccess(WAIT);
            }
        }
    }

    // ---- measurements ----------------------------------------------------------------------------

    /** Prints a measurement (for RELIABILITY.md) and returns it. */
    private long measured(String what, long bytes) {
        System.out.printf(Locale.ROOT, "[hostile] %s %s: %.1f MB%n", target, what, bytes / 1048576.0);
        return bytes;
    }

    /** Heap used plus Netty's and the JDK's direct memory, after GC. */
    static long footprint() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long jdk = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            jdk += b.getMemoryUsed();
        }
        return heap + netty + jdk;
    }

    /** Live threads that were not in {@code before}, except this test's own (attackers, Awaitility). */
    static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("hostile-peer") && !n.startsWith("awaitility"))
                .toList();
    }

    static long fdCount() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    // ---- raw attackers ---------------------------------------------------------------------------

    private RawPeer rawPeer() throws IOException {
        java.net.Socket s = new java.net.Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(5000);
        raws.add(s);
        return new RawPeer(s);
    }

    /** A raw TCP connection to the socket under attack. */
    private static final class RawPeer {
        final java.net.Socket s;
        final OutputStream out;

        RawPeer(java.net.Socket s) throws IOException {
            this.s = s;
            this.out = s.getOutputStream();
        }

        void send(byte[]... chunks) throws IOException {
            for (byte[] c : chunks) {
                out.write(c);
            }
            out.flush();
        }

        /** @return whether the server has closed this connection (reads what it sent meanwhile) */
        boolean closedByServer() {
            try {
                s.setSoTimeout(1);
                byte[] buf = new byte[4096];
                while (true) {
                    if (s.getInputStream().read(buf) < 0) {
                        return true;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private static boolean closedByServer(SocketChannel c) {
        ByteBuffer buf = ByteBuffer.allocate(256);
        try {
            int n;
            while ((n = c.read(buf.clear())) > 0) {
                // what the server sent before closing: ignored
            }
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }

    // ---- ZMTP bytes ------------------------------------------------------------------------------

    static byte[] greeting() {
        return BadInputTest.greeting("NULL");
    }

    static byte[] ready(String socketType) {
        return BadInputTest.ready(socketType);
    }

    /** A READY command with Socket-Type and {@code extra} more properties. */
    static byte[] ready(String socketType, int extra) {
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        property(props, "Socket-Type", socketType.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < extra; i++) {
            property(props, "X-Prop-" + i, "value-of-it".getBytes(StandardCharsets.US_ASCII));
        }
        return command("READY", props.toByteArray());
    }

    private static void property(ByteArrayOutputStream out, String name, byte[] value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        out.write(n.length);
        out.writeBytes(n);
        out.writeBytes(new byte[] {0, 0, (byte) (value.length >> 8), (byte) value.length});
        out.writeBytes(value);
    }

    /** A command frame (short or long as its size requires). */
    static byte[] command(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        int size = 1 + n.length + data.length;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        if (size < 256) {
            f.write(0x04);
            f.write(size);
        } else {
            f.writeBytes(longHeader(0x06, size));
        }
        f.write(n.length);
        f.writeBytes(n);
        f.writeBytes(data);
        return f.toByteArray();
    }

    static byte[] longHeader(int flags, long size) {
        byte[] h = new byte[9];
        h[0] = (byte) flags;
        for (int i = 0; i < 8; i++) {
            h[8 - i] = (byte) (size >>> (8 * i));
        }
        return h;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
