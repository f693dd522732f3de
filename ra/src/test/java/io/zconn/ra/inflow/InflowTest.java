package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
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
import java.util.Locale;
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
            return text.toUpperCase(Locale.ROOT);
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

    private static final String ANY_PORT = "tcp://127.0.0.1:*";

    /** Fails on "fail", answers anything else with itself. */
    public static class FailFirst implements ZmqRequestListener {
        @Override
        public ZmqMessage onRequest(ZmqMessage request) {
            if ("fail".equals(request.text())) {
                throw new IllegalStateException("fail");
            }
            return request;
        }
    }

    /** Activates and returns the endpoint the activation's socket bound ({@code :*} resolved). */
    private String activate(TestEndpointFactory f, ZmqActivationSpec s) throws ResourceException {
        ra.endpointActivation(f, s);
        return ra.activations().get(0).lastEndpoint();
    }

    /** The endpoint can be bound again, i.e. the activation released it. */
    private void assertReleased(String endpoint) {
        try (Socket probe = peers.socket(SocketType.PULL)) {
            probe.bind(endpoint);
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
        TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ZmqActivationSpec s = spec("PULL", ANY_PORT, true);
        String endpoint = activate(f, s);
        try (Socket push = peers.socket(SocketType.PUSH)) {
            push.connect(endpoint);
            for (int i = 0; i < 20; i++) {
                push.send(Message.of("m" + i, "tail"));
            }
            for (int i = 0; i < 20; i++) {
                ZmqMessage m = RECEIVED.poll(5, TimeUnit.SECONDS);
                assertThat(m).isNotNull();
                assertThat(m.size()).isEqualTo(2);
            }
        }
        assertThat(f.events).doesNotContain("before").contains("invoke");
        ra.endpointDeactivation(f, s);
        assertThat(ra.activations()).isEmpty();
        assertThat(f.events).as("every endpoint made is released by deactivation")
                .filteredOn("release"::equals).hasSize(f.created.get());
        assertReleased(endpoint);
    }

    @Test
    void repActivationAnswersEachRequesterConcurrently() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, false, ZmqRequestListener.class);
        String endpoint = activate(f, spec("REP", ANY_PORT, true));
        List<Socket> clients = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket req = peers.socket(SocketType.REQ);
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect(endpoint);
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
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, false, ZmqRequestListener.class);
        String endpoint = activate(f, spec("ROUTER", ANY_PORT, true));
        try (Socket dealer = peers.socket(SocketType.DEALER)) {
            dealer.setOption(ZmqOption.RCVTIMEO, 5000);
            dealer.connect(endpoint);
            dealer.send("hello");
            assertThat(dealer.recvString()).isEqualTo("echo:hello");
        }
    }

    @Test
    void subActivationFiltersBySubscription() throws Exception {
        try (Socket pub = peers.socket(SocketType.PUB)) {
            pub.bind(ANY_PORT);
            TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
            ZmqActivationSpec s = spec("SUB", pub.getOption(ZmqOption.LAST_ENDPOINT), false);
            s.setSubscriptions("weather,news");
            s.setOrderedDelivery(true);
            ra.endpointActivation(f, s);
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

    /** A request listener that always fails. */
    public static class FailingEcho implements ZmqRequestListener {
        @Override
        public ZmqMessage onRequest(ZmqMessage request) {
            throw new IllegalStateException("no answer for " + request.text());
        }
    }

    @Test
    void subscriptionWithASpaceStaysOneTopic() throws Exception {
        // the RA splits lists with io.zconn.support.Lists: commas only, inner spaces kept
        try (Socket pub = peers.socket(SocketType.PUB)) {
            pub.bind(ANY_PORT);
            TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
            ZmqActivationSpec s = spec("SUB", pub.getOption(ZmqOption.LAST_ENDPOINT), false);
            s.setSubscriptions("news today");
            s.setOrderedDelivery(true);
            assertThat(s.settings().subscriptions()).containsExactly("news today");
            ra.endpointActivation(f, s);
            ZmqMessage first = null;
            for (int i = 0; i < 100 && first == null; i++) {
                pub.send("news yesterday " + i);
                pub.send("today " + i);
                pub.send("news today " + i);
                first = RECEIVED.poll(50, TimeUnit.MILLISECONDS);
            }
            assertThat(first).isNotNull();
            pub.send("news late");
            pub.send("news today late");
            ZmqMessage m = first;
            do {
                assertThat(m.text()).startsWith("news today");
                if (m.text().equals("news today late")) {
                    return;
                }
            } while ((m = RECEIVED.poll(2, TimeUnit.SECONDS)) != null);
            throw new AssertionError("'news today late' not received");
        }
    }

    @Test
    void aFailedRepRequestGetsAnEmptyReplyUnlessTheSpecSaysNone() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(FailingEcho.class, FailingEcho::new, false,
                ZmqRequestListener.class);
        ZmqActivationSpec s = spec("REP", ANY_PORT, true);
        s.setMaxRetries(0);
        String endpoint = activate(f, s);
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.connect(endpoint);
            req.send("q");
            Message reply = req.recvMessage(Duration.ofSeconds(5));
            assertThat(reply).as("the requester is not left waiting").isEqualTo(Message.of(""));
        }
        ra.endpointDeactivation(f, s);

        ZmqActivationSpec none = spec("REP", ANY_PORT, true);
        none.setMaxRetries(0);
        none.setReplyOnFailure("none");
        String endpoint2 = activate(f, none);
        ZmqActivation a = ra.activations().get(0);
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.connect(endpoint2);
            req.send("q");
            await().atMost(Duration.ofSeconds(5)).until(() -> a.failedCount() == 1);
            assertThat(req.recvMessage(Duration.ofMillis(200))).as("NONE: the requester times out").isNull();
        }
        ZmqActivationSpec bad = spec("REP", ANY_PORT, true);
        bad.setReplyOnFailure("sometimes");
        assertThatThrownBy(bad::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("replyOnFailure");
    }

    @Test
    void routerRepliesAlongAMultiHopEnvelope() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, false, ZmqRequestListener.class);
        String endpoint = activate(f, spec("ROUTER", ANY_PORT, true));
        try (Socket dealer = peers.socket(SocketType.DEALER)) {
            dealer.connect(endpoint);
            // as forwarded by a broker: an inner hop's routing id, the delimiter, then the body
            dealer.send(Message.of("client-7", "", "hello"));
            Message reply = dealer.recvMessage(Duration.ofSeconds(5));
            assertThat(reply).isEqualTo(Message.of("client-7", "", "echo:hello"));
        }
    }

    @Test
    void transactedDeliveryRepliesOnlyAfterAfterDelivery() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, true, ZmqRequestListener.class);
        ZmqActivationSpec s = spec("REP", ANY_PORT, true);
        String endpoint = activate(f, s);
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect(endpoint);
            req.send("tx");
            assertThat(req.recvString()).isEqualTo("echo:tx");
        }
        assertThat(f.events).containsExactly("before", "invoke", "after");
        ra.endpointDeactivation(f, s);
        assertThat(f.events).containsExactly("before", "invoke", "after", "release");
    }

    @Test
    void anEndpointServesSerialDeliveriesAndIsReleasedByDeactivation() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Echo.class, Echo::new, true, ZmqRequestListener.class);
        ZmqActivationSpec s = spec("REP", ANY_PORT, true);
        s.setMaxConcurrentDeliveries(1);
        String endpoint = activate(f, s);
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect(endpoint);
            for (int i = 0; i < 5; i++) {
                req.send("r" + i);
                assertThat(req.recvString()).isEqualTo("echo:r" + i);
            }
        }
        assertThat(f.created).as("one endpoint for five deliveries, one at a time").hasValue(1);
        assertThat(f.events).doesNotContain("release").filteredOn("after"::equals).hasSize(5);
        ra.endpointDeactivation(f, s);
        assertThat(f.events).endsWith("after", "release").filteredOn("release"::equals).hasSize(1);
    }

    @Test
    void anEndpointWhoseDeliveryFailedIsReleasedAndNotReused() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(FailFirst.class, FailFirst::new, false,
                ZmqRequestListener.class);
        ZmqActivationSpec s = spec("REP", ANY_PORT, true);
        s.setMaxConcurrentDeliveries(1);
        s.setMaxRetries(0);
        String endpoint = activate(f, s);
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect(endpoint);
            req.send("fail");
            assertThat(req.recvString()).as("the policy's empty answer").isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> f.events.contains("release"));
            req.send("ok");
            assertThat(req.recvString()).isEqualTo("ok");
        }
        assertThat(f.created).as("a fresh endpoint after the failed one").hasValue(2);
        assertThat(f.events).filteredOn("release"::equals).hasSize(1);
        ra.endpointDeactivation(f, s);
        assertThat(f.events).filteredOn("release"::equals).hasSize(2);
    }

    @Test
    void annotatedListenerMethodIsCalledAndItsResultReturned() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Annotated.class, Annotated::new, false, ZmqListener.class);
        String endpoint = activate(f, spec("REP", ANY_PORT, true));
        try (Socket req = peers.socket(SocketType.REQ)) {
            req.setOption(ZmqOption.RCVTIMEO, 5000);
            req.connect(endpoint);
            req.send("shout");
            assertThat(req.recvString()).isEqualTo("SHOUT");
        }
        assertThat(f.events).contains("before", "after");
    }

    @Test
    void failingListenerIsRetriedThenCountedAndDeadLettered() throws Exception {
        CALLS.set(0);
        try (Socket dl = peers.socket(SocketType.PULL); Socket push = peers.socket(SocketType.PUSH);
             Socket push2 = peers.socket(SocketType.PUSH)) {
            dl.bind(ANY_PORT);
            TestEndpointFactory flaky = new TestEndpointFactory(Flaky.class, Flaky::new, false,
                    ZmqMessageListener.class);
            ZmqActivationSpec s = spec("PULL", ANY_PORT, true);
            s.setMaxRetries(2);
            s.setRetryInterval(1);
            s.setOrderedDelivery(true);
            push.connect(activate(flaky, s));
            push.send("third time lucky");
            assertThat(RECEIVED.poll(5, TimeUnit.SECONDS)).isEqualTo(ZmqMessage.of("third time lucky"));
            ZmqActivation a = ra.activations().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.deliveredCount() == 1);
            assertThat(a.failedCount()).isZero();
            ra.endpointDeactivation(flaky, s);

            TestEndpointFactory broken = new TestEndpointFactory(Broken.class, Broken::new, false,
                    ZmqMessageListener.class);
            ZmqActivationSpec s2 = spec("PULL", ANY_PORT, true);
            s2.setMaxRetries(1);
            s2.setRetryInterval(1);
            s2.setDeadLetterEndpoint(dl.getOption(ZmqOption.LAST_ENDPOINT));
            push2.connect(activate(broken, s2));
            ZmqActivation b = ra.activations().get(0);
            push2.send(Message.of("poison", "pill"));
            Message dead = dl.recvMessage(Duration.ofSeconds(5));
            assertThat(dead).isNotNull();
            assertThat(dead.get(0).text()).isEqualTo("poison");
            assertThat(b.failedCount()).isEqualTo(1);
            assertThat(broken.events.stream().filter("invoke"::equals).count()).isEqualTo(2);
            push2.send("still running");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.failedCount() == 2);
        }
    }

    @Test
    void deactivationAndStopLeaveNothingRunning() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        String endpoint = activate(f, spec("PULL", ANY_PORT, true));
        assertThat(bootstrap.active()).as("I/O loop + receive loop").isGreaterThanOrEqualTo(2);
        ra.stop();
        assertThat(ra.activations()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> bootstrap.active() == 0);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("zconn"));
        assertReleased(endpoint);
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
        try (Socket taken = peers.socket(SocketType.PULL)) {
            taken.bind(ANY_PORT);
            String endpoint = taken.getOption(ZmqOption.LAST_ENDPOINT);
            TestEndpointFactory f = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
            assertThatThrownBy(() -> ra.endpointActivation(f, spec("PULL", endpoint, true)))
                    .isInstanceOf(ResourceException.class);
            assertThat(ra.activations()).isEmpty();
        }
    }
}
