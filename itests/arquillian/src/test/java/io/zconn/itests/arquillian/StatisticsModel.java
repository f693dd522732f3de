package io.zconn.itests.arquillian;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads zconn's statistics through WildFly's management model (client side only: never added to a
 * deployment, whose class loader does not see the controller client).
 */
final class StatisticsModel {
    private StatisticsModel() {
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
