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
import io.zconn.support.ReplyPolicy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A configured socket's {@code delivery.*} keys: retries, dead letters and the reply on failure,
 * through the shared delivery layer.
 */
class DeliveryConfigTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    private final Context peers = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);

    @AfterEach
    void tearDown() {
        manager.closeAll();
        context.close();
        peers.close();
    }

    private static Map<String, Object> config(String name, SocketType type) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.zconn.socket~" + name);
        p.put("zconn.name", name);
        p.put("zconn.type", type.name());
        p.put("zconn.bind", new String[] {"tcp://127.0.0.1:*"});
        return p;
    }

    private String endpoint(String name) {
        return manager.lookup(name).orElseThrow().getOption(ZmqOption.LAST_ENDPOINT);
    }

    private Socket peer(SocketType type, String endpoint) {
        Socket s = peers.socket(type);
        s.setOption(ZmqOption.LINGER, 0);
        s.connect(endpoint);
        return s;
    }

    @Test
    void failedDeliveryIsRetriedAsConfigured() {
        AtomicInteger calls = new AtomicInteger();
        List<String> got = new CopyOnWriteArrayList<>();
        manager.addListener("retrying", (MessageListener) m -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("failure " + calls.get() + " (expected by the test)");
            }
            got.add(m.get(0).text());
        }, 1, 0);
        Map<String, Object> p = config("retrying", SocketType.PULL);
        p.put("delivery.max.retries", 2);
        p.put("delivery.retry.interval", "10");
        new SocketConfiguration(manager, p);
        try (Socket push = peer(SocketType.PUSH, endpoint("retrying"))) {
            push.send("third time lucky");
            await().atMost(WAIT).until(() -> got.size() == 1);
        }
        assertThat(got).containsExactly("third time lucky");
        assertThat(calls).hasValue(3);
        assertThat(manager.managed("retrying").orElseThrow().listenerFailures()).isEqualTo(2);
    }

    @Test
    void messageThatKeepsFailingGoesToTheDeadLetterEndpoint() {
        AtomicInteger calls = new AtomicInteger();
        manager.addListener("poisoned", (MessageListener) m -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always fails (expected by the test)");
        }, 1, 0);
        try (Socket collector = peers.socket(SocketType.PULL)) {
            collector.bind("tcp://127.0.0.1:*");
            Map<String, Object> p = config("poisoned", SocketType.PULL);
            p.put("delivery.max.retries", "1");
            p.put("delivery.retry.interval", 0);
            p.put("delivery.dead.letter.endpoint", collector.getOption(ZmqOption.LAST_ENDPOINT));
            new SocketConfiguration(manager, p);
            try (Socket push = peer(SocketType.PUSH, endpoint("poisoned"))) {
                push.send(Message.of("poison", "pill"));
                Message dead = collector.recvMessage(WAIT);
                assertThat(dead).as("dead letter").isNotNull();
                assertThat(dead.frames()).extracting(f -> f.text()).containsExactly("poison", "pill");
            }
            assertThat(calls).as("first attempt and one retry").hasValue(2);
        }
    }

    @Test
    void replyOnFailureNoneOnARouterLeavesTheRequesterWaitingAndEmptyAnswersIt() {
        manager.addListener("answers", (RequestListener) m -> {
            throw new IllegalStateException("fails (expected by the test)");
        }, 1, 0);
        Map<String, Object> p = config("answers", SocketType.ROUTER);
        p.put("delivery.reply.on.failure", "none");
        SocketConfiguration configuration = new SocketConfiguration(manager, p);
        String ep = endpoint("answers");
        try (Socket req = peer(SocketType.REQ, ep)) {
            req.send("first");
            assertThat(req.recvMessage(Duration.ofMillis(500))).as("NONE: no answer").isNull();
        }
        p.put("delivery.reply.on.failure", "EMPTY");
        configuration.modified(p);
        assertThat(endpoint("answers")).as("the socket stayed").isEqualTo(ep);
        try (Socket req = peer(SocketType.REQ, ep)) {
            req.send("second");
            Message reply = req.recvMessage(WAIT);
            assertThat(reply).as("EMPTY: one empty frame").isNotNull();
            assertThat(reply.size()).isEqualTo(1);
            assertThat(reply.get(0).size()).isZero();
        }
    }

    @Test
    void wrongDeliveryKeysAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.max.retries", "-1"), SocketType.PULL))
                .hasMessageContaining("delivery.max.retries");
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.max.retries", "101"), SocketType.PULL))
                .hasMessageContaining("delivery.max.retries");
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.retry.interval", "soon"),
                SocketType.PULL)).hasMessageContaining("delivery.retry.interval");
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.reply.on.failure", "MAYBE"),
                SocketType.ROUTER)).hasMessageContaining("delivery.reply.on.failure");
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.reply.on.failure", "NONE"),
                SocketType.REP)).hasMessageContaining("ROUTER");
        assertThatThrownBy(() -> DeliveryConfig.fromProperties(Map.of("delivery.dead.letter.endpoint", "collector"),
                SocketType.PULL)).hasMessageContaining("delivery.dead.letter.endpoint");
        assertThat(DeliveryConfig.fromProperties(Map.of(), SocketType.REP)).isEqualTo(DeliveryConfig.DEFAULT);
        assertThat(DeliveryConfig.fromProperties(Map.of("delivery.reply.on.failure", "none"), SocketType.ROUTER)
                .replyOnFailure()).isEqualTo(ReplyPolicy.NONE);
        Map<String, Object> rep = config("rep-none", SocketType.REP);
        rep.put("delivery.reply.on.failure", "NONE");
        new SocketConfiguration(manager, rep);
        assertThat(manager.lookup("rep-none")).as("refused configuration opens nothing").isEmpty();
    }
}
