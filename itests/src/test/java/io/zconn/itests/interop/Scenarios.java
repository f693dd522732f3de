package io.zconn.itests.interop;

import java.time.Duration;
import java.util.List;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each socket-type pair must do across implementations. {@code a} is the first type of the
 * pair, {@code b} the second; either may be zconn, and either may be the one that binds.
 */
final class Scenarios {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration SHORT = Duration.ofMillis(50);
    static final byte[] MIB = new byte[1 << 20];

    static {
        java.util.Arrays.fill(MIB, (byte) 0x5a);
    }

    private Scenarios() {
    }

    interface Scenario {
        void run(TestSocket a, TestSocket b, boolean aBinds);
    }

    /** The pairs, with their scenario. */
    enum Pair {
        PUSH_PULL("PUSH", "PULL", (a, b, x) -> {
            a.send(List.of(b("a"), new byte[0], MIB));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("a")), "-", describe(MIB));
            a.send(List.of(new byte[0]));
            assertThat(b.recv(WAIT)).containsExactly("-");
        }),
        PUB_SUB("PUB", "SUB", (a, b, x) -> {
            b.setBytes("SUBSCRIBE", b("A"));
            List<String> got = untilReceived(b, () -> {
                a.send(List.of(b("B-skip")));
                a.send(List.of(b("A-take"), b("part2")));
            });
            assertThat(got).containsExactly(describe(b("A-take")), describe(b("part2")));
            drain(b);
            b.setBytes("UNSUBSCRIBE", b("A"));
            b.setBytes("SUBSCRIBE", b("C"));
            got = untilReceived(b, () -> {
                a.send(List.of(b("A-drop")));
                a.send(List.of(b("C-take")));
            });
            assertThat(got).containsExactly(describe(b("C-take")));
            drain(b);
            a.send(List.of(b("A-late")));
            a.send(List.of(b("C-late")));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("C-late")));
        }),
        XPUB_SUB("XPUB", "SUB", (a, b, x) -> {
            b.setBytes("SUBSCRIBE", b("T"));
            // libzmq takes a new peer into a bound socket only on the next call into it, so the
            // subscriber keeps polling while the publisher waits for the subscription
            List<String> sub = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (sub == null && System.nanoTime() < deadline) {
                assertThat(b.recv(Duration.ofMillis(10))).isNull();
                sub = a.recv(Duration.ofMillis(10));
            }
            assertThat(sub).containsExactly("0154");
            a.send(List.of(b("T1")));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("T1")));
            b.setBytes("UNSUBSCRIBE", b("T"));
            assertThat(a.recv(WAIT)).containsExactly("0054");
        }),
        PUB_XSUB("PUB", "XSUB", (a, b, x) -> {
            b.send(List.of(new byte[] {1, 'A'}));
            List<String> got = untilReceived(b, () -> {
                a.send(List.of(b("B-skip")));
                a.send(List.of(b("A-take")));
            });
            assertThat(got).containsExactly(describe(b("A-take")));
        }),
        REQ_REP("REQ", "REP", (a, b, x) -> {
            for (int i = 0; i < 3; i++) {
                a.send(List.of(b("q" + i), new byte[0]));
                assertThat(b.recv(WAIT)).containsExactly(describe(b("q" + i)), "-");
                b.send(List.of(b("r" + i)));
                assertThat(a.recv(WAIT)).containsExactly(describe(b("r" + i)));
            }
        }),
        REQ_ROUTER("REQ", "ROUTER", (a, b, x) -> {
            a.send(List.of(b("q")));
            List<String> m = b.recv(WAIT);
            assertThat(m).containsExactly(describe(b("req1")), "-", describe(b("q")));
            b.send(List.of(b("req1"), new byte[0], b("r")));
            assertThat(a.recv(WAIT)).containsExactly(describe(b("r")));
        }),
        DEALER_REP("DEALER", "REP", (a, b, x) -> {
            a.send(List.of(new byte[0], b("q")));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("q")));
            b.send(List.of(b("r")));
            assertThat(a.recv(WAIT)).containsExactly("-", describe(b("r")));
        }),
        DEALER_ROUTER("DEALER", "ROUTER", (a, b, x) -> {
            a.send(List.of(b("x"), MIB));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("dlr")), describe(b("x")), describe(MIB));
            b.send(List.of(b("dlr"), b("y")));
            assertThat(a.recv(WAIT)).containsExactly(describe(b("y")));
        }),
        DEALER_DEALER("DEALER", "DEALER", (a, b, x) -> {
            a.send(List.of(b("x"), new byte[0]));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("x")), "-");
            b.send(List.of(b("y")));
            assertThat(a.recv(WAIT)).containsExactly(describe(b("y")));
        }),
        ROUTER_ROUTER("ROUTER", "ROUTER", (a, b, aBinds) -> {
            // the connecting side knows the binder's routing id and speaks first, retrying until
            // the connection is up (ROUTER_MANDATORY refuses unknown peers)
            TestSocket connecter = aBinds ? b : a;
            TestSocket binder = aBinds ? a : b;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    connecter.send(List.of(b("binder"), b("hi")));
                    break;
                } catch (RuntimeException | AssertionError e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    pause();
                }
            }
            assertThat(binder.recv(WAIT)).containsExactly(describe(b("connecter")), describe(b("hi")));
            binder.send(List.of(b("connecter"), b("back")));
            assertThat(connecter.recv(WAIT)).containsExactly(describe(b("binder")), describe(b("back")));
        }),
        PAIR_PAIR("PAIR", "PAIR", (a, b, x) -> {
            a.send(List.of(b("p"), new byte[0]));
            assertThat(b.recv(WAIT)).containsExactly(describe(b("p")), "-");
            b.send(List.of(MIB));
            assertThat(a.recv(WAIT)).containsExactly(describe(MIB));
        });

        final String a;
        final String b;
        @SuppressWarnings("ImmutableEnumChecker") // every scenario is a lambda that captures nothing
        final Scenario scenario;

        Pair(String a, String b, Scenario scenario) {
            this.a = a;
            this.b = b;
            this.scenario = scenario;
        }
    }

    /** Options a pair needs before connecting. */
    static void prepare(Pair pair, TestSocket a, TestSocket b, boolean aBinds) {
        // routing ids apply to connections made afterwards (in libzmq too)
        if (pair == Pair.REQ_ROUTER) {
            a.setBytes("ROUTING_ID", b("req1"));
        }
        if (pair == Pair.DEALER_ROUTER) {
            a.setBytes("ROUTING_ID", b("dlr"));
        }
        if (pair == Pair.ROUTER_ROUTER) {
            TestSocket connecter = aBinds ? b : a;
            TestSocket binder = aBinds ? a : b;
            binder.setBytes("ROUTING_ID", b("binder"));
            connecter.setBytes("ROUTING_ID", b("connecter"));
            connecter.setInt("ROUTER_MANDATORY", 1);
        }
    }

    static List<String> untilReceived(TestSocket receiver, Runnable send) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            send.run();
            List<String> got = receiver.recv(SHORT);
            if (got != null) {
                return got;
            }
        }
        throw new AssertionError("nothing matching arrived within " + WAIT);
    }

    static void drain(TestSocket s) {
        while (s.recv(Duration.ofMillis(100)) != null) {
            // discard what was sent while waiting for the subscription to take effect
        }
    }

    static void pause() {
        try {
            Thread.sleep(20); // back-off between connection attempts, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
