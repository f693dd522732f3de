package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

class EventPublisherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    private final Context peers = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);
    private final List<Event> sent = new CopyOnWriteArrayList<>();
    private final EventAdmin eventAdmin = new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            throw new AssertionError("postEvent has an unbounded queue: not used");
        }

        @Override
        public void sendEvent(Event event) {
            sent.add(event);
        }
    };

    @AfterEach
    void tearDown() {
        manager.closeAll();
        peers.close();
        context.close();
    }

    private List<String> topics() {
        return sent.stream().map(Event::getTopic).toList();
    }

    @Test
    void connectedAndDisconnectedReachEventAdminWithTheSocketsNameEndpointAndPeer() {
        EventPublisher p = new EventPublisher(manager, EventPublisher.types(new String[0]));
        p.setEventAdmin(eventAdmin);
        Socket peer = peers.socket(SocketType.PULL);
        peer.bind("tcp://127.0.0.1:*");
        String ep = peer.getOption(ZmqOption.LAST_ENDPOINT);
        manager.open(SocketSpec.builder("out", SocketType.PUSH).connect(ep).build(), SocketManager.FROM_CONFIGURATION);

        await().atMost(WAIT).until(() -> topics().contains("io/zconn/socket/HANDSHAKE_SUCCEEDED"));
        Event connected = sent.stream().filter(e -> e.getTopic().equals("io/zconn/socket/CONNECTED")).findFirst()
                .orElseThrow();
        assertThat(connected.getProperty("zconn.name")).isEqualTo("out");
        assertThat(connected.getProperty("zconn.type")).isEqualTo("PUSH");
        assertThat(connected.getProperty("zconn.event")).isEqualTo("CONNECTED");
        assertThat(connected.getProperty("zconn.endpoint")).isEqualTo(ep);
        assertThat(connected.getProperty("zconn.value")).isInstanceOf(Integer.class);
        assertThat(connected.getProperty("timestamp")).isInstanceOf(Long.class);

        peer.close();
        await().atMost(WAIT).until(() -> topics().contains("io/zconn/socket/DISCONNECTED"));
        Event gone = sent.stream().filter(e -> e.getTopic().equals("io/zconn/socket/DISCONNECTED")).findFirst()
                .orElseThrow();
        assertThat(gone.getProperty("zconn.name")).isEqualTo("out");
        assertThat(gone.getProperty("zconn.endpoint")).isEqualTo(ep);
        assertThat((String) gone.getProperty("zconn.peer")).startsWith("tcp://127.0.0.1:");
    }

    @Test
    void onlyTheConfiguredTypesAreSentAndNothingWithoutEventAdmin() {
        EventPublisher p = new EventPublisher(manager, EventPublisher.types(new String[] {"listening", " accepted "}));
        // observers are told in order: once this one saw an event, the publisher has had it too
        List<String> seen = new CopyOnWriteArrayList<>();
        manager.addObserver(new SocketObserver() {
            @Override
            public void event(ManagedSocket socket, SocketEvent event) {
                seen.add(socket.name() + " " + event.type());
            }
        });
        manager.open(SocketSpec.builder("a", SocketType.PULL).bind("tcp://127.0.0.1:*").build(),
                SocketManager.FROM_CONFIGURATION);
        await().atMost(WAIT).until(() -> seen.contains("a LISTENING"));
        p.setEventAdmin(eventAdmin);
        manager.open(SocketSpec.builder("b", SocketType.PULL).bind("tcp://127.0.0.1:*").build(),
                SocketManager.FROM_CONFIGURATION);
        try (Socket peer = peers.socket(SocketType.PUSH)) {
            peer.connect(manager.managed("b").orElseThrow().boundEndpoints().get(0));
            await().atMost(WAIT).until(() -> seen.contains("b HANDSHAKE_SUCCEEDED"));
        }
        p.unsetEventAdmin(eventAdmin);
        manager.close("b");
        p.deactivate();
        assertThat(sent).allMatch(e -> "b".equals(e.getProperty("zconn.name")));
        assertThat(topics()).containsExactly("io/zconn/socket/LISTENING", "io/zconn/socket/ACCEPTED");
    }

    @Test
    void typeNamesAreCheckedAndNoneMeansAll() {
        assertThat(EventPublisher.types(null)).isEqualTo(EnumSet.allOf(SocketEvent.Type.class));
        assertThat(EventPublisher.types(new String[] {"connected"})).containsExactly(SocketEvent.Type.CONNECTED);
        assertThatThrownBy(() -> EventPublisher.types(new String[] {"CONNECTD"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
