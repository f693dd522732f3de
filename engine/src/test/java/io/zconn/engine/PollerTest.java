package io.zconn.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollerTest {
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket pull(String name) {
        Socket s = ctx.socket(SocketType.PULL);
        s.bind("inproc://" + name);
        return s;
    }

    private Socket push(String name) {
        Socket s = ctx.socket(SocketType.PUSH);
        s.connect("inproc://" + name);
        return s;
    }

    @Test
    void waiterStaysAttachedAcrossPollsAndIsDetachedOnClose() {
        Socket a = pull("keep-a");
        Socket b = pull("keep-b");
        Socket toB = push("keep-b");
        Poller poller = new Poller();
        poller.register(a, Poller.POLLIN);
        int ib = poller.register(b, Poller.POLLIN);
        assertThat(poller.attachedTo(a)).isFalse(); // nothing attached before a poll blocks
        assertThat(poller.poll(1)).isZero();
        assertThat(poller.attachedTo(a)).isTrue();
        assertThat(poller.attachedTo(b)).isTrue();
        toB.send("x");
        assertThat(poller.poll(5000)).isEqualTo(1);
        assertThat(poller.isReadable(ib)).isTrue();
        assertThat(b.recvString()).isEqualTo("x");
        assertThat(poller.attachedTo(a)).isTrue();
        poller.close();
        assertThat(poller.attachedTo(a)).isFalse();
        assertThat(poller.attachedTo(b)).isFalse();
        assertThat(poller.size()).isZero();
    }

    @Test
    void unregisterDetachesThatSocketOnly() {
        Socket a = pull("unreg-a");
        Socket b = pull("unreg-b");
        Socket toB = push("unreg-b");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            poller.register(b, Poller.POLLIN);
            assertThat(poller.poll(1)).isZero();
            poller.unregister(a);
            assertThat(poller.attachedTo(a)).isFalse();
            assertThat(poller.attachedTo(b)).isTrue();
            assertThat(poller.size()).isEqualTo(1);
            assertThat(poller.socket(0)).isSameAs(b);
            toB.send("y");
            assertThat(poller.poll(5000)).isEqualTo(1);
            assertThat(poller.isReadable(0)).isTrue();
        }
    }

    @Test
    void socketRegisteredAfterAttachWakesThePoll() {
        Socket a = pull("late-a");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            assertThat(poller.poll(1)).isZero(); // attached now
            Socket c = pull("late-c");
            int ic = poller.register(c, Poller.POLLIN);
            assertThat(poller.attachedTo(c)).isTrue();
            Socket toC = push("late-c");
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> toC.send("z"));
            assertThat(poller.poll(10_000)).isEqualTo(1);
            assertThat(poller.isReadable(ic)).isTrue();
            assertThat(sent).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void everyMessageSentWhilePollingWakesThePoll() {
        Socket a = pull("race-a");
        Socket b = pull("race-b");
        Socket toB = push("race-b");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            int ib = poller.register(b, Poller.POLLIN);
            for (int i = 0; i < 2000; i++) {
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> toB.send("m"));
                // a lost wake-up would leave this poll to its 10 s timeout and return 0
                assertThat(poller.poll(10_000)).as("poll %d", i).isEqualTo(1);
                assertThat(poller.isReadable(ib)).isTrue();
                assertThat(b.recvString()).isEqualTo("m");
                assertThat(sent).succeedsWithin(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void pollReturnsZeroAfterItsTimeout() {
        Socket a = pull("timeout-a");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            long start = System.nanoTime();
            assertThat(poller.poll(50)).isZero();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(poller.poll(0)).isZero();
        }
    }

    @Test
    void closingARegisteredSocketEndsABlockedPollWithEterm() {
        Socket a = pull("closed-a");
        Socket b = pull("closed-b");
        Poller poller = new Poller();
        poller.register(a, Poller.POLLIN);
        poller.register(b, Poller.POLLIN);
        CompletableFuture<Object> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return poller.poll(-1);
            } catch (ZmqException e) {
                return e.errno();
            }
        });
        // whether the poll is already blocked or not yet started, it must end with ETERM
        a.close();
        assertThat(polled).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(Errno.ETERM);
        poller.close();
        assertThat(poller.attachedTo(b)).isFalse();
        assertThat(poller.attachedTo(a)).isFalse();
    }

    @Test
    void interruptEndsABlockedPollWithEterm() {
        Socket a = pull("interrupt-a");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            Thread.currentThread().interrupt();
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> poller.poll(10_000))
                        .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETERM));
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void aWakeUpAsksOnlyTheSocketsThatHadAnEventOrWereReady() {
        Socket[] pulls = new Socket[50];
        try (Poller poller = new Poller()) {
            for (int i = 0; i < pulls.length; i++) {
                pulls[i] = pull("quiet-" + i);
                poller.register(pulls[i], Poller.POLLIN);
            }
            Socket toSeven = push("quiet-7");
            assertThat(poller.poll(0)).isZero();
            long first = poller.asked();
            assertThat(first).isEqualTo(pulls.length); // the first scan asks every socket
            toSeven.send("m");
            assertThat(poller.poll(10_000)).isEqualTo(1);
            assertThat(poller.isReadable(7)).isTrue();
            // only the socket with a pipe event was asked (a few times if the poll woke early)
            long afterEvent = poller.asked() - first;
            assertThat(afterEvent).isBetween(1L, 3L);
            assertThat(pulls[7].recvString()).isEqualTo("m");
            long before = poller.asked();
            assertThat(poller.poll(0)).isZero();
            // the one that was readable is asked again (it may still be); the other 49 are not
            assertThat(poller.asked() - before).isEqualTo(1);
        }
    }

    @Test
    void aCallThatMakesASocketReadyIsSeenThoughNoPipeEventCame() {
        Socket rep = ctx.socket(SocketType.REP);
        rep.bind("inproc://call-ready");
        Socket req = ctx.socket(SocketType.REQ);
        req.connect("inproc://call-ready");
        try (Poller poller = new Poller()) {
            int ir = poller.register(rep, Poller.POLLOUT);
            assertThat(poller.poll(0)).isZero(); // a REP can send only after a request
            req.send("q");
            await().atMost(Duration.ofSeconds(10)).until(() -> (rep.getOption(ZmqOption.EVENTS) & Poller.POLLIN) != 0);
            assertThat(poller.poll(0)).isZero();
            assertThat(rep.recvString()).isEqualTo("q"); // makes it writable, no pipe event
            assertThat(poller.poll(0)).isEqualTo(1);
            assertThat(poller.isWritable(ir)).isTrue();
        }
    }

    @Test
    void aClosedSocketFailsEveryPollNotOnlyTheFirst() {
        Socket a = pull("closed-again-a");
        Socket b = pull("closed-again-b");
        try (Poller poller = new Poller()) {
            poller.register(a, Poller.POLLIN);
            poller.register(b, Poller.POLLIN);
            assertThat(poller.poll(0)).isZero();
            a.close();
            for (int i = 0; i < 2; i++) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> poller.poll(0))
                        .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ETERM));
            }
        }
    }
}
