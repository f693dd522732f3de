package io.zconn.ra.stats;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.inflow.ZmqActivation;
import io.zconn.ra.inflow.ZmqActivationSpec;
import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import org.jboss.jca.core.spi.statistics.StatisticsPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The HWM figures (drops, refused sends, queue depth against the HWM) and readiness, per factory and per activation. */
class HwmStatisticsTest extends RunningAdapterTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
    /** Holds every delivery of {@link Blocked} until released. */
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Accepts everything. */
    public static class Quiet implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
        }
    }

    /** Blocks until {@link #RELEASE} (at most 30 s). */
    public static class Blocked implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            try {
                RELEASE.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Object attribute(ObjectName name, String attribute) throws Exception {
        return MBEANS.getAttribute(name, attribute);
    }

    /** A TCP listener that completes connections (its backlog) but never speaks ZMTP: no handshake, no peer. */
    private static ServerSocket silentListener() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private ZmqManagedConnectionFactory factory(String type, String endpoint) {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType(type);
        f.setEndpoints(endpoint);
        f.setLinger(0);
        return f;
    }

    @Test
    void aFactorySendingToAPeerThatNeverAnswersShowsAFullQueueAndRefusedSends() throws Exception {
        try (ServerSocket silent = silentListener()) {
            ZmqManagedConnectionFactory f = factory("PUSH", "tcp://127.0.0.1:" + silent.getLocalPort());
            f.setSendHighWaterMark(2);
            f.setSendTimeout(50);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            ObjectName name = f.mbeanName();
            try (ZmqConnection c = cf.getConnection()) {
                c.send("one");
                c.send("two");
                assertThat(attribute(name, "QueueFillPercent")).isEqualTo(100);
                assertThat(attribute(name, "PeersAtHwm")).isEqualTo(1);
                assertThat(attribute(name, "SendsRefused")).isEqualTo(0L);
                assertThatThrownBy(() -> c.send("three")).isInstanceOf(ZmqConnectionException.class);

                assertThat((Long) attribute(name, "SendsRefused")).isPositive();
                assertThat(attribute(name, "QueuedOut")).isEqualTo(2L);
                assertThat(attribute(name, "QueuedIn")).isEqualTo(0L);
                assertThat(attribute(name, "HwmDrops")).as("PUSH blocks, it never drops").isEqualTo(0L);
                StatisticsPlugin jca = f.getStatistics();
                assertThat(jca.getNames()).contains("HwmDrops", "SendsRefused", "QueuedIn", "QueuedOut",
                        "QueueFillPercent", "PeersAtHwm", "Ready", "RequiredPeers");
                assertThat(jca.getValue("QueueFillPercent")).isEqualTo(100L);
                assertThat((Long) jca.getValue("SendsRefused")).isPositive();
                assertThat(jca.getType("PeersAtHwm")).isEqualTo(long.class);
                assertThat(jca.getDescription("PeersAtHwm")).isNotBlank();
            }
        }
    }

    @Test
    void aFactoryWithSwapShowsWhatWaitsOnDiskPastTheHwm(@TempDir Path swapDir) throws Exception {
        try (ServerSocket silent = silentListener()) {
            ZmqManagedConnectionFactory f = factory("PUSH", "tcp://127.0.0.1:" + silent.getLocalPort());
            f.setSendHighWaterMark(2);
            f.setSendTimeout(50);
            f.setOptions("SWAP=1048576, SWAP_DIR=" + swapDir);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            ObjectName name = f.mbeanName();
            try (ZmqConnection c = cf.getConnection()) {
                for (int i = 0; i < 5; i++) {
                    c.send("message " + i); // past SNDHWM: to the spill file, not refused
                }
                assertThat(attribute(name, "SendsRefused")).isEqualTo(0L);
                assertThat(attribute(name, "QueuedOut")).isEqualTo(5L);
                assertThat(attribute(name, "SpilledOut")).isEqualTo(3L);
                assertThat(attribute(name, "SpilledBytesOut")).isEqualTo(3L * "message 0".length());
                assertThat(attribute(name, "SpillLost")).isEqualTo(0L);
                assertThat(attribute(name, "QueueFillPercent")).as("capped: the rest is on disk").isEqualTo(100);
                StatisticsPlugin jca = f.getStatistics();
                assertThat(jca.getValue("SpilledOut")).isEqualTo(3L);
                assertThat(jca.getValue("SpilledBytesOut")).isEqualTo(27L);
                assertThat(jca.getDescription("SpillLost")).isNotBlank();
            }
        }
    }

    @Test
    void aPublisherFactoryDropsForASubscriberThatDoesNotRead() throws Exception {
        Socket sub = peers.socket(SocketType.SUB);
        sub.setOption(ZmqOption.RCVHWM, 1);
        sub.subscribe(new byte[0]);
        sub.bind(ANY_PORT);
        ZmqManagedConnectionFactory f = factory("PUB", sub.getOption(ZmqOption.LAST_ENDPOINT));
        f.setSendHighWaterMark(1);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        ObjectName name = f.mbeanName();
        byte[] big = new byte[1 << 20];
        try (ZmqConnection c = cf.getConnection()) {
            await().atMost(WAIT).until(() -> attribute(name, "PeersConnected").equals(1));
            await().atMost(WAIT).until(() -> {
                c.send(big);
                return (Long) attribute(name, "HwmDrops") > 0;
            });
        }
        assertThat(f.getStatistics().getValue("HwmDrops")).isNotEqualTo(0L);
        assertThat(attribute(name, "SendsRefused")).as("PUB drops, it never refuses").isEqualTo(0L);
    }

    @Test
    void theDropsOfASocketThatClosedAreKept() throws Exception {
        Socket sub = peers.socket(SocketType.SUB);
        sub.setOption(ZmqOption.RCVHWM, 1);
        sub.subscribe(new byte[0]);
        sub.bind(ANY_PORT);
        Socket pub = peers.socket(SocketType.PUB);
        pub.setOption(ZmqOption.SNDHWM, 1);
        pub.setOption(ZmqOption.LINGER, 0);
        PeerStats stats = new PeerStats("test");
        stats.watch(pub);
        pub.connect(sub.getOption(ZmqOption.LAST_ENDPOINT));
        assertThat(pub.awaitPeers(1, WAIT)).isTrue();
        byte[] big = new byte[1 << 20];
        await().atMost(WAIT).until(() -> {
            pub.send(big);
            return stats.hwm().drops() > 0;
        });
        long drops = stats.hwm().drops();
        pub.close();
        assertThat(stats.sockets()).isZero();
        assertThat(stats.hwm().drops()).as("kept after the socket closed").isGreaterThanOrEqualTo(drops);
        assertThat(stats.hwm().queuedOut()).as("no peer left").isZero();
    }

    @Test
    void aConnectingActivationIsReadyOnlyWhileAPeerIsAttachedABoundOneAtOnce() throws Exception {
        Socket push = peers.socket(SocketType.PUSH);
        push.bind(ANY_PORT);
        String endpoint = push.getOption(ZmqOption.LAST_ENDPOINT);
        TestEndpointFactory connecting = new TestEndpointFactory(Quiet.class, Quiet::new, false,
                ZmqMessageListener.class);
        try (ServerSocket silent = silentListener()) {
            ZmqActivationSpec toSilent = new ZmqActivationSpec();
            toSilent.setSocketType("PULL");
            toSilent.setEndpoints("tcp://127.0.0.1:" + silent.getLocalPort());
            toSilent.setBind(false);
            ra.endpointActivation(connecting, toSilent);
            ZmqActivation a = ra.activations().get(0);
            ObjectName name = a.mbeanName();
            assertThat(attribute(name, "RequiredPeers")).isEqualTo(1);
            assertThat(attribute(name, "Ready")).as("no peer behind the silent listener").isEqualTo(false);
            StatisticsPlugin totals = ra.getStatistics();
            assertThat(totals.getValue("ActivationsNotReady")).isEqualTo(1L);

            TestEndpointFactory bound = new TestEndpointFactory(Quiet.class, Quiet::new, false,
                    ZmqMessageListener.class);
            ZmqActivationSpec b = new ZmqActivationSpec();
            b.setSocketType("PULL");
            b.setEndpoints(ANY_PORT);
            b.setBind(true);
            ra.endpointActivation(bound, b);
            ZmqActivation ba = activation(b.getEndpoints());
            assertThat(attribute(ba.mbeanName(), "RequiredPeers")).isEqualTo(0);
            assertThat(attribute(ba.mbeanName(), "Ready")).as("bound: ready without peers").isEqualTo(true);
            assertThat(totals.getValue("ActivationsNotReady")).isEqualTo(1L);
            ra.endpointDeactivation(connecting, toSilent);
            assertThat(totals.getValue("ActivationsNotReady")).isEqualTo(0L);
        }

        ZmqActivationSpec toPeer = new ZmqActivationSpec();
        toPeer.setSocketType("PULL");
        toPeer.setEndpoints(endpoint);
        toPeer.setBind(false);
        ra.endpointActivation(connecting, toPeer);
        ObjectName name = activation(endpoint).mbeanName();
        await().atMost(WAIT).until(() -> attribute(name, "Ready").equals(true));
        push.setOption(ZmqOption.LINGER, 0);
        push.close();
        await().atMost(WAIT).untilAsserted(() -> assertThat(attribute(name, "Ready"))
                .as("Ready, with PeersConnected=%s Disconnects=%s", attribute(name, "PeersConnected"),
                        attribute(name, "Disconnects"))
                .isEqualTo(false));
    }

    private ZmqActivation activation(String endpoints) {
        return ra.activations().stream().filter(a -> a.stats().getDescription().contains(endpoints))
                .findFirst().orElseThrow();
    }

    @Test
    void aFactoryWithRequirePeersIsReadyWhileIdleAndNotWhileItsSocketHasNoPeer() throws Exception {
        try (ServerSocket silent = silentListener()) {
            ZmqManagedConnectionFactory f = factory("PUSH", "tcp://127.0.0.1:" + silent.getLocalPort());
            f.setRequirePeers(1);
            f.setRequirePeersTimeout(50);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            ObjectName name = f.mbeanName();
            assertThat(attribute(name, "RequiredPeers")).isEqualTo(1);
            assertThat(attribute(name, "Ready")).as("no socket open yet").isEqualTo(true);
            try (ZmqConnection c = cf.getConnection()) {
                assertThat(c.socketType()).isEqualTo("PUSH");
                assertThat(attribute(name, "Ready")).as("its socket has no peer").isEqualTo(false);
                assertThat(f.getStatistics().getValue("Ready")).isEqualTo(0L);
            }
        }
        ZmqManagedConnectionFactory plain = factory("PUSH", "tcp://127.0.0.1:1");
        plain.createConnectionFactory();
        assertThat(attribute(plain.mbeanName(), "Ready")).as("requirePeers unset").isEqualTo(true);
        plain.close();
    }

    @Test
    void aSlowListenerFillsTheActivationsQueueToItsHwm() throws Exception {
        TestEndpointFactory ef = new TestEndpointFactory(Blocked.class, Blocked::new, false, ZmqMessageListener.class);
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType("PULL");
        s.setEndpoints(ANY_PORT);
        s.setBind(true);
        s.setReceiveHighWaterMark(4);
        s.setOrderedDelivery(true);
        try {
            ra.endpointActivation(ef, s);
            ZmqActivation a = ra.activations().get(0);
            ObjectName name = a.mbeanName();
            Socket push = peers.socket(SocketType.PUSH);
            push.connect(a.lastEndpoint());
            await().atMost(WAIT).until(() -> {
                push.send(Message.of("m"), Duration.ZERO);
                return attribute(name, "PeersAtHwm").equals(1);
            });
            assertThat(attribute(name, "QueueFillPercent")).isEqualTo(100);
            assertThat((Long) attribute(name, "QueuedIn")).isGreaterThanOrEqualTo(4L);
            assertThat(attribute(name, "Ready")).as("a full queue is flow control, not a failure").isEqualTo(true);
            assertThat(ra.getStatistics().getValue("QueueFillPercent")).isEqualTo(100L);
        } finally {
            RELEASE.countDown();
        }
    }
}
