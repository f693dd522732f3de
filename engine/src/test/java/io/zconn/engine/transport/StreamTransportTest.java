package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    static String endpoint(String transport) {
        return transport.equals("tcp") ? "tcp://127.0.0.1:*"
                : "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-test-" + UUID.randomUUID() + ".sock";
    }

    private String bind(Socket s, String transport) {
        s.bind(endpoint(transport));
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void pushPullCarriesMultipartAndLargeMessages(String transport) {
        Socket pull = ctx.socket(SocketType.PULL);
        String ep = bind(pull, transport);
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(ep);
        byte[] big = new byte[1 << 20];
        big[12345] = 42;
        push.send(Message.of("a".getBytes(StandardCharsets.US_ASCII), new byte[0], big));
        Message m = pull.recvMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.get(1).size()).isZero();
        assertThat(m.get(2).data()).isEqualTo(big);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void reqRepRoundTrip(String transport) {
        Socket rep = ctx.socket(SocketType.REP);
        String ep = bind(rep, transport);
        Socket req = ctx.socket(SocketType.REQ);
        req.connect(ep);
        for (int i = 0; i < 10; i++) {
            req.send("q" + i);
            assertThat(rep.recvFrame(WAIT).text()).isEqualTo("q" + i);
            rep.send("a" + i);
            assertThat(req.recvFrame(WAIT).text()).isEqualTo("a" + i);
        }
    }

    @Test
    void subscriptionsTravelAndFilterOverTcp() {
        Socket pub = ctx.socket(SocketType.PUB);
        String ep = bind(pub, "tcp");
        Socket sub = ctx.socket(SocketType.SUB);
        sub.subscribe("A");
        sub.connect(ep);
        Frame got = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got == null && System.nanoTime() < deadline) {
            pub.send("B ignored");
            pub.send("A wanted");
            got = sub.recvFrame(Duration.ofMillis(50));
        }
        assertThat(got).isNotNull();
        assertThat(got.text()).isEqualTo("A wanted");
    }

    @Test
    void routerSeesDealerRoutingIdOverTcp() {
        Socket router = ctx.socket(SocketType.ROUTER);
        String ep = bind(router, "tcp");
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "me".getBytes(StandardCharsets.US_ASCII));
        dealer.connect(ep);
        dealer.send("hi");
        Message m = router.recvMessage(WAIT);
        assertThat(m.get(0).text()).isEqualTo("me");
        router.send(Message.of("me", "back"));
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("back");
    }

    /**
     * Connect-before-bind needs an endpoint nobody listens on yet. Over ipc that is a fresh path.
     * Over tcp it is a port held by a {@link PortHold}: connections to it are refused (so the
     * connecter's reconnect loop runs) and no other process can take it before our bind; the
     * listener binds it while the hold still has it. Neither variant can race.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void connectBeforeBindDeliversQueuedMessages(String transport) throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        try (PortHold hold = new PortHold()) {
            String ep = transport.equals("tcp") ? hold.endpoint() : endpoint(transport);
            Socket push = ctx.socket(SocketType.PUSH);
            push.setOption(ZmqOption.RECONNECT_IVL, 20);
            push.connect(ep);
            push.send("queued");
            assertThat(pull.recvFrame(Duration.ofMillis(100))).as("nobody listens yet").isNull();
            pull.bind(ep);
        }
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("queued");
    }

    /** The restarted peer binds the same port: a {@link PortHold} keeps it ours in between. */
    @Test
    void reconnectsAfterPeerRestarts() throws IOException {
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
            pull.close();
            pull2.bind(ep);
        }
        // a message written while the old connection is being torn down is lost (as with libzmq),
        // so keep sending until the new connection carries one
        Frame got = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got == null && System.nanoTime() < deadline) {
            push.send("two");
            got = pull2.recvFrame(Duration.ofMillis(50));
        }
        assertThat(got).isNotNull();
        assertThat(got.text()).isEqualTo("two");
    }

    @Test
    void bindingTakenPortFailsWithEaddrinuse() {
        Socket a = ctx.socket(SocketType.PULL);
        String ep = bind(a, "tcp");
        Socket b = ctx.socket(SocketType.PULL);
        assertThatThrownBy(() -> b.bind(ep)).isInstanceOf(ZmqException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EADDRINUSE))
                .hasMessageContaining(ep);
    }

    @Test
    void bindToInterfaceNameAndWildcard() {
        Socket a = ctx.socket(SocketType.PULL);
        a.bind("tcp://lo:*");
        assertThat(a.getOption(ZmqOption.LAST_ENDPOINT)).startsWith("tcp://127.0.0.1:");
        Socket b = ctx.socket(SocketType.PULL);
        b.bind("tcp://*:*");
        String ep = b.getOption(ZmqOption.LAST_ENDPOINT);
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("tcp://localhost:" + ep.substring(ep.lastIndexOf(':') + 1));
        push.send("via hostname");
        assertThat(b.recvFrame(WAIT).text()).isEqualTo("via hostname");
    }

    @Test
    void ipv6LoopbackWorks() {
        Socket a = ctx.socket(SocketType.PULL);
        a.setOption(ZmqOption.IPV6, true);
        a.bind("tcp://[::1]:*");
        String ep = a.getOption(ZmqOption.LAST_ENDPOINT);
        assertThat(ep).startsWith("tcp://[::1]:");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.IPV6, true);
        push.connect(ep);
        push.send("v6");
        assertThat(a.recvFrame(WAIT).text()).isEqualTo("v6");
    }

    @Test
    void staleIpcFileIsReplaced() throws IOException {
        Path p = Path.of(System.getProperty("java.io.tmpdir"), "zconn-stale-" + UUID.randomUUID() + ".sock");
        Files.writeString(p, "left behind");
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("ipc://" + p);
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("ipc://" + p);
        push.send("fresh");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("fresh");
    }

    @Test
    void badEndpointsAreNamedInTheError() {
        Socket s = ctx.socket(SocketType.PUSH);
        assertThatThrownBy(() -> s.connect("tcp://nohost")).hasMessageContaining("tcp://nohost")
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> s.bind("bogus://x")).hasMessageContaining("bogus")
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EPROTONOSUPPORT));
        assertThatThrownBy(() -> s.bind("tcp://127.0.0.1:99999")).hasMessageContaining("99999");
        assertThatThrownBy(() -> s.bind("tcp://nosuchif0:*"))
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EADDRNOTAVAIL));
    }

    @Test
    void badOptionValuesAreNamedInTheError() {
        Socket s = ctx.socket(SocketType.PUSH);
        assertThatThrownBy(() -> s.setOption(ZmqOption.SNDHWM, -5)).hasMessageContaining("SNDHWM").hasMessageContaining("-5");
        assertThatThrownBy(() -> s.setOption(ZmqOption.RCVMORE, true)).hasMessageContaining("read-only");
        assertThatThrownBy(() -> s.setOption(ZmqOption.SUBSCRIBE, new byte[0])).hasMessageContaining("SUBSCRIBE");
    }
}
