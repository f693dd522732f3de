package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Endpoint forms behave as libzmq documents them (zmq_tcp, zmq_ipc). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndpointConformanceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** ::1 from its bytes (no name service involved). */
    static InetAddress ipv6Loopback() throws UnknownHostException {
        byte[] one = new byte[16];
        one[15] = 1;
        return InetAddress.getByAddress(one);
    }

    /** Whether this machine has an IPv6 loopback (a plain Java socket can listen on ::1). */
    static boolean hasIpv6Loopback() {
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

    @Test
    void wildcardWithIpv6OffIsIpv4Only() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://*:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        assertThat(ep).matches("tcp://0\\.0\\.0\\.0:\\d+");
        assertThat(accepts("127.0.0.1", port(ep))).isTrue();
        if (hasIpv6Loopback()) {
            assertThat(accepts("::1", port(ep))).as("an IPv6 client of an IPV6=0 socket").isFalse();
        }
    }

    @Test
    void wildcardWithIpv6OnIsDualStack() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.IPV6, true);
        pull.bind("tcp://*:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        if (!hasIpv6Loopback()) {
            // no IPv6 here: the bind may only be IPv4, and IPv4 clients are served either way
            assertThat(accepts("127.0.0.1", port(ep))).isTrue();
            return;
        }
        assertThat(ep).matches("tcp://\\[::\\]:\\d+");
        assertThat(accepts("::1", port(ep))).isTrue();
        assertThat(accepts("127.0.0.1", port(ep))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.5", "127.0.0.5:*", "127.0.0.5:0", "[127.0.0.5]:0"})
    void sourceAddressIsBoundBeforeConnecting(String source) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout((int) WAIT.toMillis());
            Socket push = ctx.socket(SocketType.PUSH);
            push.connect("tcp://" + source + ";127.0.0.1:" + server.getLocalPort());
            try (java.net.Socket accepted = server.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.5");
            }
        }
    }

    @Test
    void sourceAddressReachesAZconnPeer() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.bind("tcp://127.0.0.1:*");
        String ep = router.getOption(ZmqOption.LAST_ENDPOINT);
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.connect("tcp://127.0.0.6:0;" + ep.substring("tcp://".length()));
        dealer.send("from a chosen source");
        assertThat(router.recvMessage(WAIT).get(1).text()).isEqualTo("from a chosen source");
    }

    @Test
    void badSourceIsRejectedAtConnect() {
        Socket push = ctx.socket(SocketType.PUSH);
        assertThatThrownBy(() -> push.connect("tcp://no.such.host;127.0.0.1:5555"))
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> push.connect("tcp://127.0.0.5:x;127.0.0.1:5555"))
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void atNameIsInTheAbstractNamespaceAndMakesNoFile() throws IOException {
        String name = "zconn-test-" + UUID.randomUUID();
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("ipc://@" + name);
        assertThat(pull.getOption(ZmqOption.LAST_ENDPOINT)).isEqualTo("ipc://@" + name);
        assertThat(Path.of("@" + name)).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/net/unix"))).contains(" @" + name);
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("ipc://@" + name);
        push.send("abstract");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("abstract");
        assertThat(Path.of("@" + name)).doesNotExist();
    }

    @Test
    void emptyAbstractNameIsInvalid() {
        Socket pull = ctx.socket(SocketType.PULL);
        assertThatThrownBy(() -> pull.bind("ipc://@"))
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EINVAL));
    }
}
