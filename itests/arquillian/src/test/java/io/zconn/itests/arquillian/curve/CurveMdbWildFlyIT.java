package io.zconn.itests.arquillian.curve;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.itests.arquillian.LibzmqPeer;

import jakarta.ejb.EJB;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CURVE on WildFly, with the secrets kept out of every deployment descriptor: a REP MDB that is a
 * CURVE server with a ZAP allow-list, and a connection factory that is a CURVE client, both against
 * libzmq peers. The keys reach the adapter as {@code ${...}} expressions resolved by WildFly at
 * deployment: the MDB's {@code @ActivationConfigProperty} values through the ee subsystem's
 * {@code annotation-property-replacement}, the connection factory's config-properties in
 * ironjacamar.xml through {@code jboss-descriptor-property-replacement} (on by default). Each
 * expression names a system property whose value, for the two secret keys, is an Elytron encrypted
 * expression ({@code ${ENC::...}}, a secret-key credential store and {@code expression=encryption}),
 * so the server's configuration file holds no secret in clear either. The first test sets this up
 * with management operations, as an administrator would with jboss-cli; the last one removes it.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CurveMdbWildFlyIT {
    /** WildFly's management port (moved with the pom's wildfly.management.port, like the container's). */
    private static final int MANAGEMENT_PORT = Integer.getInteger("wildfly.management.port", 9990);
    private static final String STORE = "zconn-it";
    private static final String SERVER_SECRET = "zconn.it.curve.server.secret";
    private static final String ALLOWED = "zconn.it.curve.allowed";
    private static final String CLIENT_SECRET = "zconn.it.curve.client.secret";
    /** The libzmq CURVE server the connection factory sends to: the peer's keys, not the adapter's. */
    private static final String PEER_PUBLIC = "zconn.it.curve.peer.public";
    private static final String PEER_SECRET = "zconn.it.curve.peer.secret";

    /** Made in the client JVM by the first test; the in-container test reads the peer's from system properties. */
    private static CurveKeyPair server;
    private static CurveKeyPair allowed;
    private static CurveKeyPair refused;
    private static CurveKeyPair client;

    @ArquillianResource
    private Deployer deployer;

    @EJB
    private CurveSender sender;

    @Deployment(name = "curve-rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        rar.addAsManifestResource(CurveMdbWildFlyIT.class.getResource("/ironjacamar-curve.xml"), "ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "curve-app", managed = false, order = 2)
    static Archive<?> app() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-curve-app.jar")
                .addClasses(CurveEchoMdb.class, CurveSender.class, LibzmqPeer.class)
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    private static Path serverLog() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
    }

    private static Path serverConfig() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "configuration", "standalone-full.xml");
    }

    private static long logSize() throws IOException {
        return Files.exists(serverLog()) ? Files.size(serverLog()) : 0;
    }

    private static String logSince(long offset) throws IOException {
        return Files.readString(serverLog()).substring((int) offset);
    }

    private static ModelNode address(String... pairs) {
        ModelNode a = new ModelNode().setEmptyList();
        for (int i = 0; i < pairs.length; i += 2) {
            a.add(pairs[i], pairs[i + 1]);
        }
        return a;
    }

    private static ModelNode operation(String name, ModelNode address) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        op.get("address").set(address);
        return op;
    }

    /** Runs an operation; with {@code check}, fails unless it succeeded. */
    private static ModelNode execute(ModelControllerClient mc, ModelNode op, boolean check) throws IOException {
        ModelNode r = mc.execute(op);
        if (check) {
            assertEquals("success", r.get("outcome").asString(), () -> op.get("operation") + " failed: " + r);
        }
        return r;
    }

    private static boolean exists(ModelControllerClient mc, ModelNode address) throws IOException {
        return "success".equals(mc.execute(operation("read-resource", address)).get("outcome").asString());
    }

    /** The encrypted expression for a secret, made by the server with the store's key. */
    private static String encrypt(ModelControllerClient mc, String clear) throws IOException {
        ModelNode op = operation("create-expression", address("subsystem", "elytron", "expression", "encryption"));
        op.get("resolver").set(STORE);
        op.get("clear-text").set(clear);
        return execute(mc, op, true).get("result", "expression").asString();
    }

    private static void systemProperty(ModelControllerClient mc, String name, String value) throws IOException {
        ModelNode a = address("system-property", name);
        if (exists(mc, a)) {
            execute(mc, operation("remove", a), true);
        }
        ModelNode add = operation("add", a);
        add.get("value").set(value);
        execute(mc, add, true);
    }

    @Test
    @Order(0)
    @RunAsClient
    void secretsGoEncryptedIntoTheServerConfigurationThenTheAdapterDeploysQuietly() throws Exception {
        server = Curve.generateKeyPair();
        allowed = Curve.generateKeyPair();
        refused = Curve.generateKeyPair();
        client = Curve.generateKeyPair();
        CurveKeyPair peer = Curve.generateKeyPair();
        try (ModelControllerClient mc = ModelControllerClient.Factory.create("127.0.0.1", MANAGEMENT_PORT)) {
            ModelNode store = address("subsystem", "elytron", "secret-key-credential-store", STORE);
            if (!exists(mc, store)) {
                // create=true and populate=true (defaults): a new store holding a generated AES key "key"
                ModelNode add = operation("add", store);
                add.get("relative-to").set("jboss.server.data.dir");
                add.get("path").set("zconn-it.cs");
                execute(mc, add, true);
            }
            ModelNode encryption = address("subsystem", "elytron", "expression", "encryption");
            if (!exists(mc, encryption)) {
                ModelNode add = operation("add", encryption);
                ModelNode resolver = new ModelNode();
                resolver.get("name").set(STORE);
                resolver.get("credential-store").set(STORE);
                resolver.get("secret-key").set("key");
                add.get("resolvers").add(resolver);
                execute(mc, add, true);
            }
            systemProperty(mc, SERVER_SECRET, encrypt(mc, server.secretKeyZ85()));
            systemProperty(mc, CLIENT_SECRET, encrypt(mc, client.secretKeyZ85()));
            systemProperty(mc, ALLOWED, allowed.publicKeyZ85());
            systemProperty(mc, PEER_PUBLIC, peer.publicKeyZ85());
            systemProperty(mc, PEER_SECRET, peer.secretKeyZ85());
            ModelNode replace = operation("write-attribute", address("subsystem", "ee"));
            replace.get("name").set("annotation-property-replacement");
            replace.get("value").set(true);
            execute(mc, replace, true);
        }
        String config = Files.readString(serverConfig());
        assertFalse(config.contains(server.secretKeyZ85()), "the MDB's secret key is in the configuration in clear");
        assertFalse(config.contains(client.secretKeyZ85()), "the factory's secret key is in the configuration in clear");
        assertTrue(config.contains("${ENC::" + STORE + ":"), "no encrypted expression in the configuration");

        long before = logSize();
        deployer.deploy("curve-rar");
        deployer.deploy("curve-app");
        String added = logSince(before);
        List<String> warnings = added.lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> line.contains("IJ") || line.contains("zconn") || line.contains("WFLYEJB"))
                .toList();
        assertTrue(warnings.isEmpty(), "deploying logged: " + warnings);
        assertTrue(added.contains("ZCONNRA0047") && added.contains("curve-it"), "the allow-list was not installed: "
                + added);
        assertTrue(added.contains(server.publicKeyZ85()), "the activation should log the server's public key");
        assertNoSecretIn(added);
    }

    private static void assertNoSecretIn(String text) {
        for (CurveKeyPair k : new CurveKeyPair[] {server, allowed, refused, client}) {
            assertFalse(text.contains(k.secretKeyZ85()), "a secret key was logged");
        }
    }

    /** A libzmq REQ client of the CURVE MDB; prints the reply or "timeout". */
    private static LibzmqPeer curveReq(String serverPublic, CurveKeyPair keys, int timeoutMs, boolean monitor)
            throws Exception {
        return LibzmqPeer.start("""
                s = ctx.socket(zmq.REQ); s.LINGER = 0; s.RCVTIMEO = %d
                s.curve_serverkey = b'%s'; s.curve_publickey = b'%s'; s.curve_secretkey = b'%s'
                mon = s.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_AUTH) if %s else None
                s.connect('tcp://127.0.0.1:25570'); print('ready')
                s.send_string('hello')
                if mon is not None:
                    from zmq.utils.monitor import recv_monitor_message
                    mon.RCVTIMEO = 10000
                    try:
                        ev = recv_monitor_message(mon)
                        ok = ev['event'] == zmq.EVENT_HANDSHAKE_SUCCEEDED
                        print('handshake-ok' if ok else 'auth-failed:%%d' %% ev['value'])
                    except zmq.Again:
                        print('no-handshake-event')
                try:
                    print(s.recv_string())
                except zmq.Again:
                    print('timeout')
                """.formatted(timeoutMs, serverPublic, keys.publicKeyZ85(), keys.secretKeyZ85(),
                monitor ? "True" : "False"));
    }

    @Test
    @Order(1)
    @RunAsClient
    void anAllowedLibzmqClientIsAnsweredAndTheMdbSeesItsUserId() throws Exception {
        try (LibzmqPeer req = curveReq(server.publicKeyZ85(), allowed, 10_000, true)) {
            assertEquals("handshake-ok", req.line(15_000), () -> "peer output: " + req.rest());
            assertEquals("echo:hello|user=" + allowed.publicKeyZ85() + "|type=REQ", req.line(15_000),
                    () -> "peer output: " + req.rest());
            assertEquals(0, req.waitFor());
        }
    }

    /**
     * The deployment's runtime model must not show a secret. It does on WildFly 39.0.1: the
     * connection factory's curveSecretKey from ironjacamar.xml shows resolved to a management user
     * who may read deployments (seen in this test, 2026-11-29); whether the MDB's resolved
     * activation config shows too was not isolated. Kept, disabled, to notice when that changes;
     * the README says so and points at curveSecretKeyFile where it matters.
     */
    @Test
    @Order(1)
    @RunAsClient
    @Disabled("WildFly 39 shows resolved ironjacamar.xml config-properties, secrets included, in the "
            + "deployment runtime model")
    void theDeploymentRuntimeModelShowsNoSecret() throws Exception {
        ModelNode op = operation("read-resource", address("deployment", "*"));
        op.get("recursive").set(true);
        op.get("include-runtime").set(true);
        String model;
        try (ModelControllerClient mc = ModelControllerClient.Factory.create("127.0.0.1", MANAGEMENT_PORT)) {
            model = execute(mc, op, true).toString();
        }
        assertTrue(model.contains("CurveEchoMdb"), "the MDB is not in the model");
        assertNoSecretIn(model);
    }

    /**
     * Runs before the wrong-server-key test: the engine logs at most a few handshake failures per
     * 10 s and summarises the rest, so the refusal is looked for while the window is fresh.
     */
    @Test
    @Order(2)
    @RunAsClient
    void aClientKeyNotOnTheAllowListIsRefusedByZap() throws Exception {
        long before = logSize();
        try (LibzmqPeer req = curveReq(server.publicKeyZ85(), refused, 2_000, true)) {
            assertEquals("auth-failed:400", req.line(15_000), () -> "peer output: " + req.rest());
            assertEquals("timeout", req.line(15_000), () -> "peer output: " + req.rest());
            assertEquals(0, req.waitFor());
        }
        String added = logSince(before);
        assertTrue(added.contains(refused.publicKeyZ85()) && added.contains("not allowed"),
                "the server did not report the refusal: " + added);
        assertNoSecretIn(added);
    }

    @Test
    @Order(3)
    @RunAsClient
    void aClientWithTheWrongServerKeyNeverCompletesTheHandshake() throws Exception {
        long before = logSize();
        CurveKeyPair impostor = Curve.generateKeyPair();
        try (LibzmqPeer req = curveReq(impostor.publicKeyZ85(), allowed, 3_000, false)) {
            assertEquals("timeout", req.line(15_000), () -> "peer output: " + req.rest());
            assertEquals(0, req.waitFor());
        }
        String added = logSince(before);
        assertTrue(added.contains("does not open with our secret key"), "the server did not report the failed "
                + "handshake: " + added);
        assertNoSecretIn(added);
    }

    @Test
    @Order(4)
    @OperateOnDeployment("curve-app")
    void aCurveClientConnectionFactorySendsToALibzmqCurveServer() throws Exception {
        try (LibzmqPeer pull = LibzmqPeer.start("""
                s = ctx.socket(zmq.PULL); s.curve_server = True; s.curve_secretkey = b'%s'; s.RCVTIMEO = 15000
                s.bind('tcp://127.0.0.1:25571'); print('ready')
                print(s.recv_string())
                """.formatted(System.getProperty(PEER_SECRET)))) {
            sender.send("over-curve");
            assertEquals("over-curve", pull.line(20_000), () -> "peer output: " + pull.rest());
            assertEquals(0, pull.waitFor());
        }
    }

    @Test
    @Order(5)
    @RunAsClient
    void undeployAndRemoveTheSettingsWithNoSecretEverLogged() throws Exception {
        deployer.undeploy("curve-app");
        deployer.undeploy("curve-rar");
        assertNoSecretIn(Files.readString(serverLog()));
        try (ModelControllerClient mc = ModelControllerClient.Factory.create("127.0.0.1", MANAGEMENT_PORT)) {
            for (String p : List.of(SERVER_SECRET, CLIENT_SECRET, ALLOWED, PEER_PUBLIC, PEER_SECRET)) {
                execute(mc, operation("remove", address("system-property", p)), true);
            }
            ModelNode replace = operation("write-attribute", address("subsystem", "ee"));
            replace.get("name").set("annotation-property-replacement");
            replace.get("value").set(false);
            execute(mc, replace, true);
            // the credential store and expression=encryption stay (removing them may need a reload):
            // the first test finds and reuses them
        }
    }
}
