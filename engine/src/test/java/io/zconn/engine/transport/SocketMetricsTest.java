package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Per-socket and per-peer metrics (issue #12): message and byte counts, queue depths against the
 * HWM, drops and refusals at the HWM, reconnects, handshake failures, and their JMX view.
 */
@Timeout(60)
class SocketMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String endpoint(String transport) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:*";
            case "ipc" -> "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-metrics-" + System.nanoTime() + ".sock";
            default -> "inproc://metrics-" + System.nanoTime();
        };
    }

    private static String bind(Socket s, String transport) {
        s.bind(endpoint(transport));
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc", "inproc"})
    void countsMatchAfterNMessagesInBothDirections(String transport) {
        Socket server = ctx.socket(SocketType.DEALER);
        Socket client = ctx.socket(SocketType.DEALER);
        String ep = bind(server, transport);
        client.connect(ep);
        int n = 300;
        for (int i = 0; i < n; i++) {
            client.send(new byte[10]); // 10 B each
            server.send(new byte[7]);
            server.send(Frame.wrap(new byte[3]).withMore(true));
            server.send(new byte[4]); // and a two-frame message of 7 B
        }
        for (int i = 0; i < n; i++) {
            assertThat(server.recv()).hasSize(10);
            assertThat(client.recv()).hasSize(7);
            client.recvMessage();
        }
        // as an application waiting for more: the readers find their queues empty
        assertThat(server.tryRecvFrame()).isNull();
        assertThat(client.tryRecvFrame()).isNull();

        SocketMetrics c = client.metrics();
        assertThat(c.type()).isEqualTo(SocketType.DEALER);
        assertThat(c.messagesOut()).isEqualTo(n);
        assertThat(c.bytesOut()).isEqualTo(10L * n);
        assertThat(c.messagesIn()).isEqualTo(2L * n);
        assertThat(c.bytesIn()).isEqualTo(14L * n);
        assertThat(c.peers()).singleElement().satisfies(p -> {
            assertThat(p.endpoint()).isEqualTo(ep);
            assertThat(p.messagesOut()).isEqualTo(n);
            assertThat(p.messagesIn()).isEqualTo(2L * n);
            assertThat(p.queuedIn()).as("everything was read").isZero();
            assertThat(p.hwmOut()).isPositive();
            if (!transport.equals("inproc")) {
                assertThat(p.remoteAddress()).startsWith(transport + "://");
            }
        });
        SocketMetrics s = server.metrics();
        assertThat(s.messagesIn()).isEqualTo(n);
        assertThat(s.bytesIn()).isEqualTo(10L * n);
        assertThat(s.messagesOut()).isEqualTo(2L * n);
        assertThat(s.bytesOut()).isEqualTo(14L * n);
        assertThat(s.peers()).singleElement().satisfies(p -> assertThat(p.endpoint()).isEqualTo(ep));
        // delivered: nothing stays queued on either side once the reader took everything
        await().atMost(WAIT).until(() -> client.metrics().peers().get(0).queuedOut() == 0
                && server.metrics().peers().get(0).queuedOut() == 0);
        assertThat(s.hwmDrops() + s.sendsRefused() + c.hwmDrops() + c.sendsRefused()).isZero();
    }

    @Test
    void totalsOutliveTheirPeersAndTheSocket() {
        Socket pull = ctx.socket(SocketType.PULL);
        Socket push = ctx.socket(SocketType.PUSH);
        String ep = bind(pull, "inproc");
        push.connect(ep);
        for (int i = 0; i < 5; i++) {
            push.send("hello");
        }
        for (int i = 0; i < 5; i++) {
            pull.recv();
        }
        push.disconnect(ep);
        assertThat(push.metrics().peers()).isEmpty();
        assertThat(push.metrics().messagesOut()).isEqualTo(5);
        push.close();
        assertThat(push.metrics().messagesOut()).isEqualTo(5);
        assertThat(push.metrics().bytesOut()).isEqualTo(25);
        await().atMost(WAIT).until(() -> pull.metrics().peers().isEmpty());
        assertThat(pull.metrics().messagesIn()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void queueDepthReflectsAStalledReaderUpToTheHwm(String transport) {
        Socket pull = ctx.socket(SocketType.PULL);
        Socket push = ctx.socket(SocketType.PUSH);
        pull.setOption(ZmqOption.RCVHWM, 10);
        push.setOption(ZmqOption.SNDHWM, 10);
        String ep = bind(pull, transport);
        push.connect(ep);
        assertThat(push.awaitPeers(1, WAIT)).isTrue();
        byte[] big = new byte[64 * 1024]; // kernel buffers over tcp take a few MB: fill them quickly
        long deadline = System.nanoTime() + WAIT.toNanos();
        int sent = 0;
        // the reader never reads: sends go on until the pipes and whatever lies between are full
        while (System.nanoTime() < deadline) {
            if (push.trySend(Frame.wrap(big))) {
                sent++;
            } else if (pull.metrics().peers().stream().anyMatch(p -> p.queuedIn() >= p.hwmIn())) {
                break;
            }
        }
        assertThat(sent).isPositive();
        PeerMetrics in = pull.metrics().peers().get(0);
        long hwmIn = transport.equals("inproc") ? 20 : 10; // inproc: the sum of both sides', as libzmq
        assertThat(in.hwmIn()).isEqualTo(hwmIn);
        assertThat(in.queuedIn()).isEqualTo(hwmIn);
        PeerMetrics out = push.metrics().peers().get(0);
        assertThat(out.hwmOut()).isEqualTo(hwmIn);
        assertThat(out.queuedOut()).isBetween(0L, hwmIn);
        assertThat(push.metrics().sendsRefused()).isPositive();
        assertThat(out.messagesOut()).isEqualTo(sent);

        // the reader drains: the depth follows
        for (int i = 0; i < sent; i++) {
            pull.recvFrame();
        }
        assertThat(pull.metrics().peers().get(0).queuedIn()).isZero();
        assertThat(pull.metrics().messagesIn()).isEqualTo(sent);
    }

    @Test
    void pubDropsAtTheHwmAreCounted() {
        Socket pub = ctx.socket(SocketType.PUB);
        Socket sub = ctx.socket(SocketType.SUB);
        pub.setOption(ZmqOption.SNDHWM, 10);
        sub.setOption(ZmqOption.RCVHWM, 10);
        String ep = bind(pub, "inproc");
        sub.connect(ep);
        sub.subscribe("");
        assertThat(pub.awaitPeers(1, WAIT)).isTrue();
        for (int i = 0; i < 100; i++) {
            pub.send("x"); // nobody reads: 20 fit (inproc's HWM is both sides'), 80 are dropped
        }
        SocketMetrics m = pub.metrics();
        assertThat(m.messagesOut()).isEqualTo(20);
        assertThat(m.hwmDrops()).isEqualTo(80);
        assertThat(m.sendsRefused()).as("PUB never refuses").isZero();
        assertThat(m.peers()).singleElement().satisfies(p -> {
            assertThat(p.hwmDrops()).isEqualTo(80);
            assertThat(p.queuedOut()).isEqualTo(20);
            assertThat(p.messagesIn()).as("the subscription").isEqualTo(1);
        });
    }

    @Test
    void routerMandatoryRefusalsAndPlainRouterDropsAreCountedPerPeer() {
        Socket router = ctx.socket(SocketType.ROUTER);
        Socket dealer = ctx.socket(SocketType.DEALER);
        router.setOption(ZmqOption.SNDHWM, 2);
        dealer.setOption(ZmqOption.RCVHWM, 2);
        dealer.setOption(ZmqOption.ROUTING_ID, "d".getBytes(StandardCharsets.UTF_8));
        String ep = bind(router, "inproc");
        dealer.connect(ep);
        dealer.send("hi");
        router.recvMessage();
        for (int i = 0; i < 6; i++) {
            router.send(Frame.wrap("d".getBytes(StandardCharsets.UTF_8)).withMore(true));
            router.send("m"); // 4 fit, 2 dropped
        }
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        // mandatory: the routing id frame itself is refused while the peer is full
        assertThat(router.trySend(Frame.wrap("d".getBytes(StandardCharsets.UTF_8)).withMore(true))).isFalse();
        SocketMetrics m = router.metrics();
        assertThat(m.hwmDrops()).isEqualTo(2);
        assertThat(m.sendsRefused()).isEqualTo(1);
        assertThat(m.peers()).singleElement().satisfies(p -> {
            assertThat(p.hwmDrops()).isEqualTo(2);
            assertThat(p.hwmRefusals()).isEqualTo(1);
            assertThat(p.messagesOut()).isEqualTo(4);
        });
    }

    @Test
    void routerSnapshotHasOnePeerPerRoutingId() {
        Socket router = ctx.socket(SocketType.ROUTER);
        String ep = bind(router, "tcp");
        Socket a = ctx.socket(SocketType.DEALER);
        Socket b = ctx.socket(SocketType.DEALER);
        a.setOption(ZmqOption.ROUTING_ID, "alice".getBytes(StandardCharsets.UTF_8));
        b.setOption(ZmqOption.ROUTING_ID, "bob".getBytes(StandardCharsets.UTF_8));
        a.connect(ep);
        b.connect(ep);
        a.send("one");
        b.send("two");
        b.send("three");
        for (int i = 0; i < 3; i++) {
            router.recvMessage();
        }
        for (int i = 0; i < 4; i++) {
            router.send(Frame.wrap("alice".getBytes(StandardCharsets.UTF_8)).withMore(true));
            router.send("reply");
        }
        Map<String, PeerMetrics> byId = router.metrics().peers().stream()
                .collect(Collectors.toMap(p -> new String(p.routingId(), StandardCharsets.UTF_8), Function.identity()));
        assertThat(byId).containsOnlyKeys("alice", "bob");
        assertThat(byId.get("alice").messagesIn()).isEqualTo(1);
        assertThat(byId.get("alice").messagesOut()).isEqualTo(4);
        assertThat(byId.get("alice").bytesOut()).isEqualTo(20);
        assertThat(byId.get("alice").peerType()).isEqualTo("DEALER");
        assertThat(byId.get("bob").messagesIn()).isEqualTo(2);
        assertThat(byId.get("bob").bytesIn()).isEqualTo(8);
        assertThat(byId.get("bob").messagesOut()).isZero();
        assertThat(byId.values()).allSatisfy(p -> {
            assertThat(p.endpoint()).isEqualTo(ep);
            assertThat(p.remoteAddress()).startsWith("tcp://127.0.0.1:").isNotEqualTo(ep);
            assertThat(p.connected()).isTrue();
        });
    }

    @Test
    void reconnectsAreCountedAfterThePeerRestarts() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        Socket pull2 = ctx.socket(SocketType.PULL);
        Socket push = ctx.socket(SocketType.PUSH);
        try (PortHold hold = new PortHold()) {
            String ep = hold.endpoint();
            pull.bind(ep);
            push.setOption(ZmqOption.RECONNECT_IVL, 20);
            push.connect(ep);
            push.send("one");
            assertThat(pull.recvFrame(WAIT).text()).isEqualTo("one");
            assertThat(push.metrics().reconnects()).isZero();
            pull.close();
            await().atMost(WAIT).until(() -> push.peers() == 0);
            pull2.bind(ep);
        }
        assertThat(pull2.awaitPeers(1, WAIT)).isTrue();
        await().atMost(WAIT).until(() -> push.metrics().reconnects() == 1);
        SocketMetrics m = push.metrics();
        assertThat(m.handshakeFailures()).isZero();
        assertThat(m.peers()).singleElement().satisfies(p -> assertThat(p.connected()).isTrue());
    }

    @Test
    void connectRetriesAreCountedWhileNobodyListens() throws IOException {
        Socket push = ctx.socket(SocketType.PUSH);
        try (PortHold hold = new PortHold()) {
            push.setOption(ZmqOption.RECONNECT_IVL, 10);
            push.connect(hold.endpoint());
            await().atMost(WAIT).until(() -> push.metrics().connectRetries() >= 2);
        }
        assertThat(push.metrics().reconnects()).isZero();
        assertThat(push.metrics().peers()).singleElement().satisfies(p -> assertThat(p.connected()).isFalse());
    }

    @Test
    void handshakeFailureIsCountedForAMechanismMismatch() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.PLAIN_SERVER, true);
        String ep = bind(pull, "tcp");
        Socket push = ctx.socket(SocketType.PUSH); // NULL against PLAIN: refused at the greeting
        push.connect(ep);
        await().atMost(WAIT).until(() -> pull.metrics().handshakeFailures() >= 1 && push.metrics().handshakeFailures() >= 1);
        assertThat(pull.metrics().peers()).isEmpty();
        assertThat(pull.metrics().messagesIn()).isZero();
    }

    @Test
    void mbeanAppearsWhenNamedAndDisappearsOnClose() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String name = "metrics test " + System.nanoTime() + ", \"quoted\"";
        ObjectName on = new ObjectName("io.zconn:type=Socket,name=" + ObjectName.quote(name));
        Socket pull = ctx.socket(SocketType.PULL);
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.ROUTING_ID, new byte[] {1, 2});
        String ep = bind(pull, "tcp");
        push.connect(ep);
        assertThat(server.isRegistered(on)).isFalse();

        pull.setOption(ZmqOption.MBEAN_NAME, name);
        assertThat(server.isRegistered(on)).isTrue();
        assertThat(pull.getOption(ZmqOption.MBEAN_NAME)).isEqualTo(name);
        push.send("12345");
        pull.recv();
        assertThat(server.getAttribute(on, "Type")).isEqualTo("PULL");
        assertThat(server.getAttribute(on, "MessagesIn")).isEqualTo(1L);
        assertThat(server.getAttribute(on, "BytesIn")).isEqualTo(5L);
        CompositeData[] peers = (CompositeData[]) server.getAttribute(on, "Peers");
        assertThat(peers).hasSize(1);
        assertThat(peers[0].get("endpoint")).isEqualTo(ep);
        assertThat(peers[0].get("messagesIn")).isEqualTo(1L);
        assertThat(peers[0].get("peerType")).isEqualTo("PUSH");

        // a name taken by another socket is refused, and this socket keeps its own
        Socket other = ctx.socket(SocketType.PULL);
        assertThatThrownBy(() -> other.setOption(ZmqOption.MBEAN_NAME, name)).isInstanceOf(ZmqException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EADDRINUSE));
        assertThat(other.getOption(ZmqOption.MBEAN_NAME)).isEmpty();

        // renamed: the old name goes
        String renamed = name + " 2";
        ObjectName on2 = new ObjectName("io.zconn:type=Socket,name=" + ObjectName.quote(renamed));
        pull.setOption(ZmqOption.MBEAN_NAME, renamed);
        assertThat(server.isRegistered(on)).isFalse();
        assertThat(server.isRegistered(on2)).isTrue();

        pull.close();
        assertThat(server.isRegistered(on2)).isFalse();
        // and an unnamed socket registers nothing
        assertThat(server.queryNames(new ObjectName("io.zconn:type=Socket,*"), null).stream()
                .map(o -> o.getKeyProperty("name")).filter(n -> n.contains("metrics test")).toList()).isEmpty();
    }

    @Test
    void mbeanIsUnregisteredWhenTheNameIsCleared() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String name = "cleared-" + System.nanoTime();
        ObjectName on = new ObjectName("io.zconn:type=Socket,name=" + ObjectName.quote(name));
        Socket s = ctx.socket(SocketType.DEALER);
        s.setOption(ZmqOption.MBEAN_NAME, name);
        assertThat(server.isRegistered(on)).isTrue();
        s.setOption(ZmqOption.MBEAN_NAME, "");
        assertThat(server.isRegistered(on)).isFalse();
        s.setOption(ZmqOption.MBEAN_NAME, name);
        ctx.close(); // the context closing its sockets unregisters too
        assertThat(server.isRegistered(on)).isFalse();
    }

    // ---- SWAP (issue #13): what waits on disk --------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "inproc"})
    void spilledMessagesShowInThePeersMetricsAndTheTotalsUntilThePeerReadsThem(String transport,
                                                                             @TempDir Path swapDir) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String name = "swap metrics " + transport + " " + System.nanoTime();
        ObjectName on = new ObjectName("io.zconn:type=Socket,name=" + ObjectName.quote(name));
        Socket pull = ctx.socket(SocketType.PULL);
        Socket push = ctx.socket(SocketType.PUSH);
        pull.setOption(ZmqOption.RCVHWM, 10);
        push.setOption(ZmqOption.SNDHWM, 10);
        pull.setOption(ZmqOption.RCVBUF, 64 * 1024); // tcp: small fixed kernel buffers, so the disk keeps most
        push.setOption(ZmqOption.SNDBUF, 64 * 1024);
        push.setOption(ZmqOption.SWAP, 64L << 20);
        push.setOption(ZmqOption.SWAP_DIR, swapDir);
        push.setOption(ZmqOption.MBEAN_NAME, name);
        String ep = bind(push, transport); // the binder: its peer's pipe goes when the peer does
        pull.connect(ep);
        assertThat(push.awaitPeers(1, WAIT)).isTrue();
        assertThat(push.metrics().spilledTotalOut()).isZero();

        // the reader does not read: past the HWM (and over tcp past the kernel's buffers) sends go to disk
        int size = 100;
        int sent = 0;
        while (sent < 500_000 && (sent % 100 != 0 || push.metrics().spilledOut() < 20_000)) {
            assertThat(push.trySend(Frame.wrap(new byte[size]))).as("send %d never blocks with SWAP", sent).isTrue();
            sent++;
        }
        // over tcp the connection takes what its buffers hold (a few thousand messages), then stops
        await().atMost(WAIT).until(() -> {
            PeerMetrics p = push.metrics().peers().get(0);
            return p.spilledBytesOut() == p.spilledOut() * size;
        });
        SocketMetrics m = push.metrics();
        PeerMetrics peer = m.peers().get(0);
        assertThat(peer.spilledOut()).isGreaterThanOrEqualTo(10_000);
        assertThat(peer.spilledBytesOut()).isEqualTo(peer.spilledOut() * size);
        assertThat(peer.spilledTotalOut()).isGreaterThanOrEqualTo(peer.spilledOut()).isLessThanOrEqualTo(sent);
        assertThat(peer.queuedOut()).isGreaterThanOrEqualTo(peer.spilledOut()); // queuedOut includes the disk
        assertThat(peer.queuedOut()).isGreaterThan(peer.hwmOut());
        assertThat(peer.spillLost()).isZero();
        assertThat(peer.toString()).contains("spilled=");
        assertThat(m.spilledOut()).isEqualTo(peer.spilledOut());
        assertThat(m.spilledBytesOut()).isEqualTo(peer.spilledBytesOut());
        assertThat(m.spilledTotalOut()).isEqualTo(peer.spilledTotalOut());
        assertThat(m.spillLost()).isZero();
        assertThat((Long) server.getAttribute(on, "SpilledOut")).isPositive();
        assertThat((Long) server.getAttribute(on, "SpilledBytesOut")).isPositive();
        assertThat((Long) server.getAttribute(on, "SpilledTotalOut")).isPositive();
        assertThat(server.getAttribute(on, "SpillLost")).isEqualTo(0L);
        CompositeData[] peers = (CompositeData[]) server.getAttribute(on, "Peers");
        assertThat((Long) peers[0].get("spilledOut")).isPositive();

        // the peer reads everything: nothing is left on disk, the total stays
        for (int i = 0; i < sent; i++) {
            assertThat(pull.recvFrame(WAIT)).as("message %d", i).isNotNull();
        }
        await().atMost(WAIT).until(() -> push.metrics().spilledOut() == 0);
        m = push.metrics();
        assertThat(m.spilledBytesOut()).isZero();
        assertThat(m.peers().get(0).spilledOut()).isZero();
        assertThat(m.peers().get(0).spilledBytesOut()).isZero();
        assertThat(m.spilledTotalOut()).isEqualTo(peer.spilledTotalOut());
        assertThat(server.getAttribute(on, "SpilledOut")).isEqualTo(0L);
        assertThat(server.getAttribute(on, "SpilledTotalOut")).isEqualTo(peer.spilledTotalOut());

        // the peer goes: its totals stay in the socket's
        pull.close();
        await().atMost(WAIT).until(() -> push.metrics().peers().isEmpty());
        assertThat(push.metrics().spilledTotalOut()).isEqualTo(peer.spilledTotalOut());
        assertThat(push.metrics().spilledOut()).isZero();
    }

    @Test
    void peerMetricsCopyTheirRoutingId() {
        byte[] id = {1, 2, 3};
        PeerMetrics p = new PeerMetrics("inproc://x", "", id, "DEALER", true, 1, 2, 3, 4, 0, 0, 10, 10, 0, 0);
        id[0] = 9;
        p.routingId()[1] = 9;
        assertThat(p.routingId()).containsExactly(1, 2, 3);
        assertThat(p).isEqualTo(new PeerMetrics("inproc://x", "", new byte[] {1, 2, 3}, "DEALER", true,
                1, 2, 3, 4, 0, 0, 10, 10, 0, 0));
        assertThat(List.of(p).toString()).contains("inproc://x");
    }
}
