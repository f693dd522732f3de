package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.SocketBase;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One owner for pipe termination: whoever ends a pipe (the peer, disconnect, unbind, close), every
 * routing structure of the socket lets go of it, so connect/disconnect and bind/unbind cycles leave
 * every structure empty and the heap flat.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PipeLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int INPROC_CYCLES = 10_000;
    private static final int TCP_CYCLES = 500;
    private static final long HEAP_BOUND = 5L << 20;

    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    /** A connecting type, a binding type, and one round trip between them. */
    enum Pairing {
        PUSH_PULL(SocketType.PUSH, SocketType.PULL),
        PULL_PUSH(SocketType.PULL, SocketType.PUSH),
        DEALER_ROUTER(SocketType.DEALER, SocketType.ROUTER),
        ROUTER_DEALER(SocketType.ROUTER, SocketType.DEALER),
        REQ_REP(SocketType.REQ, SocketType.REP),
        REP_REQ(SocketType.REP, SocketType.REQ),
        SUB_PUB(SocketType.SUB, SocketType.PUB),
        PUB_SUB(SocketType.PUB, SocketType.SUB),
        XSUB_XPUB(SocketType.XSUB, SocketType.XPUB),
        XPUB_XSUB(SocketType.XPUB, SocketType.XSUB),
        PAIR_PAIR(SocketType.PAIR, SocketType.PAIR);

        final SocketType connecter;
        final SocketType binder;

        Pairing(SocketType connecter, SocketType binder) {
            this.connecter = connecter;
            this.binder = binder;
        }
    }

    static SocketBase base(Socket s) {
        try {
            Field f = Socket.class.getDeclaredField("base");
            f.setAccessible(true);
            return (SocketBase) f.get(s);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("SocketBase no longer has the field this test reads", e);
        }
    }

    static Map<String, Integer> state(Socket s) {
        return base(s).routingState();
    }

    static void assertEmpty(Socket s) {
        assertThat(state(s)).as(s.type() + " routing state").allSatisfy((k, v) -> assertThat(v).as(k).isZero());
    }

    static boolean isEmpty(Socket s) {
        return state(s).values().stream().allMatch(v -> v == 0);
    }

    /** Subscriptions a SUB/XSUB keeps across its connections. */
    private static void prepare(Socket s) {
        if (s.type() == SocketType.SUB) {
            s.subscribe("");
        } else if (s.type() == SocketType.XSUB) {
            s.send(new byte[] {1});
        }
    }

    /** Reads what an XPUB has for its user (subscription notices) so nothing waits there. */
    private static void drainNotices(Socket s) {
        if (s.type() == SocketType.XPUB) {
            while (s.tryRecvFrame() != null) {
                // notices of (un)subscriptions: not what this test is about
            }
        }
    }

    /** One message each way where the pattern allows it; leaves every fair queue deactivated. */
    private static void roundTrip(Pairing p, Socket c, Socket b) {
        switch (p) {
            case PUSH_PULL -> oneWay(c, b);
            case PULL_PUSH -> oneWay(b, c);
            case SUB_PUB, XSUB_XPUB -> {
                drainNotices(b);
                oneWay(b, c);
            }
            case PUB_SUB, XPUB_XSUB -> {
                oneWay(c, b);
                drainNotices(c);
            }
            case DEALER_ROUTER, REQ_REP -> request(c, b);
            case ROUTER_DEALER, REP_REQ -> request(b, c);
            case PAIR_PAIR -> {
                oneWay(c, b);
                oneWay(b, c);
            }
            default -> throw new IllegalStateException(p.name());
        }
    }

    private static void oneWay(Socket from, Socket to) {
        from.send("x");
        Frame f = to.recvFrame(WAIT);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("x");
        assertThat(to.tryRecvFrame()).isNull();
    }

    private static void request(Socket client, Socket server) {
        client.send("q");
        Message m = server.recvMessage(WAIT);
        assertThat(m).isNotNull();
        if (server.type() == SocketType.ROUTER) {
            server.send(Message.of(m.get(0).data(), "r".getBytes(StandardCharsets.US_ASCII)));
        } else {
            server.send("r");
        }
        Message r = client.recvMessage(WAIT);
        assertThat(r).isNotNull();
        assertThat(r.get(r.size() - 1).text()).isEqualTo("r");
        assertThat(server.tryRecvFrame()).isNull();
    }

    /** Awaitility polling every millisecond (the default 100 ms would dominate a cycle). */
    static ConditionFactory soon() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private void connectDisconnectCycles(Pairing p, String transport, int cycles) {
        Socket b = ctx.socket(p.binder);
        Socket c = ctx.socket(p.connecter);
        prepare(b);
        prepare(c);
        b.bind(transport.equals("inproc") ? "inproc://cycles-" + p : "tcp://127.0.0.1:*");
        String ep = b.getOption(ZmqOption.LAST_ENDPOINT);
        Runnable cycle = () -> {
            c.connect(ep);
            roundTrip(p, c, b);
            c.disconnect(ep);
            drainNotices(c);
            assertEmpty(c); // ended by us: dropped at once
            if (!transport.equals("inproc")) {
                soon().until(() -> isEmpty(b));
            }
        };
        measure(p + " " + transport + " connect/disconnect", cycles, cycle, b, c);
    }

    private void bindUnbindCycles(Pairing p, String transport, int cycles) {
        Socket b = ctx.socket(p.binder);
        Socket c = ctx.socket(p.connecter);
        prepare(b);
        prepare(c);
        String name = "inproc://unbind-" + p;
        Runnable cycle = () -> {
            b.bind(transport.equals("inproc") ? name : "tcp://127.0.0.1:*");
            String ep = b.getOption(ZmqOption.LAST_ENDPOINT);
            c.connect(ep);
            roundTrip(p, c, b);
            b.unbind(ep);
            if (!transport.equals("inproc")) {
                drainNotices(b);
                assertEmpty(b); // the listener's connections are ended by us: dropped at once
            }
            // the connecter keeps its pipe while it reconnects (tcp), or keeps its connection
            // (inproc: as in libzmq, unbinding a name does not end connections made to it)
            c.disconnect(ep);
            drainNotices(c);
            assertEmpty(c);
            if (transport.equals("inproc")) {
                drainNotices(b);
                assertEmpty(b); // its peer went: only the delimiter was left, so it left at once
            }
        };
        measure(p + " " + transport + " bind/unbind", cycles, cycle, b, c);
    }

    private static void measure(String what, int cycles, Runnable cycle, Socket b, Socket c) {
        int warmUp = Math.max(50, cycles / 20);
        for (int i = 0; i < warmUp; i++) {
            cycle.run();
        }
        long before = usedHeapAfterGc();
        for (int i = 0; i < cycles; i++) {
            cycle.run();
        }
        soon().until(() -> {
            drainNotices(b);
            drainNotices(c);
            return isEmpty(b) && isEmpty(c);
        });
        long after = usedHeapAfterGc();
        System.out.printf("%s x%d: used heap after GC %.2f MB -> %.2f MB (%+d KB)%n", what, cycles,
                before / 1e6, after / 1e6, (after - before) / 1024);
        assertEmpty(b);
        assertEmpty(c);
        assertThat(after - before).as(what + ": heap growth in bytes").isLessThan(HEAP_BOUND);
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void inprocConnectDisconnectCyclesLeaveEveryStructureEmpty(Pairing p) {
        connectDisconnectCycles(p, "inproc", INPROC_CYCLES);
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void inprocBindUnbindCyclesLeaveEveryStructureEmpty(Pairing p) {
        bindUnbindCycles(p, "inproc", INPROC_CYCLES);
    }

    @ParameterizedTest
    @EnumSource(value = Pairing.class, names = {"PUSH_PULL", "PULL_PUSH", "DEALER_ROUTER", "ROUTER_DEALER",
        "REQ_REP", "REP_REQ", "PAIR_PAIR"})
    void tcpConnectDisconnectCyclesLeaveEveryStructureEmpty(Pairing p) {
        connectDisconnectCycles(p, "tcp", TCP_CYCLES);
    }

    @ParameterizedTest
    @EnumSource(value = Pairing.class, names = {"PUSH_PULL", "DEALER_ROUTER", "REQ_REP", "PAIR_PAIR"})
    void tcpBindUnbindCyclesLeaveEveryStructureEmpty(Pairing p) {
        bindUnbindCycles(p, "tcp", TCP_CYCLES);
    }

    @Test
    void messagesSentBeforeThePeerDisconnectsAreStillDelivered() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("inproc://last-words");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("inproc://last-words");
        push.send("1");
        push.send("2");
        push.disconnect("inproc://last-words");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("1");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("2");
        assertThat(pull.tryRecvFrame()).isNull();
        assertEmpty(pull);
    }

    @Test
    void pipeWeDisconnectIsDroppedAtOnceWithWhatItHolds() {
        Socket push = ctx.socket(SocketType.PUSH);
        push.bind("inproc://dropped");
        Socket pull = ctx.socket(SocketType.PULL);
        pull.connect("inproc://dropped");
        push.send("1");
        assertThat(state(pull).get("fq")).isEqualTo(1);
        pull.disconnect("inproc://dropped");
        assertEmpty(pull);
        assertThat(pull.tryRecvFrame()).isNull();
        assertEmpty(push);
    }

    @Test
    void pairDeliversTheLastMessageItsPeerSentBeforeDisconnecting() {
        Socket a = ctx.socket(SocketType.PAIR);
        a.bind("inproc://pair-last");
        Socket b = ctx.socket(SocketType.PAIR);
        b.connect("inproc://pair-last");
        b.send("bye");
        b.disconnect("inproc://pair-last");
        assertThat(a.recvFrame(WAIT).text()).isEqualTo("bye");
        assertThat(a.tryRecvFrame()).isNull();
        assertEmpty(a);
        // and the slot is free again for a new peer
        Socket c = ctx.socket(SocketType.PAIR);
        c.connect("inproc://pair-last");
        c.send("hi");
        assertThat(a.recvFrame(WAIT).text()).isEqualTo("hi");
    }

    @Test
    void closingASocketEmptiesItsStructures() {
        Socket r = ctx.socket(SocketType.ROUTER);
        r.bind("inproc://closing");
        for (int i = 0; i < 3; i++) {
            Socket d = ctx.socket(SocketType.DEALER);
            d.connect("inproc://closing");
            d.send("x");
        }
        assertThat(state(r).get("routingIds")).isEqualTo(3);
        r.close();
        assertThat(base(r).routingState()).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
    }
}
