package io.zconn.itests.interop;

import io.zconn.itests.interop.Scenarios.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * zconn against real libzmq (Debian's python3-zmq): every compatible socket-type pair, with zconn
 * on either side of the pair, binding or connecting, over tcp and ipc.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LibzmqInteropTest extends LibzmqInteropBase {

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Pair p : Pair.values()) {
            boolean symmetric = p.a.equals(p.b);
            for (String zconnSide : symmetric ? List.of("a") : List.of("a", "b")) {
                for (String binder : List.of("zconn", "libzmq")) {
                    for (String transport : List.of("tcp", "ipc")) {
                        out.add(Arguments.of(p, zconnSide, binder, transport));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: zconn is {1}, {2} binds, {3}")
    @MethodSource("matrix")
    void pairInteroperates(Pair pair, String zconnSide, String binder, String transport) {
        TestSocket a = zconnSide.equals("a") ? zconn(pair.a) : libzmq(pair.a);
        TestSocket b = zconnSide.equals("a") ? libzmq(pair.b) : zconn(pair.b);
        boolean aBinds = binder.equals(zconnSide.equals("a") ? "zconn" : "libzmq");
        Scenarios.prepare(pair, a, b, aBinds);
        TestSocket bindSide = aBinds ? a : b;
        TestSocket connectSide = aBinds ? b : a;
        String ep = bindSide.bind(endpoint(transport));
        connectSide.connect(ep);
        pair.scenario.run(a, b, aBinds);
    }

    @ParameterizedTest(name = "zconn {0}")
    @ValueSource(strings = {"connects", "binds"})
    void heartbeatsKeepIdleConnectionAlive(String role) {
        TestSocket push = zconn("PUSH");
        TestSocket pull = libzmq("PULL");
        for (TestSocket s : List.of(push, pull)) {
            s.setInt("HEARTBEAT_IVL", 100);
            s.setInt("HEARTBEAT_TIMEOUT", 300);
            s.setInt("HEARTBEAT_TTL", 1000);
        }
        // whichever side connects does not reconnect: a dropped connection would stay dropped
        TestSocket connecter = role.equals("connects") ? push : pull;
        TestSocket binder = role.equals("connects") ? pull : push;
        connecter.setInt("RECONNECT_IVL", -1);
        connecter.connect(binder.bind("tcp://127.0.0.1:*"));
        push.send(List.of(b("before")));
        assertThat(pull.recv(Scenarios.WAIT)).containsExactly(describe(b("before")));
        // idle for several heartbeat timeouts; a short sleep makes the idle period itself
        sleep(1500);
        push.send(List.of(b("after")));
        assertThat(pull.recv(Scenarios.WAIT)).containsExactly(describe(b("after")));
    }

    @Test
    void reconnectsAfterLibzmqPeerRestarts() {
        TestSocket pull = libzmq("PULL");
        String ep = pull.bind("tcp://127.0.0.1:*");
        TestSocket push = zconn("PUSH");
        push.setInt("RECONNECT_IVL", 50);
        push.connect(ep);
        push.send(List.of(b("one")));
        assertThat(pull.recv(Scenarios.WAIT)).containsExactly(describe(b("one")));
        pull.close();
        forget(pull);
        TestSocket again = libzmq("PULL");
        bindRetrying(again, ep); // the old listening socket may take a moment to go
        List<String> got = Scenarios.untilReceived(again, () -> push.send(List.of(b("two"))));
        assertThat(got).containsExactly(describe(b("two")));
    }

    @ParameterizedTest(name = "zconn {0} <- libzmq {1}")
    @MethodSource("subscriberRestarts")
    void subscriberResendsItsSubscriptionsAfterLibzmqPublisherRestarts(String subType, String pubType) {
        TestSocket pub = libzmq(pubType);
        String ep = pub.bind("tcp://127.0.0.1:*");
        TestSocket sub = zconn(subType);
        sub.setInt("RECONNECT_IVL", 50);
        if ("SUB".equals(subType)) {
            sub.setBytes("SUBSCRIBE", b("news"));
        }
        sub.connect(ep);
        if ("XSUB".equals(subType)) {
            sub.send(List.of(new byte[] {1, 'n', 'e', 'w', 's'}));
        }
        if ("XPUB".equals(pubType)) {
            assertThat(pub.recv(Scenarios.WAIT)).containsExactly(describe(new byte[] {1, 'n', 'e', 'w', 's'}));
        }
        assertThat(Scenarios.untilReceived(sub, () -> pub.send(List.of(b("news one")))))
                .containsExactly(describe(b("news one")));
        pub.close();
        forget(pub);
        TestSocket again = libzmq(pubType);
        bindRetrying(again, ep); // same port: the subscriber reconnects to the new publisher
        // copies of "news one" sent while the first subscription was on its way may still come first
        List<String> one = List.of(describe(b("news one")));
        List<String> got = Scenarios.untilReceived(sub, () -> again.send(List.of(b("news two"))));
        while (got.equals(one)) {
            got = Scenarios.untilReceived(sub, () -> again.send(List.of(b("news two"))));
        }
        assertThat(got).containsExactly(describe(b("news two")));
    }

    static Stream<Arguments> subscriberRestarts() {
        return Stream.of(Arguments.of("SUB", "PUB"), Arguments.of("SUB", "XPUB"),
                Arguments.of("XSUB", "PUB"), Arguments.of("XSUB", "XPUB"));
    }

    @Test
    void zconnReconnectsToLibzmqOverIpcAfterRestart() {
        String ep = endpoint("ipc");
        TestSocket rep = libzmq("PULL");
        rep.bind(ep);
        TestSocket push = zconn("PUSH");
        push.setInt("RECONNECT_IVL", 50);
        push.connect(ep);
        push.send(List.of(b("one")));
        assertThat(rep.recv(Scenarios.WAIT)).containsExactly(describe(b("one")));
        rep.close();
        forget(rep);
        TestSocket again = libzmq("PULL");
        bindRetrying(again, ep);
        assertThat(Scenarios.untilReceived(again, () -> push.send(List.of(b("two"))))).containsExactly(describe(b("two")));
    }

    @Test
    void incompatiblePairExchangesNothing() {
        TestSocket pull = libzmq("PULL");
        String ep = pull.bind("tcp://127.0.0.1:*");
        TestSocket pub = zconn("PUB");
        pub.connect(ep);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < deadline) {
            pub.send(List.of(b("nobody should get this")));
            assertThat(pull.recv(Duration.ofMillis(20))).isNull();
        }
    }

    @Test
    void libzmqMultipartWithManyEmptyFramesArrivesIntact() {
        TestSocket pull = zconn("PULL");
        TestSocket push = libzmq("PUSH");
        push.connect(pull.bind("tcp://127.0.0.1:*"));
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(i % 2 == 0 ? new byte[0] : b("f" + i));
        }
        push.send(frames);
        assertThat(pull.recv(Scenarios.WAIT)).isEqualTo(describe(frames));
    }

    private static void bindRetrying(TestSocket s, String ep) {
        long deadline = System.nanoTime() + Scenarios.WAIT.toNanos();
        while (true) {
            try {
                s.bind(ep);
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("in use")) {
                    throw e;
                }
                Scenarios.pause();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
