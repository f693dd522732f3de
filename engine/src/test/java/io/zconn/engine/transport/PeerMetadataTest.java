package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Received messages carry their connection's properties, as libzmq's {@code zmq_msg_gets} reads
 * them: Socket-Type, Routing-Id (alias Identity), Peer-Address (tcp: the IP address; ipc:
 * {@code localhost:uid:gid:pid}), the peer's application properties; inproc carries none. One
 * property set per connection, shared by all its messages.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerMetadataTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String bind(Socket s, String endpoint) {
        s.bind(endpoint);
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    @Test
    void tcpMessagesCarrySocketTypeRoutingIdAndPeerAddress() {
        Socket router = ctx.socket(SocketType.ROUTER);
        String ep = bind(router, "tcp://127.0.0.1:*");
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "alice".getBytes(StandardCharsets.UTF_8));
        dealer.connect(ep);
        dealer.send("one");
        dealer.send("two");

        Message m1 = router.recvMessage(WAIT);
        Message m2 = router.recvMessage(WAIT);
        assertThat(m1).isNotNull();
        assertThat(m2).isNotNull();
        PeerMetadata md = m1.metadata();
        assertThat(md.get(PeerMetadata.SOCKET_TYPE)).contains("DEALER");
        assertThat(md.get("socket-type")).as("names compare case-insensitively").contains("DEALER");
        assertThat(md.get(PeerMetadata.ROUTING_ID)).contains("alice");
        assertThat(md.get("Identity")).contains("alice");
        assertThat(md.get(PeerMetadata.PEER_ADDRESS)).contains("127.0.0.1");
        assertThat(md.get(PeerMetadata.USER_ID)).as("NULL without ZAP establishes no user").isEmpty();
        assertThat(m1.get(0).metadata()).as("the ROUTER's routing-id frame carries it too").isSameAs(md);
        assertThat(m1.get(1).property("Socket-Type")).contains("DEALER");
        assertThat(m2.metadata()).as("one property set per connection, shared by its messages").isSameAs(md);
        assertThat(md.asMap()).containsEntry("socket-type", "DEALER").containsEntry("Peer-Address", "127.0.0.1");
    }

    @Test
    void ipcPeerAddressNamesThePeerProcessAsLibzmqDoes() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        String ep = bind(pull, StreamTransportTest.endpoint("ipc"));
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(ep);
        push.send("hi");
        Frame f = pull.recvFrame(WAIT);
        assertThat(f).isNotNull();
        Path self = Path.of("/proc/self");
        String expected = "localhost:" + Files.getAttribute(self, "unix:uid") + ":"
                + Files.getAttribute(self, "unix:gid") + ":" + ProcessHandle.current().pid();
        assertThat(f.property(PeerMetadata.PEER_ADDRESS)).contains(expected);
        assertThat(f.property(PeerMetadata.SOCKET_TYPE)).contains("PUSH");
        assertThat(f.metadata().contains(PeerMetadata.ROUTING_ID)).as("a PUSH announces no routing id").isFalse();
    }

    @Test
    void inprocMessagesCarryNoMetadataAsInLibzmq() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("inproc://metadata");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("inproc://metadata");
        push.send("hi");
        Message m = pull.recvMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.metadata().isEmpty()).isTrue();
        assertThat(m.property(PeerMetadata.SOCKET_TYPE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void dualStackSocketReportsAddressesAsLibzmq(String host) {
        if (host.startsWith("[")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback on this machine");
        }
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.IPV6, true);
        String ep = bind(pull, "tcp://*:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.IPV6, true);
        push.connect("tcp://" + host + ep.substring(ep.lastIndexOf(':')));
        push.send("hi");
        Frame f = pull.recvFrame(WAIT);
        assertThat(f).isNotNull();
        // libzmq 4.3.4 (getnameinfo on an IPv6 socket): ::ffff:127.0.0.1 and ::1
        assertThat(f.property(PeerMetadata.PEER_ADDRESS)).contains(host.equals("[::1]") ? "::1" : "::ffff:127.0.0.1");
    }

    private static boolean ipv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void dealerWithoutRoutingIdAnnouncesAnEmptyOneAsLibzmq() {
        Socket a = ctx.socket(SocketType.DEALER);
        String ep = bind(a, "tcp://127.0.0.1:*");
        Socket b = ctx.socket(SocketType.DEALER);
        b.connect(ep);
        b.send("hi");
        Frame f = a.recvFrame(WAIT);
        assertThat(f).isNotNull();
        assertThat(f.property("Identity")).contains("");
        assertThat(f.property(PeerMetadata.ROUTING_ID)).contains("");
    }

    @Test
    void applicationPropertiesFromReadyArePassedOnButNotClaimsOfUserOrAddress() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        String ep = bind(pull, "tcp://127.0.0.1:*");
        int port = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        property(props, "Socket-Type", "PUSH");
        property(props, "X-Foo", "bar");
        property(props, "User-Id", "admin");
        property(props, "Peer-Address", "6.6.6.6");
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            OutputStream out = raw.getOutputStream();
            out.write(BadInputTest.greeting("NULL"));
            out.write(HostilePeerTest.command("READY", props.toByteArray()));
            out.write(new byte[] {0, 5, 'h', 'e', 'l', 'l', 'o'});
            out.flush();
            Frame f = pull.recvFrame(WAIT);
            assertThat(f).isNotNull();
            assertThat(f.text()).isEqualTo("hello");
            assertThat(f.property("X-Foo")).contains("bar");
            assertThat(f.property("x-foo")).contains("bar");
            assertThat(f.property(PeerMetadata.USER_ID)).as("a NULL peer cannot pose as a user").isEmpty();
            assertThat(f.property(PeerMetadata.PEER_ADDRESS)).contains("127.0.0.1");
        }
    }

    private static void property(ByteArrayOutputStream out, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(n.length);
        out.writeBytes(n);
        out.writeBytes(new byte[] {0, 0, 0, (byte) v.length});
        out.writeBytes(v);
    }
}
