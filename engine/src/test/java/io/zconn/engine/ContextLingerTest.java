package io.zconn.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Context#close()} keeps LINGER's promise as libzmq's {@code zmq_ctx_term} does: it returns
 * as soon as everything queued has been written to the peer's connection, at LINGER at the latest,
 * never before delivery with LINGER -1, and at once with LINGER 0.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ContextLingerTest {
    /** Not a multiple of 64: the reader's count used to be published every 64 messages. */
    private static final int N = 1000;

    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private volatile Context peerCtx;
    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        later.shutdownNow();
        if (peerCtx != null) {
            peerCtx.close();
        }
    }

    /**
     * An endpoint nobody listens on yet, and nobody else can take: an ipc path in this test's own
     * directory. LINGER is the stream engine's, the same for tcp and ipc; a tcp port would have to
     * be probed and released, and another process could bind it before the late peer does.
     */
    private String vacantEndpoint() {
        return "ipc://" + dir.resolve("peer.sock");
    }

    /** Starts a PULL peer bound at {@code ep} after {@code delayMs}; completes with it. */
    private CompletableFuture<Socket> peerAppearsAfter(String ep, long delayMs) {
        return CompletableFuture.supplyAsync(() -> {
            peerCtx = new Context();
            Socket pull = peerCtx.socket(SocketType.PULL);
            pull.setOption(ZmqOption.RCVHWM, 0);
            pull.bind(ep);
            return pull;
        }, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, later));
    }

    private static Context senderWithQueue(String ep, int linger) {
        Context ctx = new Context();
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.SNDHWM, 0);
        push.setOption(ZmqOption.LINGER, linger);
        push.connect(ep);
        for (int i = 0; i < N; i++) {
            push.send("m" + i);
        }
        return ctx;
    }

    private static long closeMillis(Context ctx) {
        long t0 = System.nanoTime();
        ctx.close();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void assertReceivesAll(Socket pull) {
        for (int i = 0; i < N; i++) {
            Frame f = pull.recvFrame(Duration.ofSeconds(10));
            assertThat(f).as("message %d", i).isNotNull();
            assertThat(f.text()).isEqualTo("m" + i);
        }
    }

    @Test
    void finiteLingerCloseReturnsSoonAfterLatePeerGotEverything() throws Exception {
        String ep = vacantEndpoint();
        Context sender = senderWithQueue(ep, 20_000);
        CompletableFuture<Socket> peer = peerAppearsAfter(ep, 1000);
        long ms = closeMillis(sender);
        System.out.println("LINGER 20000, peer after 1 s: close() took " + ms + " ms");
        assertThat(peer.get(5, TimeUnit.SECONDS)).as("the late peer bound").isNotNull();
        assertThat(ms).isGreaterThanOrEqualTo(900).isLessThan(10_000);
        assertReceivesAll(peer.get());
    }

    @Test
    void infiniteLingerCloseWaitsForLatePeerAndDeliversEverything() throws Exception {
        String ep = vacantEndpoint();
        Context sender = senderWithQueue(ep, -1);
        CompletableFuture<Socket> peer = peerAppearsAfter(ep, 1500);
        long ms = closeMillis(sender);
        System.out.println("LINGER -1, peer after 1.5 s: close() took " + ms + " ms");
        assertThat(peer.get(5, TimeUnit.SECONDS)).as("the late peer bound").isNotNull();
        assertThat(ms).isGreaterThanOrEqualTo(1400).isLessThan(10_000);
        assertReceivesAll(peer.get());
    }

    @Test
    void zeroLingerCloseDropsTheQueueAtOnce() {
        Context sender = senderWithQueue(vacantEndpoint(), 0);
        long ms = closeMillis(sender);
        System.out.println("LINGER 0, no peer: close() took " + ms + " ms");
        assertThat(ms).isLessThan(1000);
    }

    @Test
    void finiteLingerWithoutPeerKeepsTryingUntilLingerThenReturns() {
        Context sender = senderWithQueue(vacantEndpoint(), 1500);
        long ms = closeMillis(sender);
        System.out.println("LINGER 1500, no peer: close() took " + ms + " ms");
        assertThat(ms).isGreaterThanOrEqualTo(1400).isLessThan(4000);
    }

    @Test
    void interruptingCloseCutsAnInfiniteLingerShort() throws Exception {
        Context sender = senderWithQueue(vacantEndpoint(), -1);
        Thread closer = new Thread(sender::close, "closer");
        closer.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> closer.getState() == Thread.State.TIMED_WAITING || !closer.isAlive());
        assertThat(closer.isAlive()).as("LINGER -1 with no peer waits").isTrue();
        long t0 = System.nanoTime();
        closer.interrupt();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
    }

    @Test
    void finiteLingerBoundsCloseWhenAConnectedPeerStopsReading() {
        peerCtx = new Context();
        Socket pull = peerCtx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, 1);
        Context sender = new Context();
        Socket push = sender.socket(SocketType.PUSH);
        push.setOption(ZmqOption.SNDHWM, 0);
        push.setOption(ZmqOption.LINGER, 1000);
        push.bind("tcp://127.0.0.1:*");
        pull.connect(push.getOption(ZmqOption.LAST_ENDPOINT));
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < 64; i++) { // far more than the socket buffers and the peer's HWM hold
            push.send(Frame.wrap(big));
        }
        long ms = closeMillis(sender);
        System.out.println("LINGER 1000, peer not reading: close() took " + ms + " ms");
        assertThat(ms).isGreaterThanOrEqualTo(900).isLessThan(4000);
    }

    @Test
    void socketCloseReturnsAtOnceAndItsConnecterDeliversToAPeerAppearingWithinLinger() throws Exception {
        String ep = vacantEndpoint();
        try (Context ctx = new Context()) {
            Socket push = ctx.socket(SocketType.PUSH);
            push.setOption(ZmqOption.SNDHWM, 0);
            push.setOption(ZmqOption.LINGER, 20_000);
            push.connect(ep);
            for (int i = 0; i < N; i++) {
                push.send("m" + i);
            }
            long t0 = System.nanoTime();
            push.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
            CompletableFuture<Socket> peer = peerAppearsAfter(ep, 500);
            assertReceivesAll(peer.get(10, TimeUnit.SECONDS));
        }
    }
}
