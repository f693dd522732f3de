package io.zconn.itests.arquillian;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads zconn's statistics through WildFly's management model (client side only: never added to a
 * deployment, whose class loader does not see the controller client).
 */
final class StatisticsModel implements AutoCloseable {
    private final ModelControllerClient client;

    private StatisticsModel(ModelControllerClient client) {
        this.client = client;
    }

    /** @return a client of the server's management model */
    static StatisticsModel open() throws java.net.UnknownHostException {
        return new StatisticsModel(ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management.port", 9990)));
    }

    /**
     * @param attribute a metric of the adapter ({@code statistics=extended}, summed over activations)
     * @return its value now
     */
    long adapter(String attribute) throws Exception {
        return readLong(client, adapterAddress().add("statistics", "extended"), attribute);
    }

    /**
     * @param cfJndi    the connection definition's JNDI name
     * @param attribute a metric of its connection factory
     * @return its value now
     */
    long connectionDefinition(String cfJndi, String attribute) throws Exception {
        return readLong(client, adapterAddress().add("connection-definitions", cfJndi).add("statistics", "extended"),
                attribute);
    }

    /**
     * The libzmq peer of the in-container test came and went; another comes and goes now: the
     * adapter's peer figures follow it.
     *
     * @param cfJndi the connection definition's JNDI name
     */
    static void checkPeerComingAndGoing(String cfJndi) throws Exception {
        try (StatisticsModel model = StatisticsModel.open()) {
            // the peer of the test above came and went
            assertEquals(1, model.adapter("Connects"));
            assertEquals(1, model.adapter("Disconnects"));
            assertEquals(0, model.adapter("PeersConnected"));
            assertTrue(model.connectionDefinition(cfJndi, "Connects") >= 1, "factory Connects");
            assertEquals(0, model.connectionDefinition(cfJndi, "PeersConnected"));
            try (LibzmqPeer push = LibzmqPeer.start("""
                    s = ctx.socket(zmq.PUSH); s.connect('tcp://127.0.0.1:25662'); print('ready')
                    sys.stdin.read()
                    """)) {
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertEquals(1, model.adapter("PeersConnected")));
                assertEquals(2, model.adapter("Connects"));
                assertEquals(1, model.adapter("Disconnects"));
                assertTrue(push.rest().isEmpty(), "peer output");
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(2, model.adapter("Disconnects")));
            assertEquals(0, model.adapter("PeersConnected"));
            assertEquals(2, model.adapter("Connects"));
        }
    }

    @Override
    public void close() throws java.io.IOException {
        client.close();
    }

    private static ModelNode adapterAddress() {
        ModelNode ra = new ModelNode();
        ra.add("deployment", "zconn.rar").add("subsystem", "resource-adapters").add("ironjacamar", "ironjacamar")
                .add("resource-adapter", "zconn.rar");
        return ra;
    }

    /**
     * @param sent      messages the connection factory sent
     * @param sentBytes their bytes
     * @param received  messages the MDB received
     * @param cfJndi    the connection definition's JNDI name
     */
    static void check(long sent, long sentBytes, long received, String cfJndi) throws Exception {
        ModelNode ra = new ModelNode();
        ra.add("deployment", "zconn.rar").add("subsystem", "resource-adapters").add("ironjacamar", "ironjacamar")
                .add("resource-adapter", "zconn.rar");
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management.port", 9990))) {
            ModelNode cfStats = ra.clone().add("connection-definitions", cfJndi).add("statistics", "extended");
            assertEquals(sent, readLong(client, cfStats, "MessagesSent"));
            assertEquals(sentBytes, readLong(client, cfStats, "BytesSent"));
            assertEquals(0, readLong(client, cfStats, "SendsFailed"));

            ModelNode raStats = ra.clone().add("statistics", "extended");
            assertEquals(1, readLong(client, raStats, "Activations"));
            assertEquals(received, readLong(client, raStats, "MessagesReceived"));
            assertEquals(received, readLong(client, raStats, "Delivered"));
            assertEquals(0, readLong(client, raStats, "DeadLettered"));
        }
    }

    static long readLong(ModelControllerClient client, ModelNode address, String attribute)
            throws Exception {
        ModelNode op = new ModelNode();
        op.get("operation").set("read-attribute");
        op.get("address").set(address);
        op.get("name").set(attribute);
        ModelNode result = client.execute(op);
        assertEquals("success", result.get("outcome").asString(), () -> address + " " + attribute + ": " + result
                + "\n" + dump(client, address));
        return result.get("result").asLong();
    }

    static String dump(ModelControllerClient client, ModelNode address) {
        try {
            ModelNode op = new ModelNode();
            op.get("operation").set("read-resource");
            op.get("address").set(address);
            op.get("recursive").set(true);
            op.get("include-runtime").set(true);
            return client.execute(op).toString();
        } catch (Exception e) {
            return "(cannot read " + address + ": " + e + ")";
        }
    }
}
