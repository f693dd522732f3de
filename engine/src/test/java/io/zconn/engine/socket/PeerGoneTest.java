package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.Poller;
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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.zconn.engine.socket.PipeLifecycleTest.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** POLLIN after a peer left, inproc connect-before-bind, and XPUB's bounded notices. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerGoneTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    @ParameterizedTest
    @CsvSource({"PULL,PUSH", "ROUTER,DEALER", "DEALER,DEALER", "REP,REQ"})
    void noPollInOverTcpOnceTheOnlyPeerHasGone(SocketType type, SocketType peerType) {
        Socket s = ctx.socket(type);
        s.bind("tcp://127.0.0.1:*");
        Socket peer = ctx.socket(peerType);
        peer.connect(s.getOption(ZmqOption.LAST_ENDPOINT));
        peer.send("hello");
        Message m = s.recvMessage(WAIT);
        assertThat(m).isNotNull();
        if (type == SocketType.REP) {
            s.send("reply"); // REP may only be readable again after replying
        }
        peer.close();
        await().atMost(WAIT).until(() -> state(s).get("pipes") == 0);
        try (Poller poller = new Poller()) {
            int i = poller.register(s, Poller.POLLIN);
            assertThat(poller.poll(200)).isZero();
            assertThat(poller.isReadable(i)).isFalse();
        }
        assertThat(s.events() & Poller.POLLIN).isZero();
        assertThat(s.tryRecvMessage()).isNull();
    }

    @Test
    void connectingRouterKnowsTheBinderByItsRoutingIdWhenConnectedFirst() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        router.setOption(ZmqOption.ROUTING_ID, "router".getBytes(StandardCharsets.UTF_8));
        router.connect("inproc://router-first");
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "binder".getBytes(StandardCharsets.UTF_8));
        dealer.bind("inproc://router-first");
        router.send(Message.of("binder", "hi"));
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("hi");
        dealer.send("back");
        Message m = router.recvMessage(WAIT);
        assertThat(m.get(0).text()).isEqualTo("binder");
        assertThat(m.get(1).text()).isEqualTo("back");
        assertThat(state(router).get("routingIds")).isEqualTo(1);
    }

    @Test
    void incompatibleSocketConnectedBeforeBindIsRefused() {
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("inproc://mismatch");
        push.send("lost");
        Socket pub = ctx.socket(SocketType.PUB);
        pub.bind("inproc://mismatch");
        assertThat(state(pub).get("pipes")).isZero();
        await().atMost(WAIT).until(() -> state(push).get("pipes") == 0);
        assertThat(push.trySend(io.zconn.engine.Frame.of("x"))).isFalse();
        // the bind-first path refuses the same pair at connect
        Socket push2 = ctx.socket(SocketType.PUSH);
        assertThatThrownBy(() -> push2.connect("inproc://mismatch"))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void megabyteSubscriptionThenCancelAndDisconnectLeaveXpubEmpty() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.bind("inproc://huge-topic");
        Socket sub = ctx.socket(SocketType.SUB);
        sub.connect("inproc://huge-topic");
        byte[] topic = new byte[1 << 20];
        java.util.Arrays.fill(topic, (byte) 'h');
        sub.subscribe(topic);
        byte[] notice = xpub.recvFrame(WAIT).data();
        assertThat(notice).hasSize(topic.length + 1);
        xpub.send(topic);
        assertThat(sub.recvFrame(WAIT).size()).isEqualTo(topic.length);
        sub.unsubscribe(topic); // the CANCEL walk
        assertThat(xpub.recvFrame(WAIT).data()[0]).isZero();
        sub.subscribe(topic);
        assertThat(xpub.recvFrame(WAIT).data()[0]).isEqualTo((byte) 1);
        sub.disconnect("inproc://huge-topic"); // the removeAll walk
        byte[] gone = xpub.recvFrame(WAIT).data();
        assertThat(gone[0]).isZero();
        assertThat(gone).hasSize(topic.length + 1);
        assertThat(state(xpub)).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
    }

    @Test
    void xpubHoldsAtMostRcvHwmNoticesAndResumesWhenTheUserReads() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.RCVHWM, 10);
        xpub.bind("inproc://notices");
        Socket xsub = ctx.socket(SocketType.XSUB);
        xsub.connect("inproc://notices");
        for (int i = 0; i < 100; i++) {
            byte[] topic = ("t" + i).getBytes(StandardCharsets.UTF_8);
            byte[] sub = new byte[topic.length + 1];
            sub[0] = 1;
            System.arraycopy(topic, 0, sub, 1, topic.length);
            xsub.send(sub);
        }
        assertThat(state(xpub).get("pending")).isEqualTo(10);
        assertThat(state(xpub).get("fq")).isEqualTo(1); // the rest waits in the pipe
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] d = xpub.recvFrame(WAIT).data();
            assertThat(d[0]).isEqualTo((byte) 1);
            seen.add(new String(d, 1, d.length - 1, StandardCharsets.UTF_8));
            assertThat(state(xpub).get("pending")).isLessThanOrEqualTo(10);
        }
        assertThat(seen).hasSize(100);
        assertThat(xpub.tryRecvFrame()).isNull();
    }
    @Test
    void oneSubscribersStormDoesNotKeepAnotherSubscriptionOutOfAnUnreadXpub() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.RCVHWM, 10);
        xpub.bind("inproc://storm");
        Socket storm = ctx.socket(SocketType.XSUB);
        storm.connect("inproc://storm");
        for (int i = 0; i < 100; i++) {
            storm.send(("\u0001storm" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(state(xpub).get("pending")).isEqualTo(10); // the storm's quota, the rest in its pipe
        Socket sub = ctx.socket(SocketType.SUB);
        sub.subscribe("news");
        sub.connect("inproc://storm");
        // the user never reads, yet the new subscription is taken: news reaches the subscriber
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            xpub.send("news flash");
            return sub.tryRecvFrame() != null;
        });
        assertThat(state(xpub).get("pending")).isEqualTo(11);
    }
}
