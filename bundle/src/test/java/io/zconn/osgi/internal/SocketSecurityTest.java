package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.SocketSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Socket configurations with PLAIN/CURVE, the allow-list and the whiteboard ZapHandler, on a fake framework. */
class SocketSecurityTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final CurveKeyPair SERVER = Curve.generateKeyPair();
    private static final CurveKeyPair ALLOWED = Curve.generateKeyPair();
    private static final CurveKeyPair REFUSED = Curve.generateKeyPair();

    private final Context context = new Context();
    private final Context peers = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() {
        manager.closeAll();
        context.close();
        peers.close();
    }

    private static Map<String, Object> pull(String name) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.zconn.socket~" + name);
        p.put("zconn.name", name);
        p.put("zconn.type", "PULL");
        p.put("zconn.bind", new String[] {"tcp://127.0.0.1:*"});
        return p;
    }

    private Socket configured(String name) {
        Socket s = manager.lookup(name).orElseThrow();
        s.setOption(ZmqOption.RCVTIMEO, 300);
        return s;
    }

    private Socket curveClient(CurveKeyPair keys, String endpoint) {
        Socket push = peers.socket(SocketType.PUSH);
        push.setOption(ZmqOption.CURVE_SERVERKEY, SERVER.publicKey());
        push.setOption(ZmqOption.CURVE_SECRETKEY, keys.secretKey());
        push.setOption(ZmqOption.CURVE_PUBLICKEY, keys.publicKey());
        push.setOption(ZmqOption.LINGER, 0);
        push.connect(endpoint);
        return push;
    }

    @Test
    void curveConfigurationWithAnAllowListTakesOnlyListedClients() {
        Map<String, Object> p = pull("secure");
        p.put("curve.server", Boolean.TRUE);
        p.put("curve.secretkey", SERVER.secretKeyZ85());
        p.put("zap.domain", "secure");
        p.put("zap.curve.keys", new String[] {ALLOWED.publicKeyZ85()});
        SocketConfiguration config = new SocketConfiguration(manager, p);
        Socket server = configured("secure");
        assertThat(server.getOption(ZmqOption.MECHANISM)).isEqualTo("CURVE");
        assertThat(context.getZapHandler()).isNotNull();
        String endpoint = server.getOption(ZmqOption.LAST_ENDPOINT);
        try (Socket refused = curveClient(REFUSED, endpoint); Socket allowed = curveClient(ALLOWED, endpoint)) {
            refused.send("from-refused");
            allowed.send("from-allowed");
            assertThat(server.recvFrame(WAIT).text()).isEqualTo("from-allowed");
            assertThat(server.recvFrame(Duration.ofMillis(300))).isNull();
        }
        config.deactivate();
        assertThat(context.getZapHandler()).as("last allow-list gone: engine defaults").isNull();
    }

    @Test
    void secretCertificateFileGivesTheSocketItsKeyPair() {
        CurveCertificate.save(SERVER, Map.of(), dir.resolve("server.key"), dir.resolve("server.key_secret"));
        Map<String, Object> p = pull("cert");
        p.put("curve.server", "true");
        p.put("curve.secretkey.file", dir.resolve("server.key_secret").toString());
        SocketSpec spec = SocketSpec.fromProperties(p);
        assertThat((byte[]) spec.options().get(ZmqOption.CURVE_PUBLICKEY)).isEqualTo(SERVER.publicKey());
        assertThat(spec.toString()).doesNotContain(SERVER.secretKeyZ85());
    }

    @Test
    void whiteboardZapHandlerAuthenticatesPlainOneAtATime() {
        List<String> asked = new CopyOnWriteArrayList<>();
        ZapHandler first = r -> {
            asked.add("first:" + r.username());
            return "pw".equals(r.password()) ? ZapHandler.Reply.accept(r.username()) : ZapHandler.Reply.deny("no");
        };
        ZapHandler second = r -> {
            asked.add("second:" + r.username());
            return ZapHandler.Reply.deny("never");
        };
        manager.setZapHandler(first);
        Map<String, Object> p = pull("plain");
        p.put("plain.server", "true");
        new SocketConfiguration(manager, p);
        Socket server = configured("plain");
        String endpoint = server.getOption(ZmqOption.LAST_ENDPOINT);
        try (Socket client = peers.socket(SocketType.PUSH)) {
            client.setOption(ZmqOption.PLAIN_USERNAME, "alice");
            client.setOption(ZmqOption.PLAIN_PASSWORD, "pw");
            client.connect(endpoint);
            client.send("hi");
            assertThat(server.recvFrame(WAIT).text()).isEqualTo("hi");
        }
        assertThat(asked).containsExactly("first:alice");
        manager.setZapHandler(second);
        manager.unsetZapHandler(first);
        assertThat(context.getZapHandler()).isNotNull();
        try (Socket client = peers.socket(SocketType.PUSH)) {
            client.setOption(ZmqOption.PLAIN_USERNAME, "bob");
            client.setOption(ZmqOption.PLAIN_PASSWORD, "pw");
            client.setOption(ZmqOption.LINGER, 0);
            client.connect(endpoint);
            client.send("refused");
            await().atMost(WAIT).until(() -> asked.contains("second:bob"));
            assertThat(server.recvFrame(Duration.ofMillis(300))).isNull();
        }
        manager.unsetZapHandler(second);
        assertThat(context.getZapHandler()).isNull();
    }

    @Test
    void badSecurityConfigurationIsLoggedWithoutTheSecret() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("io.zconn.osgi");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            String secret = SERVER.secretKeyZ85();
            Map<String, Object> p = pull("bad");
            p.put("curve.server", "true");
            p.put("curve.secretkey", secret);
            p.put("curve.publickey", ALLOWED.publicKeyZ85());
            new SocketConfiguration(manager, p);
            Map<String, Object> q = pull("bad2");
            q.put("plain.username", "u");
            q.put("plain.password", "hunter2");
            q.put("curve.server", "true");
            q.put("curve.secretkey", secret);
            new SocketConfiguration(manager, q);
            Map<String, Object> r = pull("bad3");
            r.put("zap.curve.keys", ALLOWED.publicKeyZ85());
            new SocketConfiguration(manager, r);
            assertThat(manager.lookup("bad")).isEmpty();
            assertThat(manager.lookup("bad3")).isEmpty();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("ZCONN-120").contains("curve.publickey"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("one security mechanism"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("need a server socket"));
            assertThat(String.join("\n", lines)).doesNotContain(secret).doesNotContain("hunter2");
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void plainClientKeysMapToOptions() {
        Map<String, Object> p = pull("client");
        p.put("zconn.type", "PUSH");
        p.put("plain.username", "alice");
        p.put("plain.password", "pw");
        SocketSpec spec = SocketSpec.fromProperties(p);
        assertThat(spec.options()).containsEntry(ZmqOption.PLAIN_USERNAME, "alice")
                .containsEntry(ZmqOption.PLAIN_PASSWORD, "pw");
        assertThat(spec.toString()).doesNotContain("pw]").doesNotContain("=pw");
    }
}
