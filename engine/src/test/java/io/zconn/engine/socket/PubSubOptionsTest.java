package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * libzmq 4.3.4's publish-subscribe options over inproc: XPUB_NODROP, XPUB_MANUAL,
 * XPUB_WELCOME_MSG, XPUB_VERBOSE / XPUB_VERBOSER, INVERT_MATCHING, and XSUB not filtering.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PubSubOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(200);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static byte[] sub(int kind, String topic) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] d = new byte[t.length + 1];
        d[0] = (byte) kind;
        System.arraycopy(t, 0, d, 1, t.length);
        return d;
    }

    private static String text(Frame f) {
        return f == null ? null : new String(f.data(), StandardCharsets.UTF_8);
    }

    /** Receives everything that arrives until the socket stays quiet for {@link #QUIET}. */
    private static List<String> drain(Socket s) {
        List<String> out = new ArrayList<>();
        Frame f;
        while ((f = s.recvFrame(QUIET)) != null) {
            out.add(text(f));
        }
        return out;
    }

    /** A connected XSUB that subscribed to {@code topic}, once the XPUB has read the subscription. */
    private Socket xsub(String ep, String topic, Socket xpub) {
        Socket s = ctx.socket(SocketType.XSUB);
        s.connect(ep);
        s.send(Frame.wrap(sub(1, topic)));
        if (xpub.type() == SocketType.XPUB) {
            assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(1, topic));
        }
        return s;
    }

    // ---- XPUB_NODROP ---------------------------------------------------------------------------

    @Test
    void nodropRefusesAtSubscriberHwmAndLosesNothing() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.XPUB_NODROP, true);
        pub.setOption(ZmqOption.SNDHWM, 5);
        pub.bind("inproc://nodrop");
        Socket s = ctx.socket(SocketType.SUB);
        s.setOption(ZmqOption.RCVHWM, 5);
        s.subscribe("");
        s.connect("inproc://nodrop");
        int sent = 0;
        while (pub.trySend(Frame.of("m" + sent))) {
            sent++;
            assertThat(sent).as("sends before the HWM refuses").isLessThanOrEqualTo(10);
        }
        assertThat(sent).isEqualTo(10); // SNDHWM + RCVHWM over inproc, then EAGAIN instead of a drop
        pub.setOption(ZmqOption.SNDTIMEO, 50);
        assertThatThrownBy(() -> pub.send("late")).isInstanceOf(ZmqException.class)
                .extracting(e -> ((ZmqException) e).errno()).isEqualTo(Errno.EAGAIN);
        List<String> got = drain(s);
        assertThat(got).hasSize(10).first().isEqualTo("m0");
        assertThat(got).last().isEqualTo("m9");
        assertThat(pub.trySend(Frame.of("again"))).isTrue(); // room once the subscriber read
        assertThat(text(s.recvFrame(WAIT))).isEqualTo("again");
    }

    @Test
    void nodropBlockedSendResumesWhenSubscriberReads() throws Exception {
        Socket pub = ctx.socket(SocketType.XPUB);
        pub.setOption(ZmqOption.XPUB_NODROP, true);
        pub.setOption(ZmqOption.SNDHWM, 1);
        pub.bind("inproc://nodrop-block");
        Socket s = ctx.socket(SocketType.SUB);
        s.setOption(ZmqOption.RCVHWM, 1);
        s.subscribe("");
        s.connect("inproc://nodrop-block");
        assertThat(pub.recvFrame(WAIT).data()).containsExactly(1);
        while (pub.trySend(Frame.of("fill"))) {
            // fill the subscriber's pipe
        }
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> pub.send(Frame.of("last"), WAIT));
        assertThat(s.recvFrame(WAIT)).isNotNull();
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isTrue();
        List<String> got = drain(s);
        assertThat(got).last().isEqualTo("last");
    }

    @Test
    void nodropWaitsOnlyForMatchingSubscribers() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.XPUB_NODROP, true);
        pub.setOption(ZmqOption.SNDHWM, 2);
        pub.bind("inproc://nodrop-match");
        Socket a = ctx.socket(SocketType.SUB);
        a.setOption(ZmqOption.RCVHWM, 2);
        a.subscribe("a");
        a.connect("inproc://nodrop-match");
        Socket b = ctx.socket(SocketType.SUB);
        b.setOption(ZmqOption.RCVHWM, 2);
        b.subscribe("b");
        b.connect("inproc://nodrop-match");
        int sent = 0;
        while (pub.trySend(Frame.of("a" + sent))) {
            sent++;
        }
        assertThat(sent).isEqualTo(4);
        for (int i = 0; i < 20; i++) {
            assertThat(pub.trySend(Frame.of("b" + i))).as("b's messages do not wait for a").isTrue();
            assertThat(text(b.recvFrame(WAIT))).isEqualTo("b" + i);
        }
        assertThat(drain(a)).containsExactly("a0", "a1", "a2", "a3");
    }

    @Test
    void withoutNodropXpubDropsAtHwm() {
        Socket pub = ctx.socket(SocketType.XPUB);
        pub.setOption(ZmqOption.SNDHWM, 2);
        pub.bind("inproc://drop");
        Socket s = ctx.socket(SocketType.SUB);
        s.setOption(ZmqOption.RCVHWM, 2);
        s.subscribe("");
        s.connect("inproc://drop");
        assertThat(pub.recvFrame(WAIT)).isNotNull();
        for (int i = 0; i < 20; i++) {
            assertThat(pub.trySend(Frame.of("m" + i))).isTrue();
        }
        assertThat(drain(s)).hasSize(4);
    }

    // ---- XPUB_MANUAL -----------------------------------------------------------------------------

    @Test
    void manualPassesEveryRequestUpAndAppliesOnlyWhatTheUserSubscribes() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_MANUAL, true);
        xpub.bind("inproc://manual");
        Socket s = xsub("inproc://manual", "A", xpub); // the request is told, not applied
        xpub.subscribe("B"); // the user decides: this subscriber gets B instead
        xpub.send("A1");
        xpub.send("B1");
        assertThat(drain(s)).containsExactly("B1");
        Socket twin = xsub("inproc://manual", "A", xpub); // a second request for A is told too
        xpub.subscribe("A");
        xpub.send("A2");
        assertThat(drain(twin)).containsExactly("A2");
        assertThat(drain(s)).isEmpty();
        xpub.unsubscribe("A");
        xpub.send("A3");
        assertThat(drain(twin)).isEmpty();
    }

    @Test
    void manualReportsADepartingSubscribersRequestsAndForgetsIt() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_MANUAL, true);
        xpub.bind("inproc://manual-leave");
        Socket stays = xsub("inproc://manual-leave", "T", xpub);
        Socket leaves = xsub("inproc://manual-leave", "T", xpub);
        xpub.subscribe("T"); // applied to the one that leaves
        leaves.close();
        // libzmq tells every request of a departing subscriber, even topics others still ask for
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(0, "T"));
        xpub.subscribe("X"); // the last subscriber is gone: nothing to apply it to
        await().atMost(WAIT).until(() -> PipeLifecycleTest.state(xpub).get("attached") == 1);
        assertThat(PipeLifecycleTest.state(xpub)).containsEntry("subscriptions", 0);
        xpub.send("T1");
        assertThat(drain(stays)).isEmpty();
    }

    @Test
    void subscribeOnXpubNeedsManual() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        assertThatThrownBy(() -> xpub.subscribe("A")).isInstanceOf(ZmqException.class)
                .hasMessageContaining("XPUB_MANUAL");
        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.XPUB_MANUAL, true);
        assertThatThrownBy(() -> pub.subscribe("A")).isInstanceOf(ZmqException.class);
    }

    @Test
    void manualRequestsCountAgainstTheSubscribersRcvhwm() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_MANUAL, true);
        xpub.setOption(ZmqOption.RCVHWM, 3);
        xpub.bind("inproc://manual-bound");
        Socket s = ctx.socket(SocketType.XSUB);
        s.setOption(ZmqOption.SNDHWM, 3);
        s.connect("inproc://manual-bound");
        for (int i = 0; i < 50; i++) {
            s.send(Frame.wrap(sub(1, "t" + i)));
        }
        // RCVHWM requests wait for the user, and stay at that while the rest wait in the pipe
        await().atMost(WAIT).until(() -> PipeLifecycleTest.state(xpub).get("pending") == 3);
        await().during(QUIET).atMost(WAIT).until(() -> PipeLifecycleTest.state(xpub).get("pending") == 3);
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(1, "t0"));
    }

    // ---- XPUB_WELCOME_MSG ------------------------------------------------------------------------

    @Test
    void welcomeMessageReachesEachNewSubscriberThatSubscribesToIt() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_WELCOME_MSG, "WELCOME".getBytes(StandardCharsets.UTF_8));
        xpub.bind("inproc://welcome");
        Socket keen = ctx.socket(SocketType.SUB);
        keen.subscribe("WELCOME");
        keen.connect("inproc://welcome");
        Socket other = ctx.socket(SocketType.SUB);
        other.subscribe("news");
        other.connect("inproc://welcome");
        Socket raw = ctx.socket(SocketType.XSUB); // XSUB does not filter: it always gets it
        raw.connect("inproc://welcome");
        assertThat(text(keen.recvFrame(WAIT))).isEqualTo("WELCOME");
        assertThat(text(raw.recvFrame(WAIT))).isEqualTo("WELCOME");
        assertThat(other.recvFrame(QUIET)).isNull();
        assertThat(drain(keen)).isEmpty(); // once per subscriber
    }

    @Test
    void emptyWelcomeMessageSendsNone() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_WELCOME_MSG, "hi".getBytes(StandardCharsets.UTF_8));
        xpub.setOption(ZmqOption.XPUB_WELCOME_MSG, new byte[0]);
        xpub.bind("inproc://no-welcome");
        Socket raw = ctx.socket(SocketType.XSUB);
        raw.connect("inproc://no-welcome");
        assertThat(raw.recvFrame(QUIET)).isNull();
    }

    // ---- XPUB_VERBOSE / XPUB_VERBOSER -----------------------------------------------------------

    @Test
    void verboserPassesDuplicateUnsubscriptionsUp() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_VERBOSER, true);
        assertThat(xpub.getOption(ZmqOption.XPUB_VERBOSE)).isTrue();
        xpub.bind("inproc://verboser");
        Socket a = xsub("inproc://verboser", "t", xpub);
        Socket b = xsub("inproc://verboser", "t", xpub); // duplicate subscription: told (verbose)
        a.send(Frame.wrap(sub(0, "t")));
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(0, "t")); // others remain: told anyway
        b.close();
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(0, "t"));
    }

    @Test
    void withoutVerboserOnlyTheLastUnsubscriptionIsTold() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.XPUB_VERBOSER, true);
        xpub.setOption(ZmqOption.XPUB_VERBOSE, true); // as libzmq: VERBOSE turns VERBOSER off
        assertThat(xpub.getOption(ZmqOption.XPUB_VERBOSER)).isFalse();
        xpub.bind("inproc://verbose");
        Socket a = xsub("inproc://verbose", "t", xpub);
        Socket b = xsub("inproc://verbose", "t", xpub);
        a.send(Frame.wrap(sub(0, "t")));
        assertThat(xpub.recvFrame(QUIET)).isNull(); // b still wants t
        b.send(Frame.wrap(sub(0, "t")));
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(0, "t"));
    }

    @Test
    void departingSubscriberWithoutVerboserReportsOnlyOrphanedTopics() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.bind("inproc://leave");
        Socket a = xsub("inproc://leave", "t", xpub);
        Socket b = ctx.socket(SocketType.XSUB);
        b.connect("inproc://leave");
        b.send(Frame.wrap(sub(1, "t")));
        b.send(Frame.wrap(sub(1, "u")));
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(1, "u"));
        b.close();
        assertThat(xpub.recvFrame(WAIT).data()).containsExactly(sub(0, "u"));
        assertThat(xpub.recvFrame(QUIET)).isNull();
        a.close();
    }

    // ---- INVERT_MATCHING -------------------------------------------------------------------------

    @Test
    void invertingPubAndSubDeliverWhatDoesNotMatch() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.INVERT_MATCHING, true);
        pub.bind("inproc://invert");
        Socket s = ctx.socket(SocketType.SUB);
        s.setOption(ZmqOption.INVERT_MATCHING, true);
        s.subscribe("A");
        s.connect("inproc://invert");
        await().atMost(WAIT).until(() -> {
            pub.send("A-no");
            pub.send("B-yes");
            return s.recvFrame(Duration.ofMillis(20)) != null;
        });
        drain(s);
        pub.send("A-no");
        pub.send("B-yes");
        assertThat(drain(s)).containsExactly("B-yes");
    }

    @Test
    void invertingXpubSendsToSubscribersWithoutAMatchingPrefix() {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.INVERT_MATCHING, true);
        xpub.bind("inproc://invert-x");
        Socket a = xsub("inproc://invert-x", "A", xpub);
        Socket none = ctx.socket(SocketType.XSUB); // no subscription: everything
        none.connect("inproc://invert-x");
        await().atMost(WAIT).until(() -> PipeLifecycleTest.state(xpub).get("dist") == 2);
        xpub.send("A1");
        xpub.send("B1");
        assertThat(drain(a)).containsExactly("B1");
        assertThat(drain(none)).containsExactly("A1", "B1");
    }

    @Test
    void invertingSubOnANormalPubReceivesNothing() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.bind("inproc://invert-sub");
        Socket s = ctx.socket(SocketType.SUB);
        s.setOption(ZmqOption.INVERT_MATCHING, true);
        s.subscribe("A");
        s.connect("inproc://invert-sub");
        Socket check = ctx.socket(SocketType.SUB);
        check.subscribe("A");
        check.connect("inproc://invert-sub");
        await().atMost(WAIT).until(() -> {
            pub.send("A1");
            return check.recvFrame(Duration.ofMillis(20)) != null;
        });
        pub.send("A2");
        pub.send("B2");
        assertThat(drain(s)).isEmpty(); // the PUB sends A only; the SUB keeps what is not A
    }

    @Test
    void xsubDoesNotFilterWhatPublishersSend() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.setOption(ZmqOption.INVERT_MATCHING, true);
        pub.bind("inproc://xsub-all");
        Socket x = ctx.socket(SocketType.XSUB);
        x.connect("inproc://xsub-all");
        x.send(Frame.wrap(sub(1, "A")));
        await().atMost(WAIT).until(() -> {
            pub.send("B0");
            return x.recvFrame(Duration.ofMillis(20)) != null;
        });
        drain(x);
        pub.send("A1");
        pub.send("B1");
        assertThat(drain(x)).containsExactly("B1"); // the inverting PUB filtered; the XSUB took it as is
    }
}
