package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.LogCapture;
import io.zconn.ra.TestBootstrap;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Activations with PLAIN and CURVE servers and the adapter's ZAP allow-list, against in-JVM zconn clients. */
class SecureInflowTest {
    static final BlockingQueue<ZmqMessage> RECEIVED = new LinkedBlockingQueue<>();
    private static final CurveKeyPair SERVER = Curve.generateKeyPair();
    private static final CurveKeyPair ALLOWED = Curve.generateKeyPair();
    private static final CurveKeyPair REFUSED = Curve.generateKeyPair();

    private final TestBootstrap bootstrap = new TestBootstrap();
    private final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    private Context peers;

    @TempDir
    Path dir;

    /** A one-way bean. */
    public static class Sink implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            RECEIVED.add(message);
        }
    }

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

    private static ZmqActivationSpec pull() {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType("PULL");
        s.setEndpoints("tcp://127.0.0.1:*");
        s.setBind(true);
        return s;
    }

    private TestEndpointFactory factory;

    private String activate(ZmqActivationSpec s) throws ResourceException {
        factory = new TestEndpointFactory(Sink.class, Sink::new, false, ZmqMessageListener.class);
        ra.endpointActivation(factory, s);
        return ra.activations().get(ra.activations().size() - 1).lastEndpoint();
    }

    private Socket curveClient(CurveKeyPair keys, String endpoint) {
        Socket push = peers.socket(SocketType.PUSH);
        push.setOption(ZmqOption.CURVE_SERVERKEY, SERVER.publicKey());
        push.setOption(ZmqOption.CURVE_PUBLICKEY, keys.publicKey());
        push.setOption(ZmqOption.CURVE_SECRETKEY, keys.secretKey());
        push.setOption(ZmqOption.LINGER, 0);
        push.connect(endpoint);
        return push;
    }

    @Test
    void curveActivationReceivesFromAnAllowedKeyAndRefusesOthers() throws Exception {
        CurveCertificate.save(ALLOWED, Map.of("name", "allowed"), dir.resolve("keys/allowed.key"),
                dir.resolve("allowed.key_secret"));
        ZmqActivationSpec s = pull();
        s.setCurveServer(true);
        s.setCurveSecretKey(SERVER.secretKeyZ85());
        s.setZapDomain("orders");
        s.setZapCurveKeysDirectory(dir.resolve("keys").toString());
        String endpoint;
        try (LogCapture log = new LogCapture()) {
            endpoint = activate(s);
            assertThat(log.count("ZCONNRA0047")).isEqualTo(1);
            assertThat(String.join("\n", log.lines())).doesNotContain(SERVER.secretKeyZ85())
                    .contains("CURVE server");
        }
        try (Socket refused = curveClient(REFUSED, endpoint); Socket allowed = curveClient(ALLOWED, endpoint)) {
            refused.send(Message.of("from-refused"));
            allowed.send(Message.of("from-allowed"));
            ZmqMessage m = RECEIVED.poll(10, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.text()).isEqualTo("from-allowed");
            assertThat(m.userId()).as("the allow-list's User-Id: the client's public key").contains(ALLOWED.publicKeyZ85());
            assertThat(m.property("socket-type")).contains("PUSH");
            assertThat(m.property("Peer-Address")).contains("127.0.0.1");
            assertThat(RECEIVED.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
        assertThat(ra.requireStarted().getZapHandler()).isNotNull();
        ra.endpointDeactivation(factory, s);
        assertThat(ra.requireStarted().getZapHandler()).as("the last allow-list gone, engine defaults again").isNull();
    }

    @Test
    void curveActivationWithASecretCertificateAndAKeyList() throws Exception {
        CurveCertificate.save(SERVER, Map.of(), dir.resolve("server.key"), dir.resolve("server.key_secret"));
        ZmqActivationSpec s = pull();
        s.setCurveServer(true);
        s.setCurveSecretKeyFile(dir.resolve("server.key_secret").toString());
        s.setZapCurveKeys(REFUSED.publicKeyZ85() + ", " + ALLOWED.publicKeyZ85());
        String endpoint = activate(s);
        try (Socket allowed = curveClient(ALLOWED, endpoint)) {
            allowed.send(Message.of("hello"));
            assertThat(RECEIVED.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void plainActivationChecksUsersFromTheFile() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "alice=wonderland\n", StandardCharsets.UTF_8);
        ZmqActivationSpec s = pull();
        s.setPlainServer(true);
        s.setZapPlainUsersFile(users.toString());
        String endpoint = activate(s);
        try (Socket wrong = peers.socket(SocketType.PUSH); Socket right = peers.socket(SocketType.PUSH)) {
            wrong.setOption(ZmqOption.PLAIN_USERNAME, "alice");
            wrong.setOption(ZmqOption.PLAIN_PASSWORD, "guess");
            wrong.setOption(ZmqOption.LINGER, 0);
            wrong.connect(endpoint);
            wrong.send(Message.of("wrong"));
            right.setOption(ZmqOption.PLAIN_USERNAME, "alice");
            right.setOption(ZmqOption.PLAIN_PASSWORD, "wonderland");
            right.connect(endpoint);
            right.send(Message.of("right"));
            ZmqMessage m = RECEIVED.poll(10, TimeUnit.SECONDS);
            assertThat(m.text()).isEqualTo("right");
            assertThat(m.userId()).contains("alice");
            assertThat(RECEIVED.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void twoActivationsMayNotGiveOneDomainDifferentAllowLists() throws Exception {
        ZmqActivationSpec a = pull();
        a.setCurveServer(true);
        a.setCurveSecretKey(SERVER.secretKeyZ85());
        a.setZapCurveKeys(ALLOWED.publicKeyZ85());
        activate(a);
        ZmqActivationSpec b = pull();
        b.setCurveServer(true);
        b.setCurveSecretKey(SERVER.secretKeyZ85());
        b.setZapCurveKeys(REFUSED.publicKeyZ85());
        assertThatThrownBy(() -> activate(b)).hasMessageContaining("different allow-list");
        b.setZapDomain("other");
        activate(b);
        assertThat(ra.activations()).hasSize(2);
    }

    @Test
    void badSecurityPropertiesAreRefusedWithoutShowingSecrets() {
        ZmqActivationSpec s = pull();
        s.setCurveServer(true);
        String secret = SERVER.secretKeyZ85();
        s.setCurveSecretKey(secret.substring(1));
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("curveSecretKey").hasMessageNotContaining(secret.substring(1));
        s.setCurveSecretKey(secret);
        s.setCurvePublicKey(ALLOWED.publicKeyZ85());
        assertThatThrownBy(s::validate).hasMessageContaining("curvePublicKey").hasMessageNotContaining(secret);
        ZmqActivationSpec plain = pull();
        plain.setZapPlainUsersFile(dir.resolve("users").toString());
        assertThatThrownBy(plain::validate).hasMessageContaining("plainServer");
        assertThat(s.toString()).doesNotContain(secret);
    }

    @Test
    void connectionFactorySecretsStayOutOfToStringAndSettings() throws Exception {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setSocketType("PUSH");
        f.setEndpoints("tcp://127.0.0.1:5555");
        f.setCurveServerKey(SERVER.publicKeyZ85());
        f.setCurveSecretKey(ALLOWED.secretKeyZ85());
        assertThat(f.settings().security().mechanism()).isEqualTo("CURVE");
        assertThat(f.toString()).contains("CURVE").doesNotContain(ALLOWED.secretKeyZ85());
        assertThat(f.settings().toString()).contains(ALLOWED.publicKeyZ85()).doesNotContain(ALLOWED.secretKeyZ85());
        ZmqManagedConnectionFactory g = new ZmqManagedConnectionFactory();
        g.setSocketType("PUSH");
        g.setEndpoints("tcp://127.0.0.1:5555");
        g.setPlainUsername("bob");
        g.setPlainPassword("hunter2");
        assertThat(g.toString() + g.settings()).contains("PLAIN").doesNotContain("hunter2");
        ZmqManagedConnectionFactory h = new ZmqManagedConnectionFactory();
        h.setSocketType("PUSH");
        h.setEndpoints("tcp://127.0.0.1:5555");
        h.setPlainUsername("bob");
        h.setPlainPassword("other");
        assertThat(h).isNotEqualTo(g);
        assertThat(h.settings()).isNotEqualTo(g.settings());
    }

    @Test
    void curveClientConnectionFactorySendsToACurveActivation() throws Exception {
        ZmqActivationSpec s = pull();
        s.setCurveServer(true);
        s.setCurveSecretKey(SERVER.secretKeyZ85());
        s.setZapCurveKeys(ALLOWED.publicKeyZ85());
        String endpoint = activate(s);
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType("PUSH");
        f.setEndpoints(endpoint);
        f.setCurveServerKey(SERVER.publicKeyZ85());
        f.setCurveSecretKey(ALLOWED.secretKeyZ85());
        io.zconn.ra.api.ZmqConnectionFactory cf = (io.zconn.ra.api.ZmqConnectionFactory) f.createConnectionFactory();
        try (io.zconn.ra.api.ZmqConnection c = cf.getConnection()) {
            c.send(ZmqMessage.of("via-connection-factory"));
        }
        assertThat(RECEIVED.poll(10, TimeUnit.SECONDS).text()).isEqualTo("via-connection-factory");
    }
}
