package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.Poller;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.zconn.engine.socket.PipeLifecycleTest.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** ROUTER_MANDATORY's POLLOUT, REP under ROUTER_MANDATORY, and the REQ/ROUTER options of libzmq. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestReplyOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean pollOut(Socket s) {
        return (s.events() & Poller.POLLOUT) != 0;
    }

    @Test
    void mandatoryRouterReportsPollOutOnlyWhileAPeerCanTakeAMessage() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        router.setOption(ZmqOption.SNDHWM, 1);
        router.bind("inproc://mandatory-pollout");
        assertThat(pollOut(router)).as("no peer at all").isFalse();
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, b("slow"));
        dealer.setOption(ZmqOption.RCVHWM, 1);
        dealer.connect("inproc://mandatory-pollout");
        await().atMost(WAIT).until(() -> pollOut(router));
        int sent = 0;
        while (router.trySend(Message.of("slow", "m" + sent))) {
            sent++;
        }
        assertThat(sent).isEqualTo(2); // SNDHWM + RCVHWM over inproc
        assertThat(pollOut(router)).as("the only peer is at its HWM").isFalse();
        assertThat(router.trySend(Message.of("slow", "more"))).isFalse();
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("m0");
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("m1");
        await().atMost(WAIT).until(() -> pollOut(router));
        assertThat(router.trySend(Message.of("slow", "again"))).isTrue();
    }

    @Test
    void routerWithoutMandatoryAlwaysReportsPollOut() {
        Socket router = ctx.socket(SocketType.ROUTER);
        assertThat(pollOut(router)).isTrue();
    }

    @Test
    void repWithRouterMandatoryDropsTheReplyToAGoneRequesterAndServesTheNext() {
        Socket rep = ctx.socket(SocketType.REP);
        rep.setOption(ZmqOption.ROUTER_MANDATORY, true);
        rep.bind("inproc://rep-mandatory");
        Socket gone = ctx.socket(SocketType.REQ);
        gone.connect("inproc://rep-mandatory");
        gone.send("q1");
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("q1");
        gone.close();
        await().atMost(WAIT).until(() -> state(rep).get("pipes") == 0);
        rep.send("r1"); // dropped, as libzmq does: no EHOSTUNREACH
        Socket next = ctx.socket(SocketType.REQ);
        next.connect("inproc://rep-mandatory");
        next.send("q2");
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("q2");
        rep.send("r2");
        assertThat(next.recvFrame(WAIT).text()).isEqualTo("r2");
    }

    @Test
    void strictReqRefusesASecondRequest() {
        Socket req = ctx.socket(SocketType.REQ);
        req.connect("inproc://strict");
        req.send("q1");
        assertThat(pollOut(req)).isFalse();
        assertThatThrownBy(() -> req.send("q2"))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFSM));
    }

    @Test
    void correlatedRelaxedReqTakesOnlyTheReplyToItsLatestRequest() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.bind("inproc://correlate");
        Socket req = ctx.socket(SocketType.REQ);
        req.setOption(ZmqOption.REQ_RELAXED, true);
        req.setOption(ZmqOption.REQ_CORRELATE, true);
        req.connect("inproc://correlate");
        req.send("q1");
        Message first = router.recvMessage(WAIT);
        assertThat(first.size()).isEqualTo(4); // [routing id, request id, empty, body]
        assertThat(first.get(1).size()).isEqualTo(4);
        assertThat(first.get(2).size()).isZero();
        assertThat(first.get(3).text()).isEqualTo("q1");
        assertThat(pollOut(req)).as("relaxed: a new request may go").isTrue();
        req.send("q2"); // the reply to q1 was lost: no EFSM
        Message second = router.recvMessage(WAIT);
        assertThat(second.get(3).text()).isEqualTo("q2");
        assertThat(littleEndian(second.get(1).data())).isEqualTo(littleEndian(first.get(1).data()) + 1);
        Message late = new Message();
        late.add(first.get(0).data());
        late.add(first.get(1).data());
        late.add(new byte[0]);
        late.add(b("r1"));
        router.send(late);
        Message answer = new Message();
        answer.add(second.get(0).data());
        answer.add(second.get(1).data());
        answer.add(new byte[0]);
        answer.add(b("r2"));
        router.send(answer);
        assertThat(req.recvMessage(WAIT).get(0).text()).isEqualTo("r2"); // r1 came first, and was skipped
    }

    private static int littleEndian(byte[] d) {
        return (d[0] & 0xff) | (d[1] & 0xff) << 8 | (d[2] & 0xff) << 16 | (d[3] & 0xff) << 24;
    }

    @Test
    void relaxedReqWithoutCorrelateDiscardsAReplyThatCameBeforeTheNewRequest() {
        Socket rep = ctx.socket(SocketType.REP);
        rep.bind("inproc://relaxed");
        Socket req = ctx.socket(SocketType.REQ);
        req.setOption(ZmqOption.REQ_RELAXED, true);
        req.connect("inproc://relaxed");
        req.send("q1");
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("q1");
        rep.send("r1");
        await().atMost(WAIT).until(() -> (req.events() & Poller.POLLIN) != 0);
        req.send("q2"); // r1 is waiting: dropped when q2 starts
        assertThat(rep.recvFrame(WAIT).text()).isEqualTo("q2");
        rep.send("r2");
        assertThat(req.recvFrame(WAIT).text()).isEqualTo("r2");
    }

    @Test
    void reqWhosePeerHasGoneTakesTheReplyFromAnotherPeer() {
        Socket first = ctx.socket(SocketType.ROUTER);
        first.bind("inproc://first");
        Socket second = ctx.socket(SocketType.ROUTER);
        second.bind("inproc://second");
        Socket req = ctx.socket(SocketType.REQ);
        req.setOption(ZmqOption.ROUTING_ID, b("req"));
        req.connect("inproc://first");
        req.send("q");
        assertThat(first.recvMessage(WAIT).get(2).text()).isEqualTo("q");
        req.connect("inproc://second");
        req.disconnect("inproc://first"); // the reply can no longer come from there
        second.send(Message.of("req", "", "from second"));
        assertThat(req.recvFrame(WAIT).text()).isEqualTo("from second"); // libzmq takes it too
    }

    @Test
    void routerHandoverGivesTheRoutingIdToTheNewConnection() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTER_HANDOVER, true);
        router.bind("inproc://handover");
        Socket first = ctx.socket(SocketType.DEALER);
        first.setOption(ZmqOption.ROUTING_ID, b("x"));
        first.connect("inproc://handover");
        first.send("a");
        assertThat(router.recvMessage(WAIT).get(1).text()).isEqualTo("a");
        Socket second = ctx.socket(SocketType.DEALER);
        second.setOption(ZmqOption.ROUTING_ID, b("x"));
        second.connect("inproc://handover");
        second.send("b");
        Message m = router.recvMessage(WAIT);
        assertThat(m.get(0).text()).isEqualTo("x");
        assertThat(m.get(1).text()).isEqualTo("b");
        router.send(Message.of("x", "to-second"));
        assertThat(second.recvFrame(WAIT).text()).isEqualTo("to-second");
        await().atMost(WAIT).until(() -> state(first).get("pipes") == 0);
        assertThat(state(router).get("routingIds")).isEqualTo(1);
    }

    @Test
    void routerWithoutHandoverRefusesADuplicateRoutingId() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.bind("inproc://no-handover");
        Socket first = ctx.socket(SocketType.DEALER);
        first.setOption(ZmqOption.ROUTING_ID, b("x"));
        first.connect("inproc://no-handover");
        Socket second = ctx.socket(SocketType.DEALER);
        second.setOption(ZmqOption.ROUTING_ID, b("x"));
        second.connect("inproc://no-handover");
        await().atMost(WAIT).until(() -> state(second).get("pipes") == 0); // refused
        router.send(Message.of("x", "to-first"));
        assertThat(first.recvFrame(WAIT).text()).isEqualTo("to-first");
        assertThat(state(router).get("routingIds")).isEqualTo(1);
    }

    enum Prober { ROUTER, DEALER, REQ }

    @ParameterizedTest
    @EnumSource(Prober.class)
    void probeRouterSendsAnEmptyMessageOnEachNewConnection(Prober type) {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.bind("inproc://probe");
        Socket prober = ctx.socket(SocketType.valueOf(type.name()));
        prober.setOption(ZmqOption.ROUTING_ID, b("prober"));
        prober.setOption(ZmqOption.PROBE_ROUTER, true);
        prober.connect("inproc://probe");
        Message m = router.recvMessage(WAIT);
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.get(0).text()).isEqualTo("prober");
        assertThat(m.get(1).size()).isZero();
    }

    @Test
    void connectRoutingIdMakesTheNextTcpConnectionRoutableAtOnce() {
        Socket binder = ctx.socket(SocketType.ROUTER);
        binder.bind("tcp://127.0.0.1:*");
        String ep = binder.getOption(ZmqOption.LAST_ENDPOINT);
        Socket router = ctx.socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTING_ID, b("me"));
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        router.setOption(ZmqOption.CONNECT_ROUTING_ID, b("peer-a"));
        router.connect(ep);
        router.send(Message.of("peer-a", "hi")); // before the handshake: queued, not EHOSTUNREACH
        Message m = binder.recvMessage(WAIT);
        assertThat(m.get(0).text()).isEqualTo("me");
        assertThat(m.get(1).text()).isEqualTo("hi");
        binder.send(Message.of("me", "back"));
        Message back = router.recvMessage(WAIT);
        assertThat(back.get(0).text()).isEqualTo("peer-a");
        assertThat(back.get(1).text()).isEqualTo("back");
        // the next connect is named by the peer again
        Socket other = ctx.socket(SocketType.ROUTER);
        other.setOption(ZmqOption.ROUTING_ID, b("other"));
        other.bind("inproc://named-by-itself");
        router.connect("inproc://named-by-itself");
        router.send(Message.of("other", "x"));
        assertThat(other.recvMessage(WAIT).get(1).text()).isEqualTo("x");
    }

    @Test
    void connectRoutingIdNamesAnInprocPeerBoundLater() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.setOption(ZmqOption.ROUTER_MANDATORY, true);
        router.setOption(ZmqOption.CONNECT_ROUTING_ID, b("later"));
        router.connect("inproc://bound-later");
        router.send(Message.of("later", "queued"));
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.bind("inproc://bound-later");
        assertThat(dealer.recvFrame(WAIT).text()).isEqualTo("queued");
    }

    @Test
    void connectRoutingIdIsWriteOnlyValidatedAndForRoutersOnly() {
        Socket router = ctx.socket(SocketType.ROUTER);
        assertThatThrownBy(() -> router.getOption(ZmqOption.CONNECT_ROUTING_ID))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> router.setOption(ZmqOption.CONNECT_ROUTING_ID, new byte[0]))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThatThrownBy(() -> router.setOption(ZmqOption.CONNECT_ROUTING_ID, new byte[] {0, 1}))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        Socket dealer = ctx.socket(SocketType.DEALER);
        assertThatThrownBy(() -> dealer.setOption(ZmqOption.CONNECT_ROUTING_ID, b("x")))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        assertThat(ZmqOption.forName("ZMQ_CONNECT_ROUTING_ID")).isSameAs(ZmqOption.CONNECT_ROUTING_ID);
    }
}
