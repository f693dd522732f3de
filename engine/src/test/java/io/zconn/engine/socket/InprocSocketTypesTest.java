package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Poller;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InprocSocketTypesTest {
    private final Context ctx = new Context();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket socket(SocketType t) {
        return ctx.socket(t);
    }

    @Test
    void pushDistributesRoundRobinAcrossPeers() {
        Socket push = socket(SocketType.PUSH);
        push.bind("inproc://rr");
        Socket a = socket(SocketType.PULL);
        Socket b = socket(SocketType.PULL);
        a.connect("inproc://rr");
        b.connect("inproc://rr");
        // both connections are attached once the binder has processed its mailbox
        for (int i = 0; i < 4; i++) {
            push.send("m" + i);
        }
        int fromA = 0, fromB = 0;
        while (a.recvFrame(Duration.ofMillis(200)) != null) {
            fromA++;
        }
        while (b.recvFrame(Duration.ofMillis(200)) != null) {
            fromB++;
        }
        assertThat(fromA + fromB).isEqualTo(4);
        assertThat(fromA).isEqualTo(2);
        assertThat(fromB).isEqualTo(2);
    }

    @Test
    void connectBeforeBindQueuesMessages() {
        Socket push = socket(SocketType.PUSH);
        push.connect("inproc://later");
        push.send("early");
        Socket pull = socket(SocketType.PULL);
        pull.bind("inproc://later");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("early");
    }

    @Test
    void multipartMessagesArriveWhole() {
        Socket push = socket(SocketType.PUSH);
        push.bind("inproc://mp");
        Socket pull = socket(SocketType.PULL);
        pull.connect("inproc://mp");
        push.send(Message.of("a", "", "c"));
        Message m = pull.recvMessage(WAIT);
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.get(1).size()).isZero();
        assertThat(m.get(2).text()).isEqualTo("c");
    }

    @Test
    void reqRepAlternatesAndEnforcesStateMachine() {
        Socket rep = socket(SocketType.REP);
        rep.bind("inproc://rr2");
        Socket req = socket(SocketType.REQ);
        req.connect("inproc://rr2");
        req.send("hello");
        assertThatThrownBy(() -> req.send("again")).isInstanceOf(ZmqException.class)
                .extracting(e -> ((ZmqException) e).errno()).isEqualTo(Errno.EFSM);
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("hello");
        assertThatThrownBy(rep::tryRecvFrame).extracting(e -> ((ZmqException) e).errno()).isEqualTo(Errno.EFSM);
        rep.send("world");
        assertThat(req.recvFrame(WAIT).text()).isEqualTo("world");
        req.send("again");
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("again");
    }

    @Test
    void routerPrefixesRoutingIdAndRoutesReplies() {
        Socket router = socket(SocketType.ROUTER);
        router.bind("inproc://router");
        Socket dealer = socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "D1".getBytes(StandardCharsets.US_ASCII));
        dealer.connect("inproc://router");
        dealer.send("ping");
        Message m = router.recvMessage(WAIT);
        assertThat(m.get(0).text()).isEqualTo("D1");
        assertThat(m.get(1).text()).isEqualTo("ping");
        router.send(Message.of("D1", "pong"));
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("pong");
    }

    @Test
    void routerMandatoryRefusesUnknownPeer() {
        Socket router = socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        assertThatThrownBy(() -> router.send(Message.of("nobody", "x")))
                .extracting(e -> ((ZmqException) e).errno()).isEqualTo(Errno.EHOSTUNREACH);
    }

    @Test
    void reqThroughRouterDealerProxyKeepsEnvelope() {
        Socket front = socket(SocketType.ROUTER);
        front.bind("inproc://front");
        Socket back = socket(SocketType.DEALER);
        back.bind("inproc://back");
        Socket rep = socket(SocketType.REP);
        rep.connect("inproc://back");
        Socket req = socket(SocketType.REQ);
        req.connect("inproc://front");
        req.send("q");
        back.send(front.recvMessage(WAIT));
        assertThat(rep.recvString()).isEqualTo("q");
        rep.send("a");
        front.send(back.recvMessage(WAIT));
        assertThat(req.recvString()).isEqualTo("a");
    }

    @Test
    void subReceivesOnlyMatchingPrefixesAndStopsAfterUnsubscribe() {
        Socket pub = socket(SocketType.PUB);
        pub.bind("inproc://ps");
        Socket sub = socket(SocketType.SUB);
        sub.subscribe("news");
        sub.connect("inproc://ps");
        pub.send("weather sunny");
        pub.send("news today");
        assertThat(sub.recvFrame(WAIT).text()).isEqualTo("news today");
        sub.unsubscribe("news");
        sub.subscribe("w");
        pub.send("news again");
        pub.send("weather rain");
        assertThat(sub.recvFrame(WAIT).text()).isEqualTo("weather rain");
        assertThat(sub.tryRecvFrame()).isNull();
    }

    @Test
    void xpubReportsNewSubscriptionsAndVerboseReportsAll() {
        Socket xpub = socket(SocketType.XPUB);
        xpub.bind("inproc://xp");
        Socket s1 = socket(SocketType.SUB);
        s1.connect("inproc://xp");
        s1.subscribe("t");
        Frame f = xpub.recvFrame(WAIT);
        assertThat(f.data()).containsExactly(1, 't');
        Socket s2 = socket(SocketType.SUB);
        s2.connect("inproc://xp");
        s2.subscribe("t");
        assertThat(xpub.recvFrame(Duration.ofMillis(200))).isNull();
        xpub.setOption(ZmqOption.XPUB_VERBOSE, true);
        Socket s3 = socket(SocketType.SUB);
        s3.connect("inproc://xp");
        s3.subscribe("t");
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(1, 't');
    }

    @Test
    void pairIsExclusive() {
        Socket a = socket(SocketType.PAIR);
        a.bind("inproc://pair");
        Socket b = socket(SocketType.PAIR);
        b.connect("inproc://pair");
        Socket c = socket(SocketType.PAIR);
        c.connect("inproc://pair");
        b.send("from b");
        // the binder refused c as a second peer, so c has nobody to send to
        assertThat(c.trySend(Frame.of("from c"))).isFalse();
        assertThat(a.recvFrame(WAIT).text()).isEqualTo("from b");
        assertThat(a.recvFrame(Duration.ofMillis(200))).isNull();
        a.send("back");
        assertThat(b.recvFrame(WAIT).text()).isEqualTo("back");
    }

    @Test
    void pushBlocksAtHwmAndTimesOut() {
        Socket push = socket(SocketType.PUSH);
        push.setOption(ZmqOption.SNDHWM, 2);
        push.bind("inproc://hwm");
        Socket pull = socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, 2);
        pull.connect("inproc://hwm");
        int sent = 0;
        while (push.send(Frame.of("x"), Duration.ofMillis(100))) {
            sent++;
        }
        assertThat(sent).isEqualTo(4); // inproc: sender's SNDHWM plus receiver's RCVHWM
        // a blocked sender resumes once the receiver drains to the low-water mark (half the HWM)
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> push.send(Frame.of("y"), WAIT));
        assertThat(pull.recvFrame(WAIT)).isNotNull();
        assertThat(pull.recvFrame(WAIT)).isNotNull();
        assertThat(blocked.join()).isTrue();
    }

    @Test
    void blockedReceiverWakesWhenMessageArrives() throws Exception {
        Socket pull = socket(SocketType.PULL);
        pull.bind("inproc://wake");
        Socket push = socket(SocketType.PUSH);
        push.connect("inproc://wake");
        CompletableFuture<String> got = CompletableFuture.supplyAsync(pull::recvString);
        push.send("late");
        assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("late");
    }

    @Test
    void pollerReportsReadableSocketAmongMany() {
        Socket p1 = socket(SocketType.PULL);
        p1.bind("inproc://p1");
        Socket p2 = socket(SocketType.PULL);
        p2.bind("inproc://p2");
        Socket push = socket(SocketType.PUSH);
        push.connect("inproc://p2");
        try (Poller poller = new Poller()) {
            int i1 = poller.register(p1, Poller.POLLIN);
            int i2 = poller.register(p2, Poller.POLLIN);
            assertThat(poller.poll(0)).isZero();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> push.send("x"));
            assertThat(poller.poll(5000)).isEqualTo(1);
            assertThat(poller.isReadable(i1)).isFalse();
            assertThat(poller.isReadable(i2)).isTrue();
            assertThat(sent).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void closeWakesBlockedReceiverWithEterm() throws Exception {
        Socket pull = socket(SocketType.PULL);
        pull.bind("inproc://term");
        CompletableFuture<Object> got = CompletableFuture.supplyAsync(() -> {
            try {
                return pull.recvFrame();
            } catch (ZmqException e) {
                return e.errno();
            }
        });
        // give the receiver a chance to block; correctness does not depend on it
        Thread.onSpinWait();
        ctx.close();
        assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo(Errno.ETERM);
    }

    @Test
    void proxyForwardsRequestsAndRepliesBetweenRouterAndDealer() throws Exception {
        Socket front = socket(SocketType.ROUTER);
        front.bind("inproc://pfront");
        Socket back = socket(SocketType.DEALER);
        back.bind("inproc://pback");
        io.zconn.engine.Proxy proxy = new io.zconn.engine.Proxy(front, back, null);
        CompletableFuture<Void> running = CompletableFuture.runAsync(proxy);
        Socket rep = socket(SocketType.REP);
        rep.connect("inproc://pback");
        Socket req = socket(SocketType.REQ);
        req.connect("inproc://pfront");
        req.send("ping");
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("ping");
        rep.send("pong");
        assertThat(req.recvFrame(WAIT).text()).isEqualTo("pong");
        proxy.stop();
        running.get(5, TimeUnit.SECONDS);
    }

    @Test
    void pubDropsForSubscriberAtHwmInsteadOfBlocking() {
        Socket pub = socket(SocketType.PUB);
        pub.setOption(ZmqOption.SNDHWM, 5);
        pub.bind("inproc://pubhwm");
        Socket sub = socket(SocketType.SUB);
        sub.setOption(ZmqOption.RCVHWM, 5);
        sub.subscribe("");
        sub.connect("inproc://pubhwm");
        for (int i = 0; i < 1000; i++) {
            assertThat(pub.trySend(Frame.of("m" + i))).isTrue(); // never blocks
        }
        int got = 0;
        while (sub.recvFrame(Duration.ofMillis(100)) != null) {
            got++;
        }
        assertThat(got).isEqualTo(10); // SNDHWM + RCVHWM over inproc; the rest were dropped
    }

    @Test
    void routerDropsForPeerAtHwmOrRefusesWithMandatory() {
        Socket router = socket(SocketType.ROUTER);
        router.setOption(ZmqOption.SNDHWM, 2);
        router.bind("inproc://routerhwm");
        Socket dealer = socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "slow".getBytes(StandardCharsets.US_ASCII));
        dealer.setOption(ZmqOption.RCVHWM, 2);
        dealer.connect("inproc://routerhwm");
        for (int i = 0; i < 100; i++) {
            assertThat(router.trySend(Message.of("slow", "m" + i))).isTrue(); // dropped, not blocked
        }
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        assertThat(router.trySend(Message.of("slow", "more"))).isFalse(); // EAGAIN under mandatory
        int got = 0;
        while (dealer.recvFrame(Duration.ofMillis(100)) != null) {
            got++;
        }
        assertThat(got).isEqualTo(4);
    }
}
