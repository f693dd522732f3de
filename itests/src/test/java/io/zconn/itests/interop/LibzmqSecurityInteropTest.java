package io.zconn.itests.interop;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Z85;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqOption;
import io.zconn.itests.interop.Scenarios.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.zconn.itests.interop.TestSocket.b;
import static io.zconn.itests.interop.TestSocket.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CURVE (RFC 26) and PLAIN (RFC 24) between zconn and real libzmq 4.3.4 (python3-zmq), with ZAP
 * (RFC 27) on either side: zconn as client or server, binding or connecting, over tcp and ipc.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LibzmqSecurityInteropTest extends LibzmqInteropBase {
    /** How long "nothing happens" is watched for: a refusal must stay a refusal that long. */
    private static final Duration QUIET = Duration.ofMillis(700);

    private final CurveKeyPair serverKeys = Curve.generateKeyPair();
    private final CurveKeyPair clientKeys = Curve.generateKeyPair();

    static void curveServer(TestSocket s, CurveKeyPair keys) {
        s.setInt("CURVE_SERVER", 1);
        s.setBytes("CURVE_SECRETKEY", keys.secretKey());
    }

    static void curveClient(TestSocket s, CurveKeyPair keys, byte[] serverKey) {
        s.setBytes("CURVE_SERVERKEY", serverKey);
        s.setBytes("CURVE_PUBLICKEY", keys.publicKey());
        s.setBytes("CURVE_SECRETKEY", keys.secretKey());
    }

    static Stream<Arguments> curveMatrix() {
        List<Arguments> out = new ArrayList<>();
        for (Pair p : List.of(Pair.REQ_REP, Pair.PUB_SUB, Pair.PUSH_PULL, Pair.DEALER_ROUTER)) {
            for (String zconnRole : List.of("server", "client")) {
                for (String binder : List.of("server", "client")) {
                    for (String transport : List.of("tcp", "ipc")) {
                        out.add(Arguments.of(p, zconnRole, binder, transport));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * The pair's scenario over CURVE. Side a of the pair is the CURVE server on tcp and the client on
     * ipc, so both socket types of each pair take both CURVE roles.
     */
    @ParameterizedTest(name = "{0}: zconn is the CURVE {1}, the {2} binds, {3}")
    @MethodSource("curveMatrix")
    void curveInteroperates(Pair pair, String zconnRole, String binder, String transport) {
        boolean aIsServer = transport.equals("tcp");
        boolean zconnIsA = zconnRole.equals("server") == aIsServer;
        TestSocket a = zconnIsA ? zconn(pair.a) : libzmq(pair.a);
        TestSocket b = zconnIsA ? libzmq(pair.b) : zconn(pair.b);
        TestSocket server = aIsServer ? a : b;
        TestSocket client = aIsServer ? b : a;
        curveServer(server, serverKeys);
        curveClient(client, clientKeys, serverKeys.publicKey());
        boolean aBinds = binder.equals("server") == aIsServer;
        Scenarios.prepare(pair, a, b, aBinds);
        TestSocket bindSide = aBinds ? a : b;
        TestSocket connectSide = aBinds ? b : a;
        connectSide.connect(bindSide.bind(endpoint(transport)));
        pair.scenario.run(a, b, aBinds);
    }

    @ParameterizedTest(name = "zconn is the CURVE {0}")
    @ValueSource(strings = {"server", "client"})
    void aClientWithAnotherServersKeyGetsNothingThrough(String zconnRole) {
        TestSocket pull = zconnRole.equals("server") ? zconn("PULL") : libzmq("PULL");
        TestSocket push = zconnRole.equals("server") ? libzmq("PUSH") : zconn("PUSH");
        curveServer(pull, serverKeys);
        curveClient(push, clientKeys, Curve.generateKeyPair().publicKey());
        push.setInt("IMMEDIATE", 1);
        push.setInt("SNDTIMEO", 0);
        push.connect(pull.bind("tcp://127.0.0.1:*"));
        long deadline = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < deadline) {
            trySend(push, "must not arrive");
            assertThat(pull.recv(Duration.ofMillis(20))).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "ipc"})
    void zconnZapHandlerRefusesAnUnknownLibzmqClientWhichDoesNotRetry(String transport) {
        CurveKeyPair known = Curve.generateKeyPair();
        AtomicInteger calls = new AtomicInteger();
        List<byte[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ctx.setZapHandler(r -> {
            calls.incrementAndGet();
            seen.add(r.curvePublicKey());
            return Arrays.equals(r.curvePublicKey(), known.publicKey())
                    ? ZapHandler.Reply.accept("known") : ZapHandler.Reply.deny("unknown key");
        });
        TestSocket rep = zconn("REP");
        curveServer(rep, serverKeys);
        String ep = rep.bind(endpoint(transport));

        TestSocket stranger = libzmq("REQ");
        curveClient(stranger, clientKeys, serverKeys.publicKey());
        stranger.setInt("RECONNECT_IVL", 20);
        stranger.connect(ep);
        stranger.send(List.of(b("let me in")));
        await().atMost(Scenarios.WAIT).until(() -> calls.get() >= 1);
        assertThat(rep.recv(QUIET)).isNull(); // and meanwhile libzmq would have retried 30 times
        assertThat(calls.get()).as("ZAP requests: libzmq gives up after ERROR 400, as zconn does").isEqualTo(1);
        assertThat(seen.get(0)).isEqualTo(clientKeys.publicKey());

        TestSocket friend = libzmq("REQ");
        curveClient(friend, known, serverKeys.publicKey());
        friend.connect(ep);
        friend.send(List.of(b("hello")));
        assertThat(rep.recv(Scenarios.WAIT)).containsExactly(describe(b("hello")));
        rep.send(List.of(b("welcome")));
        assertThat(friend.recv(Scenarios.WAIT)).containsExactly(describe(b("welcome")));
    }

    @Test
    void libzmqAuthenticatorWithCertificateDirectoryAcceptsTheZconnClientItKnowsAndTellsItsUserId(@TempDir Path dir)
            throws Exception {
        Path known = Files.createDirectory(dir.resolve("known"));
        Path mine = Files.createDirectory(dir.resolve("mine"));
        CurveCertificate.save(clientKeys, Map.of("name", "zconn-client"), known.resolve("zconn.key"),
                mine.resolve("zconn.key_secret"));
        String[] files = peer.call("certs " + mine + " server").split(" ", -1);
        CurveKeyPair server = CurveCertificate.load(Path.of(files[1])).keyPair();
        assertThat(CurveCertificate.load(Path.of(files[0])).publicKey()).isEqualTo(server.publicKey());
        peer.call("auth start");
        try {
            peer.call("auth curve " + known);
            LibzmqTestSocket pull = (LibzmqTestSocket) libzmq("PULL");
            pull.setInt("CURVE_SERVER", 1);
            pull.setBytes("CURVE_SECRETKEY", server.secretKeyZ85().getBytes(StandardCharsets.US_ASCII));
            String ep = pull.bind("tcp://127.0.0.1:*");

            TestSocket push = zconn("PUSH");
            CurveKeyPair fromFile = CurveCertificate.load(mine.resolve("zconn.key_secret")).keyPair();
            curveClient(push, fromFile, CurveCertificate.load(Path.of(files[0])).publicKey());
            push.connect(ep);
            push.send(List.of(b("signed")));
            String answer = peer.call("recvprop " + pull.name() + " " + Scenarios.WAIT.toMillis() + " User-Id");
            // pyzmq's authenticator names a CURVE client by its Z85 public key
            assertThat(answer.split(" ")).containsExactly(
                    describe(clientKeys.publicKeyZ85().getBytes(StandardCharsets.US_ASCII)), describe(b("signed")));

            TestSocket strangerPush = zconn("PUSH");
            curveClient(strangerPush, Curve.generateKeyPair(), server.publicKey());
            strangerPush.setInt("IMMEDIATE", 1);
            strangerPush.setInt("SNDTIMEO", 0);
            int before = Integer.parseInt(peer.call("auth count"));
            strangerPush.connect(ep);
            // the refusal is watched for QUIET from the first ZAP request, however long it takes to come
            await().atMost(Scenarios.WAIT).until(() -> Integer.parseInt(peer.call("auth count")) > before);
            long deadline = System.nanoTime() + QUIET.toNanos();
            while (System.nanoTime() < deadline) {
                trySend(strangerPush, "must not arrive");
                assertThat(pull.recv(Duration.ofMillis(20))).isNull();
            }
            assertThat(Integer.parseInt(peer.call("auth count")) - before)
                    .as("ZAP requests for the refused zconn client: it does not reconnect after ERROR 400").isEqualTo(1);
        } finally {
            peer.call("auth stop");
        }
    }

    private static void plainClient(TestSocket s, String user, String password) {
        if (s instanceof ZconnTestSocket z) {
            z.socket().setOption(ZmqOption.PLAIN_USERNAME, user);
            z.socket().setOption(ZmqOption.PLAIN_PASSWORD, password);
        } else {
            s.setBytes("PLAIN_USERNAME", b(user));
            s.setBytes("PLAIN_PASSWORD", b(password));
        }
    }

    /** Whether a message sent by {@code sender} keeps not arriving at {@code receiver} for {@link #QUIET}. */
    private static void nothingCrosses(TestSocket sender, TestSocket receiver) {
        long deadline = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < deadline) {
            trySend(sender, "must not arrive");
            assertThat(receiver.recv(Duration.ofMillis(20))).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp", "ipc"})
    void plainLibzmqClientIsAcceptedOrRefusedByTheZconnZapHandler(String transport) {
        AtomicInteger calls = new AtomicInteger();
        ctx.setZapHandler(r -> {
            calls.incrementAndGet();
            return "alice".equals(r.username()) && "open-sesame".equals(r.password())
                    ? ZapHandler.Reply.accept("alice-id") : ZapHandler.Reply.deny("wrong password");
        });
        TestSocket pull = zconn("PULL");
        pull.setInt("PLAIN_SERVER", 1);
        String ep = pull.bind(endpoint(transport));
        TestSocket alice = libzmq("PUSH");
        plainClient(alice, "alice", "open-sesame");
        alice.connect(ep);
        alice.send(List.of(b("from alice")));
        assertThat(pull.recv(Scenarios.WAIT)).containsExactly(describe(b("from alice")));

        int before = calls.get();
        TestSocket mallory = libzmq("PUSH");
        plainClient(mallory, "alice", "guess");
        mallory.setInt("RECONNECT_IVL", 20);
        mallory.setInt("IMMEDIATE", 1);
        mallory.setInt("SNDTIMEO", 0);
        mallory.connect(ep);
        await().atMost(Scenarios.WAIT).until(() -> calls.get() > before);
        nothingCrosses(mallory, pull);
        assertThat(calls.get() - before).as("ZAP requests: the refused libzmq client does not retry").isEqualTo(1);
    }

    @Test
    void plainZconnClientIsAcceptedOrRefusedByTheLibzmqAuthenticator() {
        peer.call("auth start");
        try {
            peer.call("auth plain bob:hunter2");
            LibzmqTestSocket pull = (LibzmqTestSocket) libzmq("PULL");
            pull.setInt("PLAIN_SERVER", 1);
            String ep = pull.bind("tcp://127.0.0.1:*");
            TestSocket bob = zconn("PUSH");
            plainClient(bob, "bob", "hunter2");
            bob.connect(ep);
            bob.send(List.of(b("from bob")));
            String answer = peer.call("recvprop " + pull.name() + " " + Scenarios.WAIT.toMillis() + " User-Id");
            assertThat(answer.split(" ")).containsExactly(describe(b("bob")), describe(b("from bob")));

            int before = Integer.parseInt(peer.call("auth count"));
            TestSocket eve = zconn("PUSH");
            plainClient(eve, "bob", "hunter3");
            eve.setInt("IMMEDIATE", 1);
            eve.setInt("SNDTIMEO", 0);
            eve.setInt("RECONNECT_IVL", 20);
            eve.connect(ep);
            nothingCrosses(eve, pull);
            assertThat(Integer.parseInt(peer.call("auth count")) - before)
                    .as("ZAP requests for the refused zconn client: it does not reconnect after ERROR 400").isEqualTo(1);
        } finally {
            peer.call("auth stop");
        }
    }

    static Stream<Arguments> mixedMechanisms() {
        List<Arguments> out = new ArrayList<>();
        for (String zconnRole : List.of("server", "client")) {
            for (String clientMechanism : List.of("NULL", "PLAIN")) {
                out.add(Arguments.of(zconnRole, clientMechanism));
            }
        }
        return out.stream();
    }

    /** A CURVE server and a NULL or PLAIN client: the greetings disagree, nothing crosses either way. */
    @ParameterizedTest(name = "zconn is the {0}, the client speaks {1}")
    @MethodSource("mixedMechanisms")
    void aCurveServerRefusesAClientOfAnotherMechanism(String zconnRole, String clientMechanism) {
        TestSocket pair1 = zconnRole.equals("server") ? zconn("PAIR") : libzmq("PAIR");
        TestSocket pair2 = zconnRole.equals("server") ? libzmq("PAIR") : zconn("PAIR");
        curveServer(pair1, serverKeys);
        if (clientMechanism.equals("PLAIN")) {
            plainClient(pair2, "user", "password");
        }
        pair2.setInt("RECONNECT_IVL", 50);
        pair1.setInt("SNDTIMEO", 0);
        pair2.setInt("SNDTIMEO", 0);
        pair2.connect(pair1.bind("tcp://127.0.0.1:*"));
        nothingCrosses(pair2, pair1);
        nothingCrosses(pair1, pair2);
    }

    private static void trySend(TestSocket s, String text) {
        try {
            s.send(List.of(b(text)));
        } catch (RuntimeException | AssertionError e) {
            // no connection to queue on (IMMEDIATE): exactly what a refused handshake leaves
        }
    }

    static String z85(byte[] key) {
        return Z85.encode(key);
    }
}
