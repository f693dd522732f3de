package io.zconn.ra.inflow;

import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.ra.api.ZmqMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The listener API's message: connection properties decoded once per connection, still right for each message. */
class ConnectionPropertiesTest {

    private static PeerMetadata connection(String userId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Peer-Address", "127.0.0.1");
        m.put("User-Id", userId);
        m.put("Socket-Type", "PUSH");
        m.put("X-Tenant", "tenant-of-" + userId);
        return PeerMetadata.of(m);
    }

    private static Message received(PeerMetadata metadata, String... frames) {
        Message m = new Message();
        for (int i = 0; i < frames.length; i++) {
            m.add(Frame.wrap(frames[i].getBytes(StandardCharsets.UTF_8), i < frames.length - 1, metadata));
        }
        return m;
    }

    private static EndpointTarget target() {
        return new EndpointTarget(null, null, "test", 0);
    }

    @Test
    void messagesOfOneConnectionShareThePropertiesDecodedForItsFirst() {
        EndpointTarget t = target();
        PeerMetadata alice = connection("alice");
        ZmqMessage first = t.toApi(received(alice, "a", "b"));
        ZmqMessage second = t.toApi(received(alice, "c"));
        assertThat(first.texts()).containsExactly("a", "b");
        assertThat(second.texts()).containsExactly("c");
        assertThat(second.properties()).as("not decoded again").isSameAs(first.properties());
        assertThat(second.userId()).contains("alice");
        assertThat(second.property("x-tenant")).contains("tenant-of-alice");
        assertThat(second.property("SOCKET-TYPE")).contains("PUSH");
        assertThat(second.properties()).isEqualTo(alice.asMap());
        assertThatThrownBy(() -> second.properties().put("User-Id", "mallory"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void eachConnectionKeepsItsOwnPropertiesWhenTheyInterleave() {
        EndpointTarget t = target();
        PeerMetadata alice = connection("alice");
        PeerMetadata bob = connection("bob");
        for (int i = 0; i < 3; i++) {
            assertThat(t.toApi(received(alice, "x")).userId()).contains("alice");
            assertThat(t.toApi(received(bob, "y")).userId()).contains("bob");
        }
    }

    @Test
    void connectionsSharingASlotAreToldApartByIdentityNotByChance() {
        ConnectionProperties one = new ConnectionProperties(1);
        PeerMetadata alice = connection("alice");
        PeerMetadata bob = connection("bob");
        PeerMetadata aliceAgain = connection("alice");
        assertThat(one.of(alice).userId()).contains("alice");
        assertThat(one.of(bob).userId()).contains("bob");
        assertThat(one.of(alice).userId()).contains("alice");
        ZmqMessage cached = one.of(alice);
        assertThat(one.of(aliceAgain).properties()).as("another connection is decoded for itself")
                .isNotSameAs(cached.properties()).isEqualTo(cached.properties());
    }

    @Test
    void messagesWithoutConnectionPropertiesHaveNoneAndAtLeastOneFrame() {
        EndpointTarget t = target();
        ZmqMessage m = t.toApi(received(PeerMetadata.EMPTY, "only"));
        assertThat(m.properties()).isEmpty();
        assertThat(m.texts()).containsExactly("only");
        ZmqMessage empty = t.toApi(new Message(List.of()));
        assertThat(empty.size()).isEqualTo(1);
        assertThat(empty.frame(0)).isEmpty();
    }

    @Test
    void slotsArePowersOfTwo() {
        assertThatThrownBy(() -> new ConnectionProperties(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConnectionProperties(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
