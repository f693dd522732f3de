package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketManagerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);

    @AfterEach
    void tearDown() {
        manager.closeAll();
        context.close();
        await().atMost(WAIT).until(() -> deliveryThreads().isEmpty());
    }

    @Test
    void opensRegistersAndSends() {
        manager.open(SocketSpec.builder("out", SocketType.PUSH).bind("inproc://m-out")
                .option(ZmqOption.SNDHWM, 10).build(), SocketManager.FROM_CONFIGURATION);
        assertThat(framework.active()).hasSize(1);
        FakeBundleContext.Registered r = framework.active().get(0);
        assertThat(r.properties).containsEntry("zconn.name", "out").containsEntry("zconn.type", "PUSH")
                .containsEntry("zconn.origin", "configuration");
        assertThat((String[]) r.properties.get("zconn.endpoints")).containsExactly("inproc://m-out");

        try (Socket peer = context.socket(SocketType.PULL)) {
            peer.connect("inproc://m-out");
            Socket out = manager.lookup("out").orElseThrow();
            assertThat(out).isSameAs(r.service);
            assertThat(out.getOption(ZmqOption.SNDHWM)).isEqualTo(10);
            out.send("hello");
            assertThat(peer.recvFrame(WAIT).text()).isEqualTo("hello");
        }
    }

    @Test
    void reconfiguresInPlaceWhenTheTypeStays() {
        ManagedSocket ms = manager.open(SocketSpec.builder("r", SocketType.PUSH).bind("inproc://m-r1")
                .option(ZmqOption.SNDHWM, 10).build(), SocketManager.FROM_CONFIGURATION);
        Socket before = ms.socket();
        ms.reconfigure(SocketSpec.builder("r", SocketType.PUSH).bind("inproc://m-r2").build());
        assertThat(ms.socket()).isSameAs(before);
        assertThat(before.getOption(ZmqOption.SNDHWM)).isEqualTo(1000);
        assertThat((String[]) framework.active().get(0).properties.get("zconn.endpoints"))
                .containsExactly("inproc://m-r2");
        try (Socket peer = context.socket(SocketType.PULL)) {
            peer.connect("inproc://m-r2");
            before.send("moved");
            assertThat(peer.recvFrame(WAIT).text()).isEqualTo("moved");
        }
    }

    @Test
    void reopensWhenTheTypeChanges() {
        ManagedSocket ms = manager.open(SocketSpec.builder("t", SocketType.PUSH).bind("inproc://m-t").build(),
                SocketManager.FROM_CONFIGURATION);
        Socket before = ms.socket();
        ms.reconfigure(SocketSpec.builder("t", SocketType.PUB).bind("inproc://m-t").build());
        assertThat(before.isClosed()).isTrue();
        assertThat(ms.socket().type()).isEqualTo(SocketType.PUB);
        assertThat(framework.registrations).hasSize(2);
        assertThat(framework.active()).hasSize(1);
        assertThat(framework.active().get(0).properties).containsEntry("zconn.type", "PUB");
    }

    @Test
    void closingUnregisters() {
        manager.open(SocketSpec.builder("c", SocketType.PAIR).bind("inproc://m-c").build(), SocketManager.FROM_REGISTRY);
        Socket s = manager.lookup("c").orElseThrow();
        manager.close("c");
        assertThat(s.isClosed()).isTrue();
        assertThat(framework.active()).isEmpty();
        assertThat(manager.lookup("c")).isEmpty();
        assertThat(manager.sockets()).isEmpty();
    }

    @Test
    void aBadEndpointFailsThatSocketOnly() {
        manager.open(SocketSpec.builder("good", SocketType.PUSH).bind("inproc://m-good").build(),
                SocketManager.FROM_CONFIGURATION);
        assertThatThrownBy(() -> manager.open(SocketSpec.builder("bad", SocketType.PUSH).bind("nonsense").build(),
                SocketManager.FROM_CONFIGURATION));
        SocketInfo bad = manager.managed("bad").orElseThrow();
        assertThat(bad.state()).isEqualTo(SocketInfo.State.FAILED);
        assertThat(bad.error()).isNotBlank();
        assertThat(manager.lookup("bad")).isEmpty();
        assertThat(manager.lookup("good")).isPresent();
        assertThat(framework.active()).hasSize(1);

        // from the registry, a failure leaves nothing behind
        assertThatThrownBy(() -> manager.open(SocketSpec.builder("bad2", SocketType.PUSH).bind("nonsense").build(),
                SocketManager.FROM_REGISTRY));
        assertThat(manager.managed("bad2")).isEmpty();
    }

    @Test
    void namesAreUnique() {
        manager.open(SocketSpec.builder("u", SocketType.PUSH).build(), SocketManager.FROM_CONFIGURATION);
        assertThatThrownBy(() -> manager.open(SocketSpec.builder("u", SocketType.PULL).build(),
                SocketManager.FROM_REGISTRY)).isInstanceOf(IllegalStateException.class).hasMessageContaining("'u'");
    }

    @Test
    void listenersReceiveAndFailuresAreCounted() {
        List<String> got = new CopyOnWriteArrayList<>();
        MessageListener collector = m -> got.add(m.get(0).text());
        MessageListener thrower = m -> {
            throw new IllegalStateException("boom");
        };
        // listeners may come before the socket
        manager.addListener("in", thrower, 1, 10);
        manager.addListener("in", collector, 2, 0);
        ManagedSocket ms = manager.open(SocketSpec.builder("in", SocketType.PULL).bind("inproc://m-in").build(),
                SocketManager.FROM_CONFIGURATION);
        assertThat(deliveryThreads()).containsExactly("zconn-delivery-in");
        try (Socket peer = context.socket(SocketType.PUSH)) {
            peer.connect("inproc://m-in");
            for (int i = 0; i < 3; i++) {
                peer.send("m" + i);
            }
            await().atMost(WAIT).until(() -> got.size() == 3);
        }
        assertThat(got).containsExactly("m0", "m1", "m2");
        assertThat(ms.received()).isEqualTo(3);
        assertThat(ms.listenerFailures()).isEqualTo(3);
        assertThat(ms.listeners()).isEqualTo(2);

        manager.removeListener("in", thrower);
        manager.removeListener("in", collector);
        assertThat(deliveryThreads()).isEmpty();
    }

    @Test
    void repRequestListenerAnswers() {
        AtomicInteger calls = new AtomicInteger();
        RequestListener upper = req -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalArgumentException("second call fails");
            }
            return Message.of(req.get(0).text().toUpperCase(Locale.ROOT));
        };
        manager.open(SocketSpec.builder("svc", SocketType.REP).bind("inproc://m-svc").build(),
                SocketManager.FROM_CONFIGURATION);
        manager.addListener("svc", upper, 1, 0);
        try (Socket req = context.socket(SocketType.REQ)) {
            req.connect("inproc://m-svc");
            req.send("abc");
            assertThat(req.recvMessage(WAIT).get(0).text()).isEqualTo("ABC");
            req.send("fails");
            Message empty = req.recvMessage(WAIT);
            assertThat(empty.size()).isEqualTo(1);
            assertThat(empty.get(0).size()).isZero();
            req.send("again");
            assertThat(req.recvMessage(WAIT).get(0).text()).isEqualTo("AGAIN");
        }
        assertThat(manager.managed("svc").orElseThrow().listenerFailures()).isEqualTo(1);
    }

    @Test
    void routerRequestListenerIsRoutedBack() {
        manager.open(SocketSpec.builder("rt", SocketType.ROUTER).bind("inproc://m-rt").build(),
                SocketManager.FROM_CONFIGURATION);
        manager.addListener("rt", (RequestListener) req -> {
            assertThat(req.size()).isEqualTo(1);
            return Message.of("re:" + req.get(0).text());
        }, 1, 0);
        try (Socket a = context.socket(SocketType.REQ); Socket b = context.socket(SocketType.REQ)) {
            a.connect("inproc://m-rt");
            b.connect("inproc://m-rt");
            a.send("a");
            b.send("b");
            assertThat(b.recvMessage(WAIT).get(0).text()).isEqualTo("re:b");
            assertThat(a.recvMessage(WAIT).get(0).text()).isEqualTo("re:a");
        }
    }

    @Test
    void closeAllLeavesNoDeliveryThread() {
        manager.addListener("x", (MessageListener) m -> { }, 1, 0);
        manager.open(SocketSpec.builder("x", SocketType.PULL).bind("inproc://m-x").build(),
                SocketManager.FROM_CONFIGURATION);
        assertThat(deliveryThreads()).hasSize(1);
        manager.closeAll();
        assertThat(deliveryThreads()).isEmpty();
        assertThatThrownBy(() -> manager.open(SocketSpec.builder("y", SocketType.PULL).build(),
                SocketManager.FROM_REGISTRY)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedRouterRequestGetsAnEmptyReplyAlongItsWholeEnvelope() {
        // io.zconn.support: Envelope (multi-hop) and ReplyPolicy (EMPTY), as in the resource adapter
        manager.open(SocketSpec.builder("rt-fail", SocketType.ROUTER).bind("inproc://m-rt-fail").build(),
                SocketManager.FROM_CONFIGURATION);
        manager.addListener("rt-fail", (RequestListener) req -> {
            if (req.get(0).text().equals("fail")) {
                throw new IllegalStateException("no answer");
            }
            return Message.of("re:" + req.get(0).text());
        }, 1, 0);
        try (Socket dealer = context.socket(SocketType.DEALER)) {
            dealer.connect("inproc://m-rt-fail");
            dealer.send(Message.of("hop", "", "fail"));
            assertThat(dealer.recvMessage(WAIT)).isEqualTo(Message.of("hop", "", ""));
            dealer.send(Message.of("hop", "", "ok"));
            assertThat(dealer.recvMessage(WAIT)).isEqualTo(Message.of("hop", "", "re:ok"));
        }
        assertThat(manager.managed("rt-fail").orElseThrow().listenerFailures()).isEqualTo(1);
    }

    private static List<String> deliveryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("zconn-delivery-")).toList();
    }
}
