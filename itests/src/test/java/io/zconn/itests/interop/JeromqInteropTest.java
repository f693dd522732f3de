package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.itests.interop.Scenarios.Pair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zeromq.ZContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** zconn against JeroMQ 0.6.0, a second independent implementation, in the same JVM over tcp. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JeromqInteropTest {
    private Context ctx;
    private ZContext jeromq;
    private final List<TestSocket> sockets = new ArrayList<>();

    @BeforeEach
    void contexts() {
        ctx = new Context();
        jeromq = new ZContext();
    }

    @AfterEach
    void cleanUp() {
        sockets.forEach(TestSocket::close);
        ctx.close();
        jeromq.close();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Pair p : List.of(Pair.PUSH_PULL, Pair.PUB_SUB, Pair.REQ_REP, Pair.REQ_ROUTER, Pair.DEALER_ROUTER,
                Pair.DEALER_REP, Pair.PAIR_PAIR)) {
            for (String zconnSide : p.a.equals(p.b) ? List.of("a") : List.of("a", "b")) {
                for (String binder : List.of("zconn", "jeromq")) {
                    out.add(Arguments.of(p, zconnSide, binder));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: zconn is {1}, {2} binds, tcp")
    @MethodSource("matrix")
    void pairInteroperates(Pair pair, String zconnSide, String binder) {
        // JeroMQ 0.6.0's connecter sometimes never starts its handshake on an established
        // connection (seen with ss: our signature unread in its receive queue, nothing sent back;
        // a few percent of connects to zconn). Those cases get fresh sockets, up to three tries;
        // a fault of zconn's fails every try.
        int tries = binder.equals("zconn") ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                runOnce(pair, zconnSide, binder);
                return;
            } catch (AssertionError e) {
                if (attempt >= tries) {
                    throw e;
                }
                System.err.println("JeroMQ connect attempt " + attempt + " failed (" + e.getMessage().strip()
                        + "); retrying with fresh sockets");
                sockets.forEach(TestSocket::close);
                sockets.clear();
            }
        }
    }

    private void runOnce(Pair pair, String zconnSide, String binder) {
        TestSocket a = zconnSide.equals("a") ? new ZconnTestSocket(ctx, pair.a) : new JeromqTestSocket(jeromq, pair.a);
        TestSocket b = zconnSide.equals("a") ? new JeromqTestSocket(jeromq, pair.b) : new ZconnTestSocket(ctx, pair.b);
        sockets.add(a);
        sockets.add(b);
        boolean aBinds = binder.equals(zconnSide.equals("a") ? "zconn" : "jeromq");
        Scenarios.prepare(pair, a, b, aBinds);
        TestSocket bindSide = aBinds ? a : b;
        TestSocket connectSide = aBinds ? b : a;
        connectSide.connect(bindSide.bind("tcp://127.0.0.1:*"));
        pair.scenario.run(a, b, aBinds);
    }
}
