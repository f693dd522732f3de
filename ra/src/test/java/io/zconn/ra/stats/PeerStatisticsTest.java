package io.zconn.ra.stats;

import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionEvent;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqConnectionListener;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.inflow.ZmqActivation;
import io.zconn.ra.inflow.ZmqActivationSpec;
import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import org.jboss.jca.core.spi.statistics.StatisticsPlugin;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Peers connected, connects, disconnects and reconnects, per factory and per activation, and connection listeners. */
class PeerStatisticsTest extends RunningAdapterTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();


    /** Accepts everything. */
    public static class Quiet implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
        }
    }

    private static String bound(Socket peer) {
        peer.bind(ANY_PORT);
        return peer.getOption(ZmqOption.LAST_ENDPOINT);
    }

    private static Object attribute(ObjectName name, String attribute) throws Exception {
        return MBEANS.getAttribute(name, attribute);
    }

    @Test
    void factoryCountsItsPeersAndTellsListenersOfConnectsDisconnectsAndReconnects() throws Exception {
        Socket pull = peers.socket(SocketType.PULL);
        String endpoint = bound(pull);
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType("PUSH");
        f.setEndpoints(endpoint);
        f.setReconnectInterval(20);
        f.setReconnectIntervalMax(100);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        List<ZmqConnectionEvent> events = new CopyOnWriteArrayList<>();
        ZmqConnectionListener listener = events::add;
        cf.addConnectionListener(listener);
        cf.addConnectionListener(listener); // twice: still told once
        ObjectName name = f.mbeanName();
        assertThat(attribute(name, "PeersConnected")).isEqualTo(0);

        try (ZmqConnection c = cf.getConnection()) {
            c.send("hello");
            assertThat(pull.recvMessage(WAIT)).isNotNull();
            await().atMost(WAIT).until(() -> attribute(name, "PeersConnected").equals(1));
            await().atMost(WAIT).until(() -> f.stats().getConnects() == 1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(events).extracting(ZmqConnectionEvent::type)
                    .containsExactly(ZmqConnectionEvent.Type.CONNECTED));
            assertThat(events.get(0).endpoint()).isEqualTo(endpoint);

            pull.close(); // the peer goes away: the pooled socket loses it and keeps trying to reconnect
            await().atMost(WAIT).until(() -> f.stats().getDisconnects() == 1 && f.stats().getReconnects() >= 1);
            await().atMost(WAIT).until(() -> attribute(name, "PeersConnected").equals(0));
            await().atMost(WAIT).untilAsserted(() -> assertThat(events).extracting(ZmqConnectionEvent::type)
                    .startsWith(ZmqConnectionEvent.Type.CONNECTED, ZmqConnectionEvent.Type.DISCONNECTED)
                    .contains(ZmqConnectionEvent.Type.RECONNECT_SCHEDULED));
            assertThat(attribute(name, "Disconnects")).isEqualTo(1L);
            assertThat((Long) attribute(name, "Reconnects")).isPositive();

            StatisticsPlugin jca = f.getStatistics();
            assertThat(jca.getNames()).contains("PeersConnected", "Connects", "Disconnects", "Reconnects");
            assertThat(jca.getValue("Connects")).isEqualTo(1L);
            assertThat(jca.getValue("PeersConnected")).isEqualTo(0L);
            assertThat(jca.getDescription("Reconnects")).isNotBlank();
        }
        cf.removeConnectionListener(listener);
        int told = events.size();
        f.stats().peers().addListener(e -> { });
        assertThat(f.stats().peers().listenerCount()).as("the removed listener is gone").isEqualTo(1);
        assertThat(events).hasSize(told);
    }

    @Test
    void activationCountsTheConnectionsItAcceptsAndTheAdapterSumsThem() throws Exception {
        Socket push = peers.socket(SocketType.PUSH); // closed below: the peer goes away
        {
            TestEndpointFactory ef = new TestEndpointFactory(Quiet.class, Quiet::new, false, ZmqMessageListener.class);
            ZmqActivationSpec s = new ZmqActivationSpec();
            s.setSocketType("PULL");
            s.setEndpoints(ANY_PORT);
            s.setBind(true);
            ra.endpointActivation(ef, s);
            ZmqActivation a = ra.activations().get(0);
            ObjectName name = a.mbeanName();
            assertThat(attribute(name, "PeersConnected")).isEqualTo(0);

            push.connect(a.lastEndpoint());
            await().atMost(WAIT).until(() -> attribute(name, "PeersConnected").equals(1));
            await().atMost(WAIT).until(() -> a.stats().getConnects() == 1);
            StatisticsPlugin totals = ra.getStatistics();
            assertThat(totals.getValue("PeersConnected")).isEqualTo(1L);
            assertThat(totals.getValue("Connects")).isEqualTo(1L);

            push.close();
            await().atMost(WAIT).until(() -> a.stats().getDisconnects() == 1);
            await().atMost(WAIT).until(() -> attribute(name, "PeersConnected").equals(0));
            assertThat(attribute(name, "Reconnects")).as("a bound socket never reconnects").isEqualTo(0L);

            ra.endpointDeactivation(ef, s);
            assertThat(totals.getValue("Connects")).as("kept after the activation stopped").isEqualTo(1L);
            assertThat(totals.getValue("PeersConnected")).as("a gauge: gone with the activation").isEqualTo(0L);
        }
    }
}
