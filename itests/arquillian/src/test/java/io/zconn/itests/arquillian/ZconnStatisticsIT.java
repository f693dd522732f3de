package io.zconn.itests.arquillian;

import io.zconn.itests.arquillian.app.Inbox;
import io.zconn.itests.arquillian.app.StatsPullMdb;
import io.zconn.itests.arquillian.app.StatsSender;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
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
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.naming.InitialContext;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zconn's statistics in WildFly: N messages sent through a connection factory to a libzmq PULL peer
 * and M pushed by libzmq to a PULL MDB, then read through WildFly's management model (IronJacamar's
 * {@code statistics=extended} of the deployed adapter and of its connection definition) and through
 * the platform MBean server in the container; undeploying leaves no zconn MBean. Its own ports
 * (25661, 25662), so that it runs apart from {@link ZconnWildFlyIT}.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZconnStatisticsIT {
    static final int N = 5;
    static final int M = 4;
    static final String CF_JNDI = "java:/zconn/StatsPush";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        rar.addAsManifestResource(ZconnStatisticsIT.class.getResource("/ironjacamar-stats.xml"), "ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "app", managed = false, order = 2)
    static Archive<?> app() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-stats-app.jar")
                .addClasses(Inbox.class, StatsPullMdb.class, StatsSender.class, LibzmqPeer.class)
                .addPackages(true, "org.awaitility", "org.hamcrest")
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    /** Runs the last in-container check after zconn.rar and the app are gone. */
    @Deployment(name = "probe", managed = false, order = 3)
    static Archive<?> probe() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-stats-probe.jar");
    }

    @Test
    @Order(0)
    @RunAsClient
    void deploy() {
        deployer.deploy("rar");
        deployer.deploy("app");
    }

    @Test
    @Order(1)
    @OperateOnDeployment("app")
    @SuppressWarnings("BanJNDI") // fixed java:module names of this test's own beans
    void countersMoveAndTheMBeansShowThemInTheContainer() throws Exception {
        LibzmqPeer.requirePyzmq();
        StatsSender sender = (StatsSender) new InitialContext().lookup("java:module/StatsSender");
        Inbox inbox = (Inbox) new InitialContext().lookup("java:module/Inbox");
        try (LibzmqPeer pull = LibzmqPeer.start("""
                s = ctx.socket(zmq.PULL); s.bind('tcp://127.0.0.1:25661'); print('ready')
                s.RCVTIMEO = 10000
                for i in range(%d):
                    print(s.recv_string())
                """.formatted(N))) {
            for (int i = 0; i < N; i++) {
                sender.send("stat-" + i);
            }
            for (int i = 0; i < N; i++) {
                assertEquals("stat-" + i, pull.line(10_000));
            }
        }
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName cf = only(mbeans, "io.zconn:type=ConnectionFactory,*");
        // one connection to the libzmq PULL peer (gone now: whether the pooled socket saw it go
        // depends on the pool, so only the connect and the empty peer count are checked here)
        awaitValue(0, () -> attribute(mbeans, cf, "PeersConnected"));
        assertTrue(attribute(mbeans, cf, "Connects") >= 1, "factory Connects");

        ObjectName act = only(mbeans, "io.zconn:type=Activation,*");
        assertEquals(0L, attribute(mbeans, act, "Connects"));
        Set<String> got = new HashSet<>();
        // the peer stays connected after its messages until it is killed (close)
        try (LibzmqPeer push = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUSH); s.connect('tcp://127.0.0.1:25662'); print('ready')
                for i in range(%d):
                    s.send_string(f'in-{i}')
                sys.stdin.read()
                """.formatted(M))) {
            for (int i = 0; i < M; i++) {
                String m = inbox.poll("stats", 10_000);
                assertNotNull(m, "MDB received only " + got);
                got.add(m);
            }
            awaitValue(1, () -> attribute(mbeans, act, "PeersConnected"));
            assertEquals(1L, attribute(mbeans, act, "Connects"));
            assertEquals(0L, attribute(mbeans, act, "Disconnects"));
            assertTrue(push.rest().isEmpty(), "peer output");
        }
        // the peer process has exited: its connection is lost, not closed by the activation
        awaitValue(1, () -> attribute(mbeans, act, "Disconnects"));
        awaitValue(0, () -> attribute(mbeans, act, "PeersConnected"));
        assertEquals(1L, attribute(mbeans, act, "Connects"));

        assertTrue(cf.getKeyProperty("name").contains("25661"), cf.toString());
        assertEquals((long) N, mbeans.getAttribute(cf, "MessagesSent"));
        assertEquals((long) N * "stat-0".length(), mbeans.getAttribute(cf, "BytesSent"));
        assertEquals(0L, mbeans.getAttribute(cf, "SendsFailed"));
        assertTrue(((String) mbeans.getAttribute(act, "LastEndpoint")).contains("25662"), act.toString());
        // the listener has returned for M messages once Delivered reaches M (counted just after it returns)
        awaitValue(M, () -> attribute(mbeans, act, "Delivered"));
        assertEquals((long) M, mbeans.getAttribute(act, "MessagesReceived"));
        assertEquals((long) M * "in-0".length(), mbeans.getAttribute(act, "BytesReceived"));
        assertEquals(0L, mbeans.getAttribute(act, "Failed"));
        assertEquals(0L, mbeans.getAttribute(act, "InFlight"));
    }

    @Test
    @Order(2)
    @RunAsClient
    void theManagementModelShowsTheConnectionFactoryAndAdapterStatistics() throws Exception {
        StatisticsModel.check(N, (long) N * "stat-0".length(), M, CF_JNDI);
    }

    @Test
    @Order(3)
    @RunAsClient
    void theManagementModelFollowsALibzmqPeerComingAndGoing() throws Exception {
        StatisticsModel.checkPeerComingAndGoing(CF_JNDI);
    }

    @Test
    @Order(4)
    @RunAsClient
    void undeploy() {
        deployer.undeploy("app");
        deployer.undeploy("rar");
        deployer.deploy("probe");
    }

    @Test
    @Order(5)
    @OperateOnDeployment("probe")
    void undeployingLeavesNoZconnMBean() throws Exception {
        try {
            Set<ObjectName> left = ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("io.zconn:*"),
                    null);
            assertTrue(left.isEmpty(), "MBeans left after undeploy: " + left);
        } finally {
            // the deployer is a client-side resource: the client test below undeploys the probe
        }
    }

    @Test
    @Order(6)
    @RunAsClient
    void undeployProbe() {
        deployer.undeploy("probe");
    }

    private static ObjectName only(MBeanServer mbeans, String pattern) throws Exception {
        Set<ObjectName> names = mbeans.queryNames(new ObjectName(pattern), null);
        assertEquals(1, names.size(), () -> pattern + ": " + names);
        return names.iterator().next();
    }

    private static long attribute(MBeanServer mbeans, ObjectName name, String attribute) {
        try {
            return ((Number) mbeans.getAttribute(name, attribute)).longValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Awaits (bounded: 10 s) a counter's value. */
    private static void awaitValue(long expected, LongSupplier value) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertEquals(expected, value.getAsLong()));
    }
}
