package io.zconn.itests.arquillian.batch;

import io.zconn.itests.arquillian.LibzmqPeer;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code ZmqBatchListener} MDB in WildFly fed by a libzmq PUSH peer: every message arrives once, in order, in
 * calls of at most {@code maxBatch} (50) messages, far fewer calls than messages, each call in a transaction of
 * its own (REQUIRED: one transaction per batch).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchMdbWildFlyIT {
    private static final int MESSAGES = 5000;

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "batch-rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        // a connection factory that is never used (it connects lazily, to a port nothing listens on)
        rar.addAsManifestResource(new StringAsset("""
                <ironjacamar>
                  <connection-definitions>
                    <connection-definition class-name="io.zconn.ra.outbound.ZmqManagedConnectionFactory"
                                           jndi-name="java:/zconn/BatchUnused" pool-name="BatchUnused">
                      <config-property name="socketType">PUSH</config-property>
                      <config-property name="endpoints">tcp://127.0.0.1:25763</config-property>
                    </connection-definition>
                  </connection-definitions>
                </ironjacamar>
                """), "ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "batch-app", managed = false, order = 2)
    static Archive<?> app() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-batch-app.jar")
                .addClasses(BatchMdb.class, LibzmqPeer.class)
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    @Test
    @Order(0)
    @RunAsClient
    void deploy() {
        deployer.deploy("batch-rar");
        deployer.deploy("batch-app");
    }

    @Test
    @Order(1)
    @OperateOnDeployment("batch-app")
    void aBatchMdbGetsEveryMessageOnceInOrderInFewTransactedCalls() throws Exception {
        try (LibzmqPeer push = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUSH); s.connect('tcp://127.0.0.1:25762'); print('ready')
                for i in range(%d):
                    s.send(b'm%%d' %% i)
                s.close(linger=60000); print('done')
                """.formatted(MESSAGES))) {
            assertEquals("done", push.line(60_000), () -> String.valueOf(push.rest()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count() < MESSAGES && System.nanoTime() < deadline) {
            Thread.sleep(20); // polls the MDB's record until every message arrived (bounded by the deadline)
        }
        List<String> all = new ArrayList<>();
        BatchMdb.CALLS.forEach(all::addAll);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, all, "every message once, in arrival order");
        int calls = BatchMdb.CALLS.size();
        assertTrue(BatchMdb.CALLS.stream().allMatch(c -> !c.isEmpty() && c.size() <= 50),
                () -> "batch sizes within 1..50: " + BatchMdb.CALLS.stream().map(List::size).toList());
        assertTrue(calls < MESSAGES, () -> "batches, not a call per message: " + calls + " calls");
        assertFalse(BatchMdb.TRANSACTIONS.contains("none"), "every call in a transaction");
        assertEquals(calls, new HashSet<>(BatchMdb.TRANSACTIONS).size(), "a transaction of its own per batch");
        System.out.println("batch MDB: " + MESSAGES + " messages in " + calls + " calls");
    }

    private static int count() {
        int n = 0;
        for (List<String> c : BatchMdb.CALLS) {
            n += c.size();
        }
        return n;
    }

    @Test
    @Order(2)
    @RunAsClient
    void undeploy() {
        deployer.undeploy("batch-app");
        deployer.undeploy("batch-rar");
    }
}
