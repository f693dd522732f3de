package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.Ports;
import io.zconn.ra.TestBootstrap;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.OnZmqMessage;
import io.zconn.ra.api.ZmqListener;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InflowTest {
    static final BlockingQueue<ZmqMessage> RECEIVED = new LinkedBlockingQueue<>();

    private final TestBootstrap bootstrap = new TestBootstrap();
    private final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    private Context peers;

    @BeforeEach
    void start() throws Exception {
        RECEIVED.clear();
        ra.start(bootstrap);
        peers = new Context();
    }

    @AfterEach
    void stop() throws Exception {
        ra.stop();
        peers.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> bootstrap.active() == 0);
        bootstrap.shutdown();
    }

    /** A one-way bean. */
    public static class Sink implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            RECEIVED.add(message);
        }
    }

    /** A request/reply bean. */
    public static class Echo implements ZmqRequestListener {
        @Override
        public ZmqMessage onRequest(ZmqMessage request) {
            return ZmqMessage.of("echo:" + request.text());
        }
    }

    /** A no-method-interface bean. */
    public static class Annotated implements ZmqListener {
        @OnZmqMessage
        public String handle(String text) {
            RECEIVED.add(ZmqMessage.of(text));
            return text.toUpperCase();
        }
    }

    static final AtomicInteger CALLS = new AtomicInteger();

    /** Fails the first two calls of each message. */
    public static class Flaky implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            if (CALLS.incrementAndGet() % 3 != 0) {
                throw new IllegalStateException("boom " + CALLS.get());
            }
            RECEIVED.add(message);
        }
    }

    /** Always fails. */
    public static class Broken implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            throw new IllegalStateException("always");
        }
    }

    private static ZmqActivationSpec spec(String type, String endpoint, boolean bind) {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType(type);
        s.setEndpoints(endpoint);
        s.setBind(bind);
        return s;
    }

    @Test
    void pullActivationDeliversPushedMessages() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ZmqActivationSpec s = spec("PULL", "tcp://127.0.0.1:" + port, true);
        ra.endpointActivation(f, s);
        try (Socket push = peers.socket(SocketType.PUSH)) {
            push.connect("tcp://127.0.0.1:" + port);
            for (int i = 0; i < 20; i++) {
                push.send(Message.of("m" + i, "tail"));
            }
            for (int i = 0; i < 20; i++) {
                ZmqMessage m = RECEIVED.poll(5, TimeUnit.SECONDS);
                assertThat(m).isNotNull();
                assertThat(m.size()).isEqualTo(2);
            }
        }
        assertThat(f.events).doesNotContain("before").contains("invoke", "release");
        ra.endpointDeactivation(f, s);
        assertThat(ra.activations()).isEmpty();
        assertThat(Ports.isFree(port)).as("port free after deactivation").isTrue();
    }

    @Test
    void repActivationAnswersEachRequesterConcurrently() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, false, ZmqRequestListener.class);
        ra.endpointActivation(f, spec("REP", "tcp://127.0.0.1:" + port, true));
        List<Socket> clients = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket req = peers.socket(SocketType.REQ);
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect("tcp://127.0.0.1:" + port);
            clients.add(req);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).send("c" + i + "r" + round);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).recvString()).isEqualTo("echo:c" + i + "r" + round);
            }
        }
        clients.forEach(Socket::close);
    }

    @Test
    void routerActivationRepliesToDealerPeers() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, false, ZmqRequestListener.class);
        ra.endpointActivation(f, spec("ROUTER", "tcp://127.0.0.1:" + port, true));
        try (Socket dealer = peers.socket(SocketType.DEALER)) {
            dealer.setOption(ZmqOption.RCVTIMEO, 5000);
            dealer.connect("tcp://127.0.0.1:" + port);
            dealer.send("hello");
            assertThat(dealer.recvString()).isEqualTo("echo:hello");
        }
    }

    @Test
    void subActivationFiltersBySubscription() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ZmqActivationSpec s = spec("SUB", "tcp://127.0.0.1:" + port, false);
        s.setSubscriptions("weather,news");
        s.setOrderedDelivery(true);
        ra.endpointActivation(f, s);
        try (Socket pub = peers.socket(SocketType.PUB)) {
            pub.bind("tcp://127.0.0.1:" + port);
            ZmqMessage first = null;
            for (int i = 0; i < 100 && first == null; i++) {
                pub.send("sports " + i);
                pub.send("weather " + i);
                first = RECEIVED.poll(50, TimeUnit.MILLISECONDS);
            }
            assertThat(first).isNotNull();
            pub.send("sports late");
            pub.send("news late");
            ZmqMessage m;
            while ((m = RECEIVED.poll(500, TimeUnit.MILLISECONDS)) != null) {
                assertThat(m.text()).doesNotStartWith("sports");
                if (m.text().equals("news late")) {
                    return;
                }
            }
            throw new AssertionError("'news late' not received");
        }
    }

    @Test
    void transactedDeliveryRepliesOnlyAfterAfterDelivery() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, true, ZmqRequestListener.class);
        ra.endpointActivation(f, spec("REP", "tcp://127.0.0.1:" + port, true));
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect("tcp://127.0.0.1:" + port);
            req.send("tx");
            assertThat(req.recvString()).isEqualTo("echo:tx");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> f.events.contains("release"));
        assertThat(f.events).containsExactly("before", "invoke", "after", "release");
    }

    @Test
    void annotatedListenerMethodIsCalledAndItsResultReturned() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Annotated.class, Annotated::new, false, ZmqListener.class);
        ra.endpointActivation(f, spec("REP", "tcp://127.0.0.1:" + port, true));
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect("tcp://127.0.0.1:" + port);
            req.send("shout");
            assertThat(req.recvString()).isEqualTo("SHOUT");
        }
        assertThat(f.events).contains("before", "after");
    }

    @Test
    void failingListenerIsRetriedThenCountedAndDeadLettered() throws Exception {
        CALLS.set(0);
        int port = Ports.free();
        int dlPort = Ports.free();
        try (Socket dl = peers.socket(SocketType.PULL); Socket push = peers.socket(SocketType.PUSH)) {
            dl.bind("tcp://127.0.0.1:" + dlPort);
            TestEndpointFactory flaky = new TestEndpointFactory(Flaky.class, Flaky::new, false,
                    ZmqMessageListener.class);
            ZmqActivationSpec s = spec("PULL", "tcp://127.0.0.1:" + port, true);
            s.setMaxRetries(2);
            s.setRetryInterval(1);
            s.setOrderedDelivery(true);
            ra.endpointActivation(flaky, s);
            push.connect("tcp://127.0.0.1:" + port);
            push.send("third time lucky");
            assertThat(RECEIVED.poll(5, TimeUnit.SECONDS)).isEqualTo(ZmqMessage.of("third time lucky"));
            ZmqActivation a = ra.activations().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.deliveredCount() == 1);
            assertThat(a.failedCount()).isZero();
            ra.endpointDeactivation(flaky, s);

            TestEndpointFactory broken = new TestEndpointFactory(Broken.class, Broken::new, false,
                    ZmqMessageListener.class);
            ZmqActivationSpec s2 = spec("PULL", "tcp://127.0.0.1:" + port, true);
            s2.setMaxRetries(1);
            s2.setRetryInterval(1);
            s2.setDeadLetterEndpoint("tcp://127.0.0.1:" + dlPort);
            ra.endpointActivation(broken, s2);
            ZmqActivation b = ra.activations().get(0);
            push.send(Message.of("poison", "pill"));
            Message dead = dl.recvMessage(Duration.ofSeconds(5));
            assertThat(dead).isNotNull();
            assertThat(dead.get(0).text()).isEqualTo("poison");
            assertThat(b.failedCount()).isEqualTo(1);
            assertThat(broken.events.stream().filter("invoke"::equals).count()).isEqualTo(2);
            push.send("still running");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.failedCount() == 2);
        }
    }

    @Test
    void deactivationAndStopLeaveNothingRunning() throws Exception {
        int port = Ports.free();
        TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ra.endpointActivation(f, spec("PULL", "tcp://127.0.0.1:" + port, true));
        assertThat(bootstrap.active()).as("I/O loop + receive loop").isGreaterThanOrEqualTo(2);
        ra.stop();
        assertThat(ra.activations()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> bootstrap.active() == 0);
        assertThat(Ports.isFree(port)).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("zconn"));
    }

    @Test
    void invalidSpecsAreRefused() {
        ZmqActivationSpec s = spec("PUSH", "tcp://127.0.0.1:1", true);
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("socketType");
        ZmqActivationSpec s2 = spec("PULL", "", true);
        assertThatThrownBy(s2::validate).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("endpoints");
        ZmqActivationSpec s3 = spec("PULL", "tcp://127.0.0.1:1", true);
        s3.setMaxConcurrentDeliveries(0);
        assertThatThrownBy(s3::validate).isInstanceOf(InvalidPropertyException.class);
    }

    @Test
    void aTakenPortFailsTheActivation() throws Exception {
        int port = Ports.free();
        try (Socket taken = peers.socket(SocketType.PULL)) {
            taken.bind("tcp://127.0.0.1:" + port);
            TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
            assertThatThrownBy(() -> ra.endpointActivation(f, spec("PULL", "tcp://127.0.0.1:" + port, true)))
                    .isInstanceOf(ResourceException.class);
            assertThat(ra.activations()).isEmpty();
        }
    }
}
