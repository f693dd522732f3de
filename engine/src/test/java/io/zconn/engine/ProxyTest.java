package io.zconn.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a message that must NOT arrive is given to arrive anyway. */
    private static final Duration NOT_ARRIVING = Duration.ofMillis(300);

    private final Context ctx = new Context();
    private Proxy proxy;
    private CompletableFuture<Void> running;

    @AfterEach
    void tearDown() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        ctx.close();
    }

    /** A ROUTER/DEALER broker on inproc with a REQ client and a REP worker; control as given. */
    private final class Broker {
        final Socket front = ctx.socket(SocketType.ROUTER);
        final Socket back = ctx.socket(SocketType.DEALER);
        final Socket req = ctx.socket(SocketType.REQ);
        final Socket rep = ctx.socket(SocketType.REP);

        Broker(String name, Socket control) {
            front.bind("inproc://" + name + "-front");
            back.bind("inproc://" + name + "-back");
            rep.connect("inproc://" + name + "-back");
            req.connect("inproc://" + name + "-front");
            proxy = new Proxy(front, back, null, control);
            running = CompletableFuture.runAsync(proxy);
        }

        void roundTrip(String q, String a) {
            req.send(q);
            assertThat(rep.recvFrame(WAIT).text()).isEqualTo(q);
            rep.send(a);
            assertThat(req.recvFrame(WAIT).text()).isEqualTo(a);
        }
    }

    private Socket controlPair(String name, SocketType proxySide, SocketType clientSide) {
        Socket c = ctx.socket(proxySide);
        c.bind("inproc://" + name);
        if (proxySide == SocketType.SUB) {
            c.subscribe("");
        }
        Socket client = ctx.socket(clientSide);
        client.connect("inproc://" + name);
        controlClient = client;
        return c;
    }

    private Socket controlClient;

    private static long[] decode(Message reply) {
        assertThat(reply.size()).isEqualTo(8);
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            byte[] b = reply.get(i).data();
            assertThat(b).hasSize(8);
            v[i] = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        return v;
    }

    @Test
    void countsEachDirectionAsLibzmqStatisticsDo() {
        Broker b = new Broker("count", controlPair("count-ctl", SocketType.REP, SocketType.REQ));
        b.roundTrip("hello", "world!");

        // ROUTER frontend: the request is [id, empty, "hello"] on the frontend and [empty, "hello"]
        // after the DEALER; the reply likewise. Bytes are the sum of the frames of the message.
        Proxy.Statistics s = proxy.statistics();
        assertThat(s.frontendMessagesIn()).isEqualTo(1);
        assertThat(s.backendMessagesOut()).isEqualTo(1);
        assertThat(s.backendMessagesIn()).isEqualTo(1);
        assertThat(s.frontendMessagesOut()).isEqualTo(1);
        assertThat(s.frontendBytesIn()).isEqualTo(s.backendBytesOut());
        assertThat(s.backendBytesIn()).isEqualTo(s.frontendBytesOut());
        // the routing id the ROUTER prepends is 5 bytes, the REQ delimiter is empty
        assertThat(s.frontendBytesIn()).isEqualTo(5 + "hello".length());
        assertThat(s.backendBytesIn()).isEqualTo(5 + "world!".length());

        controlClient.send("STATISTICS");
        long[] reply = decode(controlClient.recvMessage(WAIT));
        assertThat(reply).containsExactly(s.toArray());
    }

    @Test
    void pauseCommandHoldsMessagesUntilResume() {
        Broker b = new Broker("pause", controlPair("pause-ctl", SocketType.REP, SocketType.REQ));
        b.roundTrip("a", "b");

        controlClient.send("PAUSE");
        assertThat(controlClient.recvMessage(WAIT).get(0).size()).as("REP answers with an empty frame").isZero();
        assertThat(proxy.state()).isEqualTo(Proxy.State.PAUSED);
        b.req.send("held");
        assertThat(b.rep.recvFrame(NOT_ARRIVING)).as("nothing forwarded while paused").isNull();
        assertThat(proxy.statistics().frontendMessagesIn()).isEqualTo(1);

        controlClient.send("STATISTICS");
        assertThat(decode(controlClient.recvMessage(WAIT))[0]).as("control is served while paused").isEqualTo(1);

        controlClient.send("RESUME");
        assertThat(controlClient.recvMessage(WAIT).get(0).size()).isZero();
        assertThat(b.rep.recvFrame(WAIT).text()).isEqualTo("held");
        assertThat(proxy.statistics().frontendMessagesIn()).isEqualTo(2);
    }

    @Test
    void javaPauseStopsForwardingOnceItReturns() {
        Broker b = new Broker("jpause", null);
        b.roundTrip("a", "b");
        proxy.pause();
        b.req.send("held");
        assertThat(b.rep.recvFrame(NOT_ARRIVING)).isNull();
        proxy.resume();
        assertThat(b.rep.recvFrame(WAIT).text()).isEqualTo("held");
    }

    @Test
    void terminateCommandOnPairEndsRun() throws Exception {
        Broker b = new Broker("term", controlPair("term-ctl", SocketType.PAIR, SocketType.PAIR));
        b.roundTrip("a", "b");
        controlClient.send("TERMINATE");
        running.get(5, TimeUnit.SECONDS);
        assertThat(proxy.state()).isEqualTo(Proxy.State.TERMINATED);
        assertThat(controlClient.recvFrame(NOT_ARRIVING)).as("PAIR gets no reply to TERMINATE").isNull();
        proxy.resume();
        assertThat(proxy.state()).as("terminated is final").isEqualTo(Proxy.State.TERMINATED);
    }

    @Test
    void statisticsOnPairIsTheOnlyReply() {
        Broker b = new Broker("pairstat", controlPair("pairstat-ctl", SocketType.PAIR, SocketType.PAIR));
        controlClient.send("PAUSE");
        controlClient.send("RESUME");
        controlClient.send("STATISTICS");
        b.roundTrip("x", "y");
        long[] first = decode(controlClient.recvMessage(WAIT));
        assertThat(first[0]).isBetween(0L, 1L);
        controlClient.send("STATISTICS");
        assertThat(decode(controlClient.recvMessage(WAIT))).containsExactly(proxy.statistics().toArray());
    }

    @Test
    void subControlSteersButCannotAnswerStatistics() {
        Broker b = new Broker("sub", controlPair("sub-ctl", SocketType.SUB, SocketType.PUB));
        // a PUB drops what it sends before the subscription arrives: wait for it
        assertThat(controlClient.awaitPeers(1, WAIT)).isTrue();
        controlClient.send("STATISTICS");
        controlClient.send("PAUSE");
        await().atMost(WAIT).until(() -> proxy.state() == Proxy.State.PAUSED);
        controlClient.send("RESUME");
        await().atMost(WAIT).until(() -> proxy.state() == Proxy.State.ACTIVE);
        b.roundTrip("still", "running");
    }

    @Test
    void unknownAndMultipartCommandsAreIgnoredAndRepStillAnswers() {
        Broker b = new Broker("bad", controlPair("bad-ctl", SocketType.REP, SocketType.REQ));
        controlClient.send("FLY");
        assertThat(controlClient.recvMessage(WAIT).get(0).size()).isZero();
        controlClient.sendMore("PAUSE");
        controlClient.send("NOW");
        assertThat(controlClient.recvMessage(WAIT).get(0).size()).isZero();
        assertThat(proxy.state()).isEqualTo(Proxy.State.ACTIVE);
        b.roundTrip("a", "b");
    }

    @Test
    void closeTerminatesAndWaitsForRun() throws Exception {
        Broker b = new Broker("close", null);
        b.roundTrip("a", "b");
        proxy.close();
        // run() has passed its end when close() returns; the future completes just after run()
        // returns in the executor's thread, so only the proxy's own record can be checked at once
        assertThat(proxy.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(proxy.state()).isEqualTo(Proxy.State.TERMINATED);
        running.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void neverTakesAMessageTheOtherSideCannotTake() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("inproc://nopeer-front");
        Socket push = ctx.socket(SocketType.PUSH);
        push.bind("inproc://nopeer-back");
        Socket sender = ctx.socket(SocketType.PUSH);
        sender.connect("inproc://nopeer-front");
        proxy = new Proxy(pull, push, null);
        running = CompletableFuture.runAsync(proxy);
        for (int i = 0; i < 10; i++) {
            sender.send("m" + i);
        }
        await().atMost(WAIT).until(() -> (pull.events() & Poller.POLLIN) != 0);
        // the backend PUSH has no peer: the proxy must neither block on it nor take messages it cannot give
        assertThat(proxy.statistics().frontendMessagesIn()).isZero();
        proxy.terminate();
        running.get(5, TimeUnit.SECONDS);

        assertThat(pull.recvFrame(WAIT).text()).as("the first message is still in the frontend").isEqualTo("m0");
    }

    @Test
    void controlOfAnotherTypeIsRefused() {
        Socket front = ctx.socket(SocketType.PULL);
        Socket back = ctx.socket(SocketType.PUSH);
        Socket pub = ctx.socket(SocketType.PUB);
        assertThatThrownBy(() -> new Proxy(front, back, null, pub))
                .isInstanceOf(ZmqException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void runsOnlyOnce() throws Exception {
        Broker b = new Broker("once", null);
        b.roundTrip("a", "b");
        assertThatThrownBy(proxy::run).isInstanceOf(ZmqException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EFSM));
    }

    @Test
    void closingASocketEndsRun() throws Exception {
        Broker b = new Broker("closed", null);
        b.roundTrip("a", "b");
        b.front.close();
        running.get(5, TimeUnit.SECONDS);
        assertThat(proxy.state()).isEqualTo(Proxy.State.TERMINATED);
    }
}
