package io.zconn.itests.arquillian;

import io.zconn.itests.arquillian.app.EchoMdb;
import io.zconn.itests.arquillian.app.Inbox;
import io.zconn.itests.arquillian.app.ModernMdb;
import io.zconn.itests.arquillian.app.PullMdb;
import io.zconn.itests.arquillian.app.Sender;
import io.zconn.itests.arquillian.app.SubMdb;
import io.zconn.itests.arquillian.app.TxSender;

import jakarta.ejb.EJB;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zconn.rar suite every application server runs: one container start for all tests. A subclass per
 * server declares the deployments (the test application with that server's descriptors) and says how
 * the adapter is deployed and configured (the way the README shows for that server), where the log is,
 * and how to list the server's threads. The tests deploy and undeploy themselves so that the last one
 * can check what undeploying leaves behind. In-container tests run inside the server and start their
 * libzmq peers from there.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ZconnSuite {
    static final int[] PORTS = {25561, 25562, 25563, 25564, 25565, 25566, 25567};

    /** The message-driven beans of the test application (the modern one is deployed on its own). */
    static final List<String> APP_MDBS = List.of("PullMdb", "EchoMdb", "SubMdb");

    @ArquillianResource
    private Deployer deployer;

    @EJB
    private Sender sender;

    @EJB
    private Inbox inbox;

    @EJB
    private TxSender txSender;

    /**
     * The test application without server descriptors.
     *
     * @param jndi maps a connection factory's name ({@code zconn/TestPush}) to the server's JNDI name
     * @return the archive; the caller adds its server's descriptors
     */
    static JavaArchive testApp(UnaryOperator<String> jndi) {
        return ShrinkWrap.create(JavaArchive.class, "zconn-test-app.jar")
                .addClasses(Inbox.class, PullMdb.class, EchoMdb.class, SubMdb.class, Sender.class, TxSender.class,
                        LibzmqPeer.class, ZconnSuite.class)
                .addAsManifestResource(new StringAsset(ejbJarXml(jndi)), "ejb-jar.xml");
    }

    /** The application with the no-methods listener, deployed by {@link #noMethodListenerWithAnnotatedMethod}. */
    static JavaArchive modernApp() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-modern-app.jar").addClasses(ModernMdb.class);
    }

    /**
     * Standard ejb-jar.xml binding the beans' resource references ({@code @Resource(name = ...)}) to the
     * server's JNDI names of the connection factories.
     */
    static String ejbJarXml(UnaryOperator<String> jndi) {
        StringBuilder x = new StringBuilder("""
                <ejb-jar xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0">
                  <enterprise-beans>
                """);
        session(x, "Sender", jndi, "zconn/TestPush", "zconn/TestReq");
        session(x, "TxSender", jndi, "zconn/TestTxPush");
        return x.append("  </enterprise-beans>\n</ejb-jar>\n").toString();
    }

    private static void session(StringBuilder x, String ejb, UnaryOperator<String> jndi, String... refs) {
        x.append("    <session>\n      <ejb-name>").append(ejb).append("</ejb-name>\n");
        for (String ref : refs) {
            x.append("      <resource-ref>\n        <res-ref-name>").append(ref).append("</res-ref-name>\n")
                    .append("        <res-type>io.zconn.ra.api.ZmqConnectionFactory</res-type>\n")
                    .append("        <lookup-name>").append(jndi.apply(ref)).append("</lookup-name>\n")
                    .append("      </resource-ref>\n");
        }
        x.append("    </session>\n");
    }

    /** The deployer of the managed deployments ("app", "modern" and any the subclass declares). */
    protected Deployer deployer() {
        return deployer;
    }

    /**
     * Makes sure the server runs before {@link #deployAdapter()}: a no-op where the container starts the
     * server before the first test; a container that starts it on the first deployment (OmniFaces'
     * GlassFish one) must be made to start it here when the adapter is deployed out of band (asadmin).
     */
    protected void startServer() throws Exception {
        // the container has started the server
    }

    /** Deploys zconn.rar and creates the test connection factories the way the README shows for this server. */
    protected abstract void deployAdapter() throws Exception;

    /** Removes what {@link #deployAdapter()} created and undeploys zconn.rar. */
    protected abstract void undeployAdapter() throws Exception;

    /** The server's log file. */
    protected abstract Path serverLog();

    /**
     * The warnings about the adapter or the application in what the server logged while they were deployed.
     *
     * @param logged the log's text written meanwhile
     * @return the offending entries (empty when clean)
     */
    protected abstract List<String> adapterWarnings(String logged);

    /** Names of the server's threads whose name or stack trace shows zconn code. */
    protected abstract List<String> threadsRunningZconnCode() throws Exception;

    @Test
    @Order(0)
    @RunAsClient
    void deployTheAdapterWithoutValidationWarnings() throws Exception {
        startServer();
        Path log = serverLog();
        long before = Files.exists(log) ? Files.size(log) : 0;
        deployAdapter();
        deployer.deploy("app");
        String added = Files.readString(log).substring((int) before);
        List<String> warnings = adapterWarnings(added);
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

    /** A libzmq PULL connected to the bound TestTxPush socket, printing the first frame of {@code n} messages. */
    private static LibzmqPeer txPeer(int n) throws Exception {
        return LibzmqPeer.start("""
                s = ctx.socket(zmq.PULL); s.RCVTIMEO = 15000; s.connect('tcp://127.0.0.1:25567'); print('ready')
                for i in range(%d):
                    print(s.recv_multipart()[0].decode())
                """.formatted(n));
    }

    @Test
    @Order(7)
    @OperateOnDeployment("app")
    void aSendInARolledBackTransactionNeverReachesTheLibzmqPeer() throws Exception {
        try (LibzmqPeer pull = txPeer(1)) {
            txSender.sendThenRollBack("rolled-back");
            txSender.sendWithoutTransaction("after-rollback");
            // Same socket, one peer, one pipe: had the rolled-back message been sent, it would come first.
            assertEquals("after-rollback", pull.line(15_000), () -> "peer output: " + pull.rest());
            assertEquals(0, pull.waitFor());
        }
    }

    @Test
    @Order(8)
    @OperateOnDeployment("app")
    void aSendInACommittedTransactionReachesTheLibzmqPeerAfterTheCommitNotBefore() throws Exception {
        try (LibzmqPeer pull = txPeer(3)) {
            txSender.sendThenMarkThenCommit("marker", "tx-1", "tx-2");
            // The marker was sent without a transaction after tx-1 and tx-2, before the commit.
            assertEquals("marker", pull.line(15_000), () -> "peer output: " + pull.rest());
            assertEquals("tx-1", pull.line(15_000), () -> "peer output: " + pull.rest());
            assertEquals("tx-2", pull.line(15_000), () -> "peer output: " + pull.rest());
            assertEquals(0, pull.waitFor());
        }
    }

    @Test
    @Order(9)
    @RunAsClient
    void undeployLeavesNoThreadAndFreesThePorts() throws Exception {
        deployer.undeploy("app");
        undeployAdapter();
        List<String> offenders = threadsRunningZconnCode();
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
