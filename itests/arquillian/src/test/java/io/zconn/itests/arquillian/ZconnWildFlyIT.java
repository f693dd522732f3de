package io.zconn.itests.arquillian;

import io.zconn.itests.arquillian.app.EchoMdb;
import io.zconn.itests.arquillian.app.Inbox;
import io.zconn.itests.arquillian.app.ModernMdb;
import io.zconn.itests.arquillian.app.PullMdb;
import io.zconn.itests.arquillian.app.Sender;
import io.zconn.itests.arquillian.app.SubMdb;

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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zconn.rar in WildFly: one container start for all tests. Deployments are deployed and undeployed
 * by the tests themselves so that the last test can check what undeploying leaves behind.
 * In-container tests run inside WildFly and start their libzmq peers from there.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZconnWildFlyIT {
    static final int[] PORTS = {25561, 25562, 25563, 25564, 25565, 25566};

    @ArquillianResource
    private Deployer deployer;

    @EJB
    private Sender sender;

    @EJB
    private Inbox inbox;

    @Deployment(name = "rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        rar.addAsManifestResource(ZconnWildFlyIT.class.getResource("/ironjacamar.xml"), "ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "app", managed = false, order = 2)
    static Archive<?> app() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-test-app.jar")
                .addClasses(Inbox.class, PullMdb.class, EchoMdb.class, SubMdb.class, Sender.class, LibzmqPeer.class)
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    @Deployment(name = "modern", managed = false, testable = false, order = 3)
    static Archive<?> modern() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-modern-app.jar")
                .addClasses(ModernMdb.class)
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    @Test
    @Order(0)
    @RunAsClient
    void deployTheAdapterWithoutValidationWarnings() throws Exception {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        long before = Files.exists(log) ? Files.size(log) : 0;
        deployer.deploy("rar");
        deployer.deploy("app");
        String added = Files.readString(log).substring((int) before);
        List<String> warnings = added.lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> line.contains("IJ") || line.contains("zconn"))
                .toList();
        assertTrue(warnings.isEmpty(), "deploying zconn.rar logged: " + warnings);
        assertTrue(added.contains("ZCONNRA0001"), "adapter start not logged");
    }

    @Test
    @Order(1)
    @OperateOnDeployment("app")
    void injectedFactorySendsToALibzmqPeer() throws Exception {
        try (LibzmqPeer pull = LibzmqPeer.start("""
                s = ctx.socket(zmq.PULL); s.bind('tcp://127.0.0.1:25561'); print('ready')
                s.RCVTIMEO = 10000
                for i in range(3):
                    print('|'.join(f.decode() for f in s.recv_multipart()))
                """)) {
            for (int i = 0; i < 3; i++) {
                sender.send("bean-" + i, "part2");
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("bean-" + i + "|part2", pull.line(10_000));
            }
            assertEquals(0, pull.waitFor());
        }
    }

    @Test
    @Order(2)
    @OperateOnDeployment("app")
    void mdbReceivesWhatALibzmqPeerPushes() throws Exception {
        try (LibzmqPeer push = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUSH); s.connect('tcp://127.0.0.1:25562'); print('ready')
                for i in range(5):
                    s.send_multipart([f'pushed-{i}'.encode(), b'x'])
                s.close(linger=5000); ctx.term(); print('done')
                """)) {
            assertEquals("done", push.line(15_000));
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                String m = inbox.poll("pull", 10_000);
                assertNotNull(m, "MDB received only " + got);
                got.add(m);
            }
            assertEquals(Set.of("pushed-0|x", "pushed-1|x", "pushed-2|x", "pushed-3|x", "pushed-4|x"), got);
        }
    }

    @Test
    @Order(3)
    @RunAsClient
    void repMdbAnswersALibzmqReqClient() throws Exception {
        try (LibzmqPeer req = LibzmqPeer.start("""
                s = ctx.socket(zmq.REQ); s.RCVTIMEO = 10000; s.connect('tcp://127.0.0.1:25563'); print('ready')
                for i in range(3):
                    s.send_string(f'ping-{i}'); print(s.recv_string())
                """)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("echo:ping-" + i, req.line(15_000), () -> "peer output: " + req.rest());
            }
            assertEquals(0, req.waitFor());
        }
    }

    @Test
    @Order(4)
    @OperateOnDeployment("app")
    void subMdbFiltersBySubscription() throws Exception {
        try (LibzmqPeer pub = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUB); s.bind('tcp://127.0.0.1:25564'); print('ready')
                for i in range(60):
                    s.send_string(f'drop-{i}'); s.send_string(f'keep-{i}'); time.sleep(0.05)
                print('done')
                """)) {
            String first = inbox.poll("sub", 10_000);
            assertNotNull(first, "SUB MDB received nothing");
            assertEquals("done", pub.line(15_000));
            List<String> all = new ArrayList<>(List.of(first));
            String m;
            while ((m = inbox.poll("sub", 500)) != null) {
                all.add(m);
            }
            assertTrue(all.size() > 10, "too few: " + all);
            assertTrue(all.stream().allMatch(s -> s.startsWith("keep-")), "unsubscribed topic delivered: " + all);
        }
    }

    @Test
    @Order(5)
    @OperateOnDeployment("app")
    void poolReusesClosedConnectionsAndDestroysFailedOnes() throws Exception {
        long first = sender.reqConnectionId();
        assertEquals(first, sender.reqConnectionId(), "pool should hand the same managed connection back");
        long failed = sender.failRequest();
        assertEquals(first, failed);
        long after = sender.reqConnectionId();
        assertNotEquals(failed, after, "the failed managed connection came back from the pool");
        assertEquals(after, sender.reqConnectionId());
    }

    @Test
    @Order(6)
    @RunAsClient
    void noMethodListenerWithAnnotatedMethod() throws Exception {
        deployer.deploy("modern");
        try (LibzmqPeer req = LibzmqPeer.start("""
                s = ctx.socket(zmq.REQ); s.RCVTIMEO = 10000; s.connect('tcp://127.0.0.1:25565'); print('ready')
                s.send_string('quiet'); print(s.recv_string())
                """)) {
            assertEquals("QUIET", req.line(15_000));
        } finally {
            deployer.undeploy("modern");
        }
    }

    @Test
    @Order(7)
    @RunAsClient
    void undeployLeavesNoThreadAndFreesThePorts() throws Exception {
        deployer.undeploy("app");
        deployer.undeploy("rar");
        ModelNode op = new ModelNode();
        op.get("operation").set("dump-all-threads");
        op.get("address").add("core-service", "platform-mbean").add("type", "threading");
        op.get("locked-monitors").set(false);
        op.get("locked-synchronizers").set(false);
        ModelNode result;
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1", 9990)) {
            result = client.execute(op);
        }
        assertEquals("success", result.get("outcome").asString(), result.toString());
        List<String> offenders = new ArrayList<>();
        for (ModelNode thread : result.get("result").asList()) {
            String name = thread.get("thread-name").asString();
            String stack = thread.get("stack-trace").toString();
            if (name.contains("zconn") || stack.contains("io.zconn")) {
                offenders.add(name);
            }
        }
        assertTrue(offenders.isEmpty(), "threads still running zconn code: " + offenders);
        for (int port : PORTS) {
            assertTrue(isFree(port), "port " + port + " still bound after undeploy");
        }
    }

    @SuppressWarnings("try") // the socket is opened only to see whether the port is free
    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
