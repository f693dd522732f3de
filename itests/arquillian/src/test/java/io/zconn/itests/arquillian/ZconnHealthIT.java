package io.zconn.itests.arquillian;

import io.zconn.itests.arquillian.app.HealthPullMdb;
import io.zconn.ra.health.ZconnHealth;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.arquillian.setup.SnapshotServerSetupTask;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zconn readiness check on WildFly's MicroProfile Health ({@code /health/ready} on the management
 * port): an application (a WAR with the zconn-ra-health jar in WEB-INF/lib) whose MDB connects to a
 * port where nobody listens is DOWN with that activation's entry; a libzmq peer bound there makes it
 * UP; the peer gone, DOWN again. WildFly's standalone-full.xml has no MicroProfile Health: the setup
 * adds it the way the README shows (extensions and subsystems, then a reload) and restores the
 * configuration afterwards. Its own port (25663).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ServerSetup(ZconnHealthIT.MicroProfileHealth.class)
@RunAsClient
class ZconnHealthIT {
    static final String PEER = "tcp://127.0.0.1:25663";
    static final String ACTIVATION = "activation HealthPullMdb <- PULL connected to " + PEER;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ArquillianResource
    private Deployer deployer;

    /** Adds MicroProfile Config and Health to the server (reloaded by the task), restored afterwards. */
    public static class MicroProfileHealth extends SnapshotServerSetupTask {
        @Override
        protected void doSetup(ManagementClient client, String container) throws Exception {
            addIfMissing(client, "org.wildfly.extension.microprofile.config-smallrye", "microprofile-config-smallrye",
                    false);
            // unauthenticated, as the health subsystem of standalone-full.xml (else 401 without credentials)
            addIfMissing(client, "org.wildfly.extension.microprofile.health-smallrye", "microprofile-health-smallrye",
                    true);
            ModelNode reload = new ModelNode();
            reload.get("operation").set("reload");
            reload.get("address").setEmptyList();
            try {
                client.getControllerClient().execute(reload);
            } catch (IOException e) {
                // the connection may drop while the server reloads: its state is awaited below
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> "running".equals(serverState(client)));
        }

        private static String serverState(ManagementClient client) throws Exception {
            ModelNode op = new ModelNode();
            op.get("operation").set("read-attribute");
            op.get("address").setEmptyList();
            op.get("name").set("server-state");
            ModelNode r = client.getControllerClient().execute(op);
            return r.get("result").asString();
        }

        private void addIfMissing(ManagementClient client, String extension, String subsystem, boolean open)
                throws Exception {
            ModelNode read = new ModelNode();
            read.get("operation").set("read-resource");
            read.get("address").add("subsystem", subsystem);
            if ("success".equals(client.getControllerClient().execute(read).get("outcome").asString())) {
                return;
            }
            ModelNode ext = new ModelNode();
            ext.get("operation").set("add");
            ext.get("address").add("extension", extension);
            executeOperation(client, ext);
            ModelNode sub = new ModelNode();
            sub.get("operation").set("add");
            sub.get("address").add("subsystem", subsystem);
            if (open) {
                sub.get("security-enabled").set(false);
            }
            executeOperation(client, sub);
        }
    }

    @Deployment(name = "rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        return rar;
    }

    /** The application: the MDB, and the zconn-ra-health jar (its classes and beans.xml) in WEB-INF/lib. */
    @Deployment(name = "app", managed = false, testable = false, order = 2)
    static Archive<?> app() {
        JavaArchive health = ShrinkWrap.create(JavaArchive.class, "zconn-ra-health.jar")
                .addPackage(ZconnHealth.class.getPackage())
                .addAsManifestResource(ZconnHealth.class.getResource("/META-INF/beans.xml"), "beans.xml");
        return ShrinkWrap.create(WebArchive.class, "zconn-health-app.war")
                .addClasses(HealthPullMdb.class)
                .addAsLibrary(health)
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    private static HttpResponse<String> ready() throws Exception {
        String port = System.getProperty("wildfly.management.port", "9990");
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(boolean up) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> r = ready();
            String body = r.body();
            assertEquals(up ? 200 : 503, r.statusCode(), body);
            assertTrue(body.contains("\"name\":\"zconn\"") || body.contains("\"name\": \"zconn\""), body);
            assertTrue(body.contains(ACTIVATION), body);
            assertTrue(body.contains((up ? "\"UP: peers 1/1" : "\"DOWN (fewer peers than required): peers 0/1")),
                    body);
        });
    }

    @Test
    @Order(0)
    void deploy() {
        deployer.deploy("rar");
        deployer.deploy("app");
    }

    @Test
    @Order(1)
    void readinessIsDownWithoutThePeerUpWithItAndDownWhenItGoes() throws Exception {
        awaitReady(false);
        LibzmqPeer.requirePyzmq();
        try (LibzmqPeer push = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUSH); s.bind('%s'); print('ready')
                sys.stdin.read()
                """.formatted(PEER))) {
            awaitReady(true);
            assertTrue(push.rest().isEmpty(), "peer output");
        }
        awaitReady(false);
    }

    @Test
    @Order(2)
    void undeploy() {
        deployer.undeploy("app");
        deployer.undeploy("rar");
    }
}
