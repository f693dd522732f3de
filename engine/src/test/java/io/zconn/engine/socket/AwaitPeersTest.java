package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code Socket.awaitPeers}: the readiness gate. PUB/XPUB count subscribers whose subscriptions
 * arrived, every other type counts connected peers; the wait ends on the count, the timeout,
 * interruption or the context closing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AwaitPeersTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket socket(SocketType type) {
        Socket s = ctx.socket(type);
        s.setOption(ZmqOption.LINGER, 0);
        return s;
    }

    private static String bind(Socket s, String ep) {
        s.bind(ep);
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    /** Waits in another thread; the caller checks it is still waiting, then makes it finish. */
    private static CompletableFuture<Boolean> awaitAsync(Socket s, int n, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> s.awaitPeers(n, timeout));
    }

    @Test
    void pubOverTcpReturnsOnlyAfterBothSubscribedAndItsFirstMessageReachesBoth() throws Exception {
        pubGateDeliversFirstMessage("tcp://127.0.0.1:*");
    }

    @Test
    void pubOverInprocReturnsOnlyAfterBothSubscribedAndItsFirstMessageReachesBoth() throws Exception {
        pubGateDeliversFirstMessage("inproc://await-peers-pub");
    }

    private void pubGateDeliversFirstMessage(String where) throws Exception {
        Socket pub = socket(SocketType.PUB);
        String ep = bind(pub, where);
        Socket a = socket(SocketType.SUB);
        Socket b = socket(SocketType.SUB);
        a.connect(ep);
        b.connect(ep);
        a.subscribe("");
        CompletableFuture<Boolean> gate = awaitAsync(pub, 2, WAIT);
        await().until(() -> pub.peers() == 1);
        // b is connected but has subscribed to nothing: it does not count, so the gate stays shut
        assertThat(pub.awaitPeers(2, Duration.ofMillis(200))).isFalse();
        assertThat(gate).isNotDone();
        b.subscribe("#");
        assertThat(gate.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        pub.send("#0");
        assertThat(a.recvFrame(WAIT)).isNotNull().extracting(f -> new String(f.data(), StandardCharsets.UTF_8)).isEqualTo("#0");
        assertThat(b.recvFrame(WAIT)).isNotNull().extracting(f -> new String(f.data(), StandardCharsets.UTF_8)).isEqualTo("#0");
    }

    @Test
    void pubConnectingToBoundSubsCountsThemOnceSubscribed() {
        Socket pub = socket(SocketType.PUB);
        List<Socket> subs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Socket s = socket(SocketType.SUB);
            s.subscribe("");
            pub.connect(bind(s, "tcp://127.0.0.1:*"));
            subs.add(s);
        }
        assertThat(pub.awaitPeers(2, WAIT)).isTrue();
        pub.send("#0");
        for (Socket s : subs) {
            assertThat(s.recvFrame(WAIT)).isNotNull().extracting(f -> new String(f.data(), StandardCharsets.UTF_8)).isEqualTo("#0");
        }
    }

    @Test
    void xpubCountsASubscriberBeforeTheUserReadsItsSubscription() {
        Socket xpub = socket(SocketType.XPUB);
        String ep = bind(xpub, "inproc://await-peers-xpub");
        Socket sub = socket(SocketType.SUB);
        sub.connect(ep);
        assertThat(xpub.awaitPeers(1, Duration.ofMillis(100))).isFalse();
        sub.subscribe("t");
        assertThat(xpub.awaitPeers(1, WAIT)).isTrue();
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(1, 't');
    }

    @Test
    void timesOutWithFalseWithinTheBound() {
        Socket pub = socket(SocketType.PUB);
        bind(pub, "tcp://127.0.0.1:*");
        long start = System.nanoTime();
        assertThat(pub.awaitPeers(1, Duration.ofMillis(300))).isFalse();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).isBetween(290L, 5_000L);
        assertThat(pub.awaitPeers(1, Duration.ZERO)).isFalse();
        assertThat(pub.awaitPeers(0, Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> pub.awaitPeers(-1, Duration.ZERO))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void aSubscriberThatLeavesStopsCounting() {
        Socket pub = socket(SocketType.PUB);
        String ep = bind(pub, "tcp://127.0.0.1:*");
        Socket sub = socket(SocketType.SUB);
        sub.connect(ep);
        sub.subscribe("");
        assertThat(pub.awaitPeers(1, WAIT)).isTrue();
        sub.close();
        await().until(() -> pub.peers() == 0);
        assertThat(pub.awaitPeers(1, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void aConnectingPipeCountsOnlyWhileItsConnectionIsUp() {
        Socket pull = socket(SocketType.PULL);
        String ep = bind(pull, "tcp://127.0.0.1:*");
        Socket push = socket(SocketType.PUSH);
        push.setOption(ZmqOption.RECONNECT_IVL, 50);
        push.connect(ep);
        assertThat(push.awaitPeers(1, WAIT)).isTrue();
        pull.close();
        // the pipe outlives the connection (messages queue for the next peer) but is no peer now
        await().until(() -> push.peers() == 0);
    }

    @Test
    void inprocConnectBeforeBindCountsOnceBound() throws Exception {
        Socket push = socket(SocketType.PUSH);
        push.connect("inproc://await-peers-later");
        assertThat(push.awaitPeers(1, Duration.ZERO)).isFalse();
        CompletableFuture<Boolean> gate = awaitAsync(push, 1, WAIT);
        Socket pull = socket(SocketType.PULL);
        pull.bind("inproc://await-peers-later");
        assertThat(gate.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(pull.peers()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"PUSH, PULL", "PULL, PUSH", "DEALER, DEALER", "ROUTER, DEALER", "REQ, REP", "REP, REQ",
            "SUB, PUB", "PAIR, PAIR"})
    void otherTypesCountConnectedPeersOnBothSides(SocketType bound, SocketType connecting) {
        Socket server = socket(bound);
        String ep = bind(server, "tcp://127.0.0.1:*");
        int n = bound == SocketType.PAIR ? 1 : 3;
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket c = socket(connecting);
            c.connect(ep);
            clients.add(c);
        }
        assertThat(server.awaitPeers(n, WAIT)).isTrue();
        assertThat(server.peers()).isEqualTo(n);
        if (connecting != SocketType.PUB) {
            for (Socket c : clients) {
                assertThat(c.awaitPeers(1, WAIT)).isTrue();
            }
        }
    }

    @Test
    void closingTheContextWakesAWaiterWithEterm() {
        Context other = new Context();
        Socket pub = other.socket(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:*");
        AtomicBoolean waiting = new AtomicBoolean();
        CompletableFuture<Boolean> gate = CompletableFuture.supplyAsync(() -> {
            waiting.set(true);
            return pub.awaitPeers(1, Duration.ofSeconds(30));
        });
        await().untilTrue(waiting);
        other.close();
        assertThatThrownBy(() -> gate.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETERM));
    }

    @Test
    void anInterruptedWaiterGetsEtermAndKeepsItsFlag() throws Exception {
        Socket pub = socket(SocketType.PUB);
        bind(pub, "tcp://127.0.0.1:*");
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                outcome.complete(pub.awaitPeers(1, Duration.ofSeconds(30)));
            } catch (ZmqException e) {
                outcome.complete(e.errno() + " interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        await().until(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        assertThat(outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Errno.ETERM + " interrupted=true");
    }
}
