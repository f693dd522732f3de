package io.zconn.itests.interop;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * libzmq 4.3.4's publish-subscribe options across implementations: each scenario runs with the
 * publisher in zconn and the subscribers in libzmq, and the other way round, with the same
 * expectations (so zconn behaves as libzmq does, and understands what libzmq sends).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibzmqPubSubOptionsTest extends LibzmqInteropBase {
    private static final Duration WAIT = Scenarios.WAIT;
    private static final Duration POLL = Duration.ofMillis(10);

    private static String other(String impl) {
        return impl.equals("zconn") ? "libzmq" : "zconn";
    }

    private static byte[] sub(int kind, String topic) {
        byte[] t = b(topic);
        byte[] d = new byte[t.length + 1];
        d[0] = (byte) kind;
        System.arraycopy(t, 0, d, 1, t.length);
        return d;
    }

    private static List<String> one(String frame) {
        return List.of(describe(b(frame)));
    }

    /**
     * Waits for the next message on {@code s} while calling into {@code xpub} (a bound libzmq
     * socket takes new peers only when called); what the XPUB receives meanwhile is kept.
     */
    private static List<String> recvPoking(TestSocket s, TestSocket xpub, List<List<String>> heardByXpub) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> got = s.recv(POLL);
            if (got != null) {
                return got;
            }
            List<String> heard = xpub.recv(POLL);
            if (heard != null) {
                heardByXpub.add(heard);
            }
        }
        throw new AssertionError("nothing arrived within " + WAIT);
    }

    /** @return the next message that is not {@code noise} */
    private static List<String> recvIgnoring(TestSocket s, List<String> noise) {
        while (true) {
            List<String> got = s.recv(WAIT);
            assertThat(got).as("a message after the noise").isNotNull();
            if (!got.equals(noise)) {
                return got;
            }
        }
    }

    /**
     * Waits until the inverting publisher filters for {@code x}: before its subscription arrives
     * an inverting PUB sends {@code x} everything, so a B0 received proves nothing; two B0s in a
     * row, with the A0 sent between them missing, do.
     */
    private static void awaitInvertedFilter(TestSocket pub, TestSocket x) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        boolean lastWasB0 = false;
        while (System.nanoTime() < deadline) {
            pub.send(List.of(b("A0")));
            pub.send(List.of(b("B0")));
            for (List<String> got = x.recv(POLL); got != null; got = x.recv(POLL)) {
                if (got.equals(one("B0"))) {
                    if (lastWasB0) {
                        return;
                    }
                    lastWasB0 = true;
                } else {
                    lastWasB0 = false;
                }
            }
        }
        throw new AssertionError("the inverting publisher did not start filtering within " + WAIT);
    }

    // ---- XPUB_WELCOME_MSG ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} XPUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void welcomeMessageReachesSubscribersThatSubscribeToItAndEveryXsub(String xpubImpl) {
        TestSocket xpub = socket(xpubImpl, "XPUB");
        xpub.setBytes("XPUB_WELCOME_MSG", b("WELCOME"));
        String ep = xpub.bind("tcp://127.0.0.1:*");
        TestSocket keen = socket(other(xpubImpl), "SUB");
        keen.setBytes("SUBSCRIBE", b("WELCOME"));
        keen.connect(ep);
        TestSocket deaf = socket(other(xpubImpl), "SUB");
        deaf.setBytes("SUBSCRIBE", b("news"));
        deaf.connect(ep);
        TestSocket raw = socket(other(xpubImpl), "XSUB");
        raw.connect(ep);
        List<List<String>> heard = new ArrayList<>();
        assertThat(recvPoking(keen, xpub, heard)).isEqualTo(one("WELCOME"));
        assertThat(recvPoking(raw, xpub, heard)).isEqualTo(one("WELCOME")); // an XSUB does not filter
        // once the XPUB has heard deaf's subscription, deaf's welcome was written before it
        while (!heard.contains(List.of(describe(sub(1, "news"))))) {
            List<String> h = xpub.recv(WAIT);
            assertThat(h).as("deaf's subscription").isNotNull();
            heard.add(h);
        }
        xpub.send(List.of(b("news 1"))); // after the welcome on the same connection
        assertThat(deaf.recv(WAIT)).as("deaf skipped the welcome").isEqualTo(one("news 1"));
        assertThat(keen.recv(Duration.ofMillis(200))).isNull(); // once per subscriber
    }

    // ---- XPUB_MANUAL -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} XPUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void manualXpubAppliesWhatTheApplicationDecidesToTheLastSubscriber(String xpubImpl) {
        TestSocket xpub = socket(xpubImpl, "XPUB");
        xpub.setInt("XPUB_MANUAL", 1);
        String ep = xpub.bind("tcp://127.0.0.1:*");
        TestSocket s = socket(other(xpubImpl), "SUB");
        s.setBytes("SUBSCRIBE", b("A"));
        s.connect(ep);
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(1, "A")));
        xpub.setBytes("SUBSCRIBE", b("AB")); // narrower than asked
        xpub.send(List.of(b("A1")));
        xpub.send(List.of(b("AB1")));
        assertThat(s.recv(WAIT)).as("A1 was not sent").isEqualTo(one("AB1"));

        TestSocket x = socket(other(xpubImpl), "XSUB");
        x.connect(ep);
        x.send(List.of(sub(1, "A")));
        assertThat(xpub.recv(WAIT)).as("a second request for A is told too").containsExactly(describe(sub(1, "A")));
        xpub.setBytes("SUBSCRIBE", b("B")); // something else than asked
        xpub.send(List.of(b("A2")));
        xpub.send(List.of(b("B2")));
        assertThat(x.recv(WAIT)).isEqualTo(one("B2"));
        assertThat(s.recv(Duration.ofMillis(300))).as("s still has AB only").isNull();
    }

    // ---- XPUB_VERBOSE / XPUB_VERBOSER --------------------------------------------------------------

    @ParameterizedTest(name = "{0} XPUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void verboserTellsEveryUnsubscription(String xpubImpl) {
        TestSocket xpub = socket(xpubImpl, "XPUB");
        xpub.setInt("XPUB_VERBOSER", 1);
        String ep = xpub.bind("tcp://127.0.0.1:*");
        TestSocket a = socket(other(xpubImpl), "SUB");
        a.setBytes("SUBSCRIBE", b("t"));
        a.connect(ep);
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(1, "t")));
        TestSocket b = socket(other(xpubImpl), "SUB");
        b.setBytes("SUBSCRIBE", b("t"));
        b.connect(ep);
        assertThat(xpub.recv(WAIT)).as("duplicate subscription").containsExactly(describe(sub(1, "t")));
        a.setBytes("UNSUBSCRIBE", b("t"));
        assertThat(xpub.recv(WAIT)).as("b still wants t").containsExactly(describe(sub(0, "t")));
    }

    @ParameterizedTest(name = "{0} XPUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void verboseAloneTellsDuplicateSubscriptionsButOnlyTheLastUnsubscription(String xpubImpl) {
        TestSocket xpub = socket(xpubImpl, "XPUB");
        xpub.setInt("XPUB_VERBOSER", 1);
        xpub.setInt("XPUB_VERBOSE", 1); // turns VERBOSER off again, in libzmq as in zconn
        String ep = xpub.bind("tcp://127.0.0.1:*");
        TestSocket a = socket(other(xpubImpl), "SUB");
        a.setBytes("SUBSCRIBE", b("t"));
        a.connect(ep);
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(1, "t")));
        TestSocket b = socket(other(xpubImpl), "SUB");
        b.setBytes("SUBSCRIBE", b("t"));
        b.connect(ep);
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(1, "t")));
        a.setBytes("UNSUBSCRIBE", b("t"));
        a.setBytes("SUBSCRIBE", b("z")); // after the cancel on the same connection
        assertThat(xpub.recv(WAIT)).as("the cancel was not told").containsExactly(describe(sub(1, "z")));
        b.setBytes("UNSUBSCRIBE", b("t"));
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(0, "t")));
    }

    // ---- INVERT_MATCHING ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} PUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void invertedMatchingDeliversWhatDoesNotMatch(String pubImpl) {
        TestSocket pub = socket(pubImpl, "PUB");
        pub.setInt("INVERT_MATCHING", 1);
        String ep = pub.bind("tcp://127.0.0.1:*");
        TestSocket s = socket(other(pubImpl), "SUB");
        s.setInt("INVERT_MATCHING", 1);
        s.setBytes("SUBSCRIBE", b("A"));
        s.connect(ep);
        TestSocket x = socket(other(pubImpl), "XSUB"); // needs no INVERT_MATCHING: it does not filter
        x.connect(ep);
        x.send(List.of(sub(1, "A")));
        Scenarios.untilReceived(s, () -> pub.send(List.of(b("B0"))));
        awaitInvertedFilter(pub, x);
        pub.send(List.of(b("A1")));
        pub.send(List.of(b("B1")));
        assertThat(recvIgnoring(s, one("B0"))).as("A1 was not delivered").isEqualTo(one("B1"));
        assertThat(recvIgnoring(x, one("B0"))).as("A1 was not sent").isEqualTo(one("B1"));
    }

    @ParameterizedTest(name = "{0} XPUB")
    @ValueSource(strings = {"zconn", "libzmq"})
    void invertingXpubSendsToSubscribersWithoutAMatchingPrefix(String xpubImpl) {
        TestSocket xpub = socket(xpubImpl, "XPUB");
        xpub.setInt("INVERT_MATCHING", 1);
        String ep = xpub.bind("tcp://127.0.0.1:*");
        TestSocket a = socket(other(xpubImpl), "XSUB");
        a.connect(ep);
        a.send(List.of(sub(1, "A")));
        assertThat(xpub.recv(WAIT)).containsExactly(describe(sub(1, "A")));
        xpub.send(List.of(b("A1")));
        xpub.send(List.of(b("B1")));
        assertThat(a.recv(WAIT)).isEqualTo(one("B1"));
    }

    // ---- XPUB_NODROP -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"zconn, PUB", "zconn, XPUB", "libzmq, XPUB"})
    void nodropRefusesWhileASubscriberDoesNotReadAndLosesNothing(String pubImpl, String pubType) {
        TestSocket pub = socket(pubImpl, pubType);
        pub.setInt("XPUB_NODROP", 1);
        pub.setInt("SNDHWM", 10);
        pub.setInt("SNDBUF", 16 * 1024);
        pub.setInt("SNDTIMEO", 200);
        String ep = pub.bind("tcp://127.0.0.1:*");
        TestSocket s = socket(other(pubImpl), "SUB");
        s.setInt("RCVHWM", 10);
        s.setInt("RCVBUF", 16 * 1024);
        s.setBytes("SUBSCRIBE", new byte[0]);
        s.connect(ep);
        // the first message tells when the subscription has arrived
        assertThat(Scenarios.untilReceived(s, () -> pub.send(List.of(b("hello"))))).isEqualTo(one("hello"));
        Scenarios.drain(s);
        int sent = 0;
        while (true) {
            try {
                pub.send(List.of(payload(sent)));
            } catch (RuntimeException | AssertionError e) {
                assertThat(String.valueOf(e.getMessage())).containsAnyOf("EAGAIN", "timed out", "Again");
                break; // refused at the HWM: not dropped
            }
            sent++;
            assertThat(sent).as("the publisher never refused").isLessThan(5000);
        }
        // everything sent arrives, in order, once the subscriber reads
        for (int i = 0; i < sent; i++) {
            assertThat(s.recv(WAIT)).as("message %d of %d", i, sent).containsExactly(describe(payload(i)));
        }
        assertThat(s.recv(Duration.ofMillis(200))).isNull();
        pub.send(List.of(b("after")));
        assertThat(s.recv(WAIT)).isEqualTo(one("after"));
    }

    /** 8 KiB, numbered, so that a few fill the socket buffers. */
    private static byte[] payload(int i) {
        byte[] d = new byte[8192];
        Arrays.fill(d, (byte) 'x');
        byte[] n = String.format("m%07d", i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, d, 0, n.length);
        return d;
    }
}
