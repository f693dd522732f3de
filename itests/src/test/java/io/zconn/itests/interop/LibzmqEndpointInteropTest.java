package io.zconn.itests.interop;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Endpoint forms whose meaning zmq_tcp and zmq_ipc document, checked side by side with libzmq
 * 4.3.4: the tcp wildcard and IPV6, abstract ipc names, and a connection's source address.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LibzmqEndpointInteropTest extends LibzmqInteropBase {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** ::1 from its bytes (no name service involved). */
    private static InetAddress ipv6Loopback() throws UnknownHostException {
        byte[] one = new byte[16];
        one[15] = 1;
        return InetAddress.getByAddress(one);
    }

    private static boolean hasIpv6Loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, ipv6Loopback())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(String host, int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    /** What a {@code tcp://*:*} bind looks like from outside: its LAST_ENDPOINT with the port masked, and who gets in. */
    private String wildcardBind(String impl, int ipv6) throws IOException {
        TestSocket pull = socket(impl, "PULL");
        pull.setInt("IPV6", ipv6);
        String ep = pull.bind("tcp://*:*");
        int port = port(ep);
        String v6 = hasIpv6Loopback() ? (accepts("::1", port) ? "::1 accepted" : "::1 refused") : "no ::1 here";
        return ep.replace(":" + port, ":<port>") + ", 127.0.0.1 " + (accepts("127.0.0.1", port) ? "accepted" : "refused")
                + ", " + v6;
    }

    @ParameterizedTest(name = "IPV6={0}")
    @ValueSource(ints = {0, 1})
    void wildcardBindMatchesLibzmq(int ipv6) throws IOException {
        String libzmq = wildcardBind("libzmq", ipv6);
        String zconn = wildcardBind("zconn", ipv6);
        assertThat(zconn).isEqualTo(libzmq);
        if (hasIpv6Loopback()) {
            assertThat(zconn).isEqualTo(ipv6 == 0 ? "tcp://0.0.0.0:<port>, 127.0.0.1 accepted, ::1 refused"
                    : "tcp://[::]:<port>, 127.0.0.1 accepted, ::1 accepted");
        }
    }

    @ParameterizedTest(name = "{0} binds")
    @ValueSource(strings = {"libzmq", "zconn"})
    void abstractIpcNameInteroperates(String binder) {
        String name = "zconn-test-" + UUID.randomUUID();
        String other = binder.equals("zconn") ? "libzmq" : "zconn";
        TestSocket bound = socket(binder, "PAIR");
        TestSocket connected = socket(other, "PAIR");
        assertThat(bound.bind("ipc://@" + name)).isEqualTo("ipc://@" + name);
        connected.connect("ipc://@" + name);
        connected.send(List.of(b("to the binder")));
        assertThat(bound.recv(Scenarios.WAIT)).containsExactly(describe(b("to the binder")));
        bound.send(List.of(b("and back")));
        assertThat(connected.recv(Scenarios.WAIT)).containsExactly(describe(b("and back")));
        // the test JVM and the peer share this working directory; an abstract name is no file
        assertThat(Path.of("@" + name)).doesNotExist();
        assertThat(Path.of(System.getProperty("user.dir"), "@" + name)).doesNotExist();
    }

    @ParameterizedTest(name = "source {0}")
    @ValueSource(strings = {"127.0.0.5:0", "127.0.0.5:*", "[127.0.0.5]:0"})
    void libzmqSeesTheSourceAddressZconnBound(String source) {
        String router = "ep" + NAMES.incrementAndGet();
        peer.call("socket " + router + " ROUTER");
        try {
            String ep = peer.call("bind " + router + " tcp://127.0.0.1:*");
            TestSocket dealer = socket("zconn", "DEALER");
            dealer.connect("tcp://" + source + ";" + ep.substring("tcp://".length()));
            dealer.send(List.of(b("who am I")));
            String got = peer.call("recvpeer " + router + " " + Scenarios.WAIT.toMillis());
            assertThat(got).isNotEqualTo("TIMEOUT");
            String[] words = got.split(" ", -1);
            assertThat(words[0]).as("Peer-Address seen by libzmq").isEqualTo("127.0.0.5");
            assertThat(words[words.length - 1]).isEqualTo(describe(b("who am I")));
        } finally {
            peer.call("close " + router);
        }
    }
}
