package io.zconn.ra.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection properties a delivered {@link ZmqMessage} carries. */
class ZmqMessagePropertiesTest {

    @Test
    void aMessageMadeByTheApplicationHasNoProperties() {
        ZmqMessage m = ZmqMessage.of("a", "b");
        assertThat(m.userId()).isEmpty();
        assertThat(m.property("Socket-Type")).isEmpty();
        assertThat(m.properties()).isEmpty();
    }

    @Test
    void propertiesAreCopiedReadOnlyAndFoundInAnyCase() {
        Map<String, String> source = new HashMap<>(Map.of("User-Id", "alice", "Socket-Type", "REQ", "X-Tenant", "t1"));
        ZmqMessage m = ZmqMessage.of("body").withProperties(source);
        source.put("User-Id", "mallory");
        assertThat(m.userId()).contains("alice");
        assertThat(m.property("socket-type")).contains("REQ");
        assertThat(m.property("X-TENANT")).contains("t1");
        assertThat(m.property("Peer-Address")).isEmpty();
        assertThatThrownBy(() -> m.properties().put("User-Id", "mallory")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(m.text()).isEqualTo("body");
    }

    @Test
    void routingIdAndIdentityAreAliases() {
        assertThat(ZmqMessage.of("x").withProperties(Map.of("Identity", "peer-1")).property("Routing-Id"))
                .contains("peer-1");
        assertThat(ZmqMessage.of("x").withProperties(Map.of("Routing-Id", "peer-2")).property("identity"))
                .contains("peer-2");
    }

    @Test
    void propertiesDoNotTakePartInEquality() {
        ZmqMessage plain = ZmqMessage.of("same");
        ZmqMessage fromAlice = plain.withProperties(Map.of("User-Id", "alice"));
        assertThat(fromAlice).isEqualTo(plain).hasSameHashCodeAs(plain);
        assertThat(plain.userId()).as("withProperties makes a new message").isEmpty();
        assertThat(fromAlice.withProperties(Map.of()).properties()).isEmpty();
    }

    @Test
    void propertiesSurviveSerialization() throws Exception {
        ZmqMessage m = ZmqMessage.of("body").withProperties(Map.of("User-Id", "alice"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
            out.writeObject(ZmqMessage.of("none"));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ZmqMessage back = (ZmqMessage) in.readObject();
            assertThat(back).isEqualTo(m);
            assertThat(back.userId()).contains("alice");
            assertThat(back.property("user-id")).as("still case-insensitive").contains("alice");
            assertThat(((ZmqMessage) in.readObject()).properties()).isEmpty();
        }
    }
}
