package io.zconn.itests.interop;

import io.zconn.engine.Message;
import io.zconn.engine.Poller;
import io.zconn.engine.Socket;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * zconn's request-reply and ROUTER behaviour against real libzmq (Debian's python3-zmq): POLLOUT
 * under ROUTER_MANDATORY, REP under ROUTER_MANDATORY, REQ_RELAXED with REQ_CORRELATE (libzmq's
 * request id frame), ROUTER_HANDOVER, PROBE_ROUTER and CONNECT_ROUTING_ID.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LibzmqRequestReplyInteropTest extends LibzmqInteropBase {
    private static final Duration WAIT = Scenarios.WAIT;
    private static final Duration SHORT = Duration.ofMillis(200);

    private static boolean pollOut(Socket s) {
        return (s.events() & Poller.POLLOUT) != 0;
    }

    @Test
    void mandatoryRouterReportsNoPollOutWhileTheOnlyLibzmqPeerIsAtItsHwm() {
        ZconnTestSocket router = zconn("ROUTER");
        Socket r = router.socket();
        r.setOption(ZmqOption.ROUTER_MANDATORY, true);
        r.setOption(ZmqOption.SNDHWM, 1);
        r.setOption(ZmqOption.SNDBUF, 8192);
        String ep = router.bind("tcp://127.0.0.1:*");
        assertThat(pollOut(r)).as("no peer yet").isFalse();
        TestSocket dealer = libzmq("DEALER");
        dealer.setBytes("ROUTING_ID", b("slow"));
        dealer.setInt("RCVHWM", 1);
        dealer.setInt("RCVBUF", 8192);
        dealer.connect(ep);
        until(() -> pollOut(r));
        Message big = Message.of(b("slow"), new byte[64 * 1024]);
        // fill zconn's pipe, both kernel buffers and libzmq's queue: nothing more goes, for a while
        stable(() -> fill(r, big) == 0 && !pollOut(r));
        assertThat(pollOut(r)).isFalse();
        assertThat(r.trySend(big)).as("EAGAIN when POLLOUT is not reported").isFalse();
        until(() -> {
            dealer.recv(SHORT); // libzmq reads: room opens up all the way back
            return pollOut(r);
        });
        assertThat(r.trySend(big)).isTrue();
    }

    private static int fill(Socket s, Message m) {
        int n = 0;
        while (s.trySend(m)) {
            n++;
        }
        return n;
    }

    @Test
    void repWithRouterMandatoryDropsTheReplyToADisconnectedLibzmqReqAndServesTheNext() {
        ZconnTestSocket rep = zconn("REP");
        rep.socket().setOption(ZmqOption.ROUTER_MANDATORY, true);
        String ep = rep.bind("tcp://127.0.0.1:*");
        TestSocket gone = libzmq("REQ");
        gone.connect(ep);
        gone.send(List.of(b("q1")));
        assertThat(rep.recv(WAIT)).containsExactly(describe(b("q1")));
        gone.close();
        forget(gone);
        until(() -> routingState(rep.socket()).get("pipes") == 0);
        rep.send(List.of(b("r1"))); // dropped, as libzmq's REP does
        TestSocket next = libzmq("REQ");
        next.connect(ep);
        next.send(List.of(b("q2")));
        assertThat(rep.recv(WAIT)).containsExactly(describe(b("q2")));
        rep.send(List.of(b("r2")));
        assertThat(next.recv(WAIT)).containsExactly(describe(b("r2")));
    }

    @Test
    void correlatedReqSendsLibzmqsRequestIdFrameAndTakesOnlyTheMatchingReply() {
        TestSocket router = libzmq("ROUTER");
        String ep = router.bind("tcp://127.0.0.1:*");
        ZconnTestSocket req = zconn("REQ");
        req.setBytes("ROUTING_ID", b("req"));
        req.setInt("REQ_CORRELATE", 1);
        req.setInt("REQ_RELAXED", 1);
        req.connect(ep);
        req.send(List.of(b("q1")));
        List<String> first = router.recv(WAIT);
        assertThat(first).hasSize(4);
        assertThat(first.get(0)).isEqualTo(describe(b("req")));
        assertThat(first.get(1)).hasSize(8); // a 4-byte request id
        assertThat(first.subList(2, 4)).containsExactly("-", describe(b("q1")));
        req.send(List.of(b("q2"))); // relaxed: the reply to q1 is abandoned
        List<String> second = router.recv(WAIT);
        assertThat(second.get(1)).isNotEqualTo(first.get(1));
        byte[] id1 = HexFormat.of().parseHex(first.get(1));
        byte[] id2 = HexFormat.of().parseHex(second.get(1));
        router.send(List.of(b("req"), id1, new byte[0], b("r1")));
        router.send(List.of(b("req"), new byte[0], b("no id")));
        router.send(List.of(b("req"), id2, new byte[0], b("r2")));
        assertThat(req.recv(WAIT)).containsExactly(describe(b("r2"))); // what came before it was skipped
    }

    @Test
    void relaxedCorrelatedReqRecoversFromALostReplyOfLibzmqRep() {
        TestSocket rep = libzmq("REP");
        String ep = rep.bind("tcp://127.0.0.1:*");
        ZconnTestSocket req = zconn("REQ");
        req.setInt("REQ_CORRELATE", 1);
        req.setInt("REQ_RELAXED", 1);
        req.connect(ep);
        req.send(List.of(b("q1")));
        assertThat(rep.recv(WAIT)).containsExactly(describe(b("q1")));
        req.send(List.of(b("q2"))); // no reply yet: strict REQ would be stuck here (EFSM)
        rep.send(List.of(b("r1"))); // the late reply to q1
        assertThat(rep.recv(WAIT)).containsExactly(describe(b("q2")));
        rep.send(List.of(b("r2")));
        assertThat(req.recv(WAIT)).containsExactly(describe(b("r2"))); // what came before it was skipped
    }

    @Test
    void zconnRepEchoesTheRequestIdOfACorrelatedLibzmqReq() {
        ZconnTestSocket rep = zconn("REP");
        String ep = rep.bind("tcp://127.0.0.1:*");
        TestSocket req = libzmq("REQ");
        req.setInt("REQ_CORRELATE", 1);
        req.setInt("REQ_RELAXED", 1);
        req.connect(ep);
        for (int i = 0; i < 3; i++) {
            req.send(List.of(b("q" + i)));
            assertThat(rep.recv(WAIT)).containsExactly(describe(b("q" + i)));
            rep.send(List.of(b("r" + i)));
            assertThat(req.recv(WAIT)).containsExactly(describe(b("r" + i)));
        }
    }

    @Test
    void routerHandoverGivesTheRoutingIdToTheNewLibzmqConnection() {
        ZconnTestSocket router = zconn("ROUTER");
        router.setInt("ROUTER_HANDOVER", 1);
        String ep = router.bind("tcp://127.0.0.1:*");
        TestSocket first = libzmq("DEALER");
        first.setBytes("ROUTING_ID", b("x"));
        first.setInt("RECONNECT_IVL", -1); // once handed over, it must not come back and take x again
        first.connect(ep);
        first.send(List.of(b("a")));
        assertThat(router.recv(WAIT)).containsExactly(describe(b("x")), describe(b("a")));
        TestSocket second = libzmq("DEALER");
        second.setBytes("ROUTING_ID", b("x"));
        second.connect(ep);
        second.send(List.of(b("b")));
        assertThat(router.recv(WAIT)).containsExactly(describe(b("x")), describe(b("b")));
        router.send(List.of(b("x"), b("to second")));
        assertThat(second.recv(WAIT)).containsExactly(describe(b("to second")));
        assertThat(first.recv(SHORT)).isNull();
    }

    @ParameterizedTest(name = "zconn {0}")
    @ValueSource(strings = {"DEALER", "REQ", "ROUTER"})
    void probeRouterShowsTheNewConnectionToLibzmqRouterAsAnEmptyMessage(String type) {
        TestSocket router = libzmq("ROUTER");
        String ep = router.bind("tcp://127.0.0.1:*");
        ZconnTestSocket prober = zconn(type);
        prober.setBytes("ROUTING_ID", b("prober"));
        prober.setInt("PROBE_ROUTER", 1);
        prober.connect(ep);
        assertThat(router.recv(WAIT)).containsExactly(describe(b("prober")), "-");
    }

    @Test
    void connectRoutingIdRoutesToTheLibzmqRouterBeforeItsHandshake() {
        TestSocket binder = libzmq("ROUTER");
        String ep = binder.bind("tcp://127.0.0.1:*");
        ZconnTestSocket router = zconn("ROUTER");
        router.setBytes("ROUTING_ID", b("zc"));
        router.setInt("ROUTER_MANDATORY", 1);
        router.setBytes("CONNECT_ROUTING_ID", b("lz"));
        router.connect(ep);
        router.send(List.of(b("lz"), b("hi"))); // at once: no EHOSTUNREACH, no retry loop
        assertThat(binder.recv(WAIT)).containsExactly(describe(b("zc")), describe(b("hi")));
        binder.send(List.of(b("zc"), b("back")));
        assertThat(router.recv(WAIT)).containsExactly(describe(b("lz")), describe(b("back")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> routingState(Socket s) {
        try {
            Field f = Socket.class.getDeclaredField("base");
            f.setAccessible(true);
            Object base = f.get(s);
            return (Map<String, Integer>) base.getClass().getMethod("routingState").invoke(base);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError(e.getMessage(), e);
        }
    }

    /** Polls until the condition holds, within {@link #WAIT}. */
    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Scenarios.pause();
        }
    }

    /** Polls until the condition has held at every check for 300 ms, within 3 x {@link #WAIT}. */
    private static void stable(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 3 * WAIT.toNanos();
        long since = -1;
        while (true) {
            long now = System.nanoTime();
            if (condition.getAsBoolean()) {
                if (since < 0) {
                    since = now;
                } else if (now - since >= TimeUnit.MILLISECONDS.toNanos(300)) {
                    return;
                }
            } else {
                since = -1;
            }
            if (now > deadline) {
                throw new AssertionError("condition did not hold steadily within " + 3 * WAIT.toSeconds() + " s");
            }
            Scenarios.pause();
        }
    }
}
