package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.FakeSecurityInflow;
import io.zconn.ra.LogCapture;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * zapContainerRealm and runAsUserId against a container with security inflow
 * ({@link FakeSecurityInflow}: WildFly's callback rules over a user table) and in-JVM zconn clients.
 */
class SecurityInflowTest {
    /** What the bean received, as "text@caller" (caller null when the delivery ran unauthenticated). */
    static final BlockingQueue<String> RECEIVED = new LinkedBlockingQueue<>();
    private static final CurveKeyPair SERVER = Curve.generateKeyPair();
    private static final CurveKeyPair CLIENT = Curve.generateKeyPair();

    private final FakeSecurityInflow container = new FakeSecurityInflow();
    private final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    private Context peers;
    private TestEndpointFactory factory;

    /** A one-way bean that notes who it ran as. */
    public static class Sink implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            RECEIVED.add(message.text() + "@" + FakeSecurityInflow.caller());
        }
    }

    @BeforeEach
    void start() throws Exception {
        RECEIVED.clear();
        container.users.put("alice", "wonderland");
        ra.start(container);
        peers = new Context();
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch h = container.hold;
        if (h != null) {
            h.countDown();
        }
        ra.stop();
        peers.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> container.active() == 0);
        container.shutdown();
    }

    private static ZmqActivationSpec plainPull() {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType("PULL");
        s.setEndpoints("tcp://127.0.0.1:*");
        s.setPlainServer(true);
        s.setZapContainerRealm(true);
        return s;
    }

    private ZmqActivation activate(ZmqActivationSpec s) throws ResourceException {
        factory = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ra.endpointActivation(factory, s);
        return ra.activations().get(ra.activations().size() - 1);
    }

    private Socket plainClient(String user, String password, String endpoint) {
        Socket push = peers.socket(SocketType.PUSH);
        push.setOption(ZmqOption.PLAIN_USERNAME, user);
        push.setOption(ZmqOption.PLAIN_PASSWORD, password);
        push.setOption(ZmqOption.LINGER, 0);
        push.connect(endpoint);
        return push;
    }

    @Test
    void plainClientsAreCheckedByTheServersRealmAndDeliveredAsTheirUser() throws Exception {
        ZmqActivationSpec s = plainPull();
        s.setRunAsUserId(true);
        try (LogCapture log = new LogCapture()) {
            ZmqActivation a = activate(s);
            assertThat(log.count("ZCONNRA0050")).isEqualTo(1);
            assertThat(log.count("ZCONNRA0053")).isEqualTo(1);
            String endpoint = a.lastEndpoint();
            try (Socket wrong = plainClient("alice", "guess-1234", endpoint);
                 Socket unknown = plainClient("mallory", "wonderland", endpoint);
                 Socket right = plainClient("alice", "wonderland", endpoint)) {
                wrong.send(Message.of("from-wrong"));
                unknown.send(Message.of("from-unknown"));
                right.send(Message.of("from-right"));
                assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).isEqualTo("from-right@alice");
                await().atMost(Duration.ofSeconds(10)).until(() -> log.count("ZCONNRA0051") == 2);
                assertThat(RECEIVED.poll(300, TimeUnit.MILLISECONDS)).isNull();
            }
            assertThat(a.containerRealmCounts()).containsExactly(1, 2, 0);
            String all = String.join("\n", log.lines());
            assertThat(all).contains("'mallory'").contains("'alice'").doesNotContain("guess-1234")
                    .doesNotContain("wonderland");
        }
    }

    @Test
    void withoutRunAsUserIdDeliveriesRunAsBeforeWithNoSecurityContext() throws Exception {
        ZmqActivation a = activate(plainPull());
        int checks = container.secured.get();
        try (Socket right = plainClient("alice", "wonderland", a.lastEndpoint())) {
            right.send(Message.of("one"));
            right.send(Message.of("two"));
            // deliveries run concurrently (no orderedDelivery): either may come first
            String first = RECEIVED.poll(10, TimeUnit.SECONDS);
            String second = RECEIVED.poll(10, TimeUnit.SECONDS);
            assertThat(Arrays.asList(first, second)).containsExactlyInAnyOrder("one@null", "two@null");
        }
        assertThat(container.secured.get() - checks).as("only the password check had a security context").isEqualTo(1);
    }

    @Test
    void aRealmThatDoesNotAnswerInTimeRefusesWithStatus300UntilItAnswers() throws Exception {
        ZmqActivationSpec s = plainPull();
        s.setZapContainerRealmTimeout(200);
        ZmqActivation a = activate(s);
        CountDownLatch hold = new CountDownLatch(1);
        container.hold = hold;
        try (LogCapture log = new LogCapture(); Socket right = plainClient("alice", "wonderland", a.lastEndpoint())) {
            right.send(Message.of("patient"));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.count("ZCONNRA0052") >= 1);
            assertThat(log.lines()).anyMatch(l -> l.contains("ZCONNRA0052") && l.contains("status 300"));
            assertThat(RECEIVED.poll(100, TimeUnit.MILLISECONDS)).isNull();
            container.hold = null;
            hold.countDown();
            assertThat(RECEIVED.poll(15, TimeUnit.SECONDS)).as("300 is temporary: the client tries again")
                    .isEqualTo("patient@null");
        }
    }

    @Test
    void activationDoesNotStartWithoutTheServersSecurityInflow() throws Exception {
        container.enabled = false;
        ZmqActivationSpec s = plainPull();
        assertThatThrownBy(() -> activate(s)).isInstanceOf(ResourceException.class)
                .hasMessageContaining("security inflow").hasMessageContaining("wm-security");
        assertThat(ra.activations()).isEmpty();
        assertThat(ra.requireStarted().getZapHandler()).as("nothing left registered").isNull();
        ZmqActivationSpec curve = curvePull();
        curve.setRunAsUserId(true);
        assertThatThrownBy(() -> activate(curve)).hasMessageContaining("security inflow");
    }

    private static ZmqActivationSpec curvePull() {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType("PULL");
        s.setEndpoints("tcp://127.0.0.1:*");
        s.setCurveServer(true);
        s.setCurveSecretKey(SERVER.secretKeyZ85());
        s.setZapCurveKeys(CLIENT.publicKeyZ85());
        return s;
    }

    private Socket curveClient(String endpoint) {
        Socket push = peers.socket(SocketType.PUSH);
        push.setOption(ZmqOption.CURVE_SERVERKEY, SERVER.publicKey());
        push.setOption(ZmqOption.CURVE_PUBLICKEY, CLIENT.publicKey());
        push.setOption(ZmqOption.CURVE_SECRETKEY, CLIENT.secretKey());
        push.setOption(ZmqOption.LINGER, 0);
        push.connect(endpoint);
        return push;
    }

    @Test
    void curvePeerOnTheAllowListIsDeliveredAsItsKey() throws Exception {
        ZmqActivationSpec s = curvePull();
        s.setRunAsUserId(true);
        ZmqActivation a = activate(s);
        try (Socket push = curveClient(a.lastEndpoint())) {
            push.send(Message.of("curved"));
            assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).isEqualTo("curved@" + CLIENT.publicKeyZ85());
        }
    }

    @Test
    void aDeliveryWhoseSecurityContextTheServerCannotSetUpIsCountedNotLost() throws Exception {
        ZmqActivationSpec s = curvePull();
        s.setRunAsUserId(true);
        s.setMaxRetries(0);
        s.setMaxConcurrentDeliveries(1);
        ZmqActivation a = activate(s);
        container.enabled = false;
        try (Socket push = curveClient(a.lastEndpoint())) {
            push.send(Message.of("lost?"));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.failedCount() == 1);
            assertThat(a.droppedCount()).isEqualTo(1);
            assertThat(RECEIVED).isEmpty();
            container.enabled = true;
            push.send(Message.of("next"));
            assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).as("the delivery's permit came back")
                    .isEqualTo("next@" + CLIENT.publicKeyZ85());
        }
    }

    @Test
    void inconsistentSecurityInflowSettingsAreRefused() {
        ZmqActivationSpec noPlain = plainPull();
        noPlain.setPlainServer(false);
        assertThatThrownBy(noPlain::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("zapContainerRealm").hasMessageContaining("plainServer");
        ZmqActivationSpec both = plainPull();
        both.setZapPlainUsersFile("/tmp/users.properties");
        assertThatThrownBy(both::validate).hasMessageContaining("exclude each other");
        ZmqActivationSpec slow = plainPull();
        slow.setZapContainerRealmTimeout(60_000);
        assertThatThrownBy(slow::validate).hasMessageContaining("zapContainerRealmTimeout");
        ZmqActivationSpec ordered = curvePull();
        ordered.setRunAsUserId(true);
        ordered.setOrderedDelivery(true);
        assertThatThrownBy(ordered::validate).hasMessageContaining("runAsUserId").hasMessageContaining("ordered");
        ZmqActivationSpec anonymous = new ZmqActivationSpec();
        anonymous.setEndpoints("tcp://127.0.0.1:*");
        anonymous.setRunAsUserId(true);
        assertThatThrownBy(anonymous::validate).hasMessageContaining("plainServer or curveServer");
    }
}
