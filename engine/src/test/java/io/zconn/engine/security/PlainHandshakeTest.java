package io.zconn.engine.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqException;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.HandshakeListener;
import io.zconn.engine.zmtp.PeerInfo;
import io.zconn.engine.zmtp.ZmtpException;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PLAIN handshake (RFC 24) and its ZAP requests (RFC 27) between two handshake handlers on
 * EmbeddedChannels, with a ZAP authenticator the test answers by hand.
 */
class PlainHandshakeTest {
    private static final String PASSWORD = "s3cr3t-Pa55";

    /** Answers ZAP requests as the test says: at once, later, or there is no handler. */
    static final class TestAuth implements Authenticator {
        final List<ZapHandler.Request> requests = new ArrayList<>();
        ZapResult answer;
        boolean absent;
        Consumer<ZapResult> held;
        int cancelled;

        @Override
        public Pending request(ZapHandler.Request request, Consumer<ZapResult> onResult) {
            if (absent) {
                return null;
            }
            requests.add(request);
            if (answer != null) {
                onResult.accept(answer);
            } else {
                held = onResult;
            }
            return () -> cancelled++;
        }
    }

    static final class Outcome implements HandshakeListener {
        PeerInfo peer;
        ZmqException failure;

        @Override
        public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo p) {
            this.peer = p;
        }

        @Override
        public void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause) {
            this.failure = cause;
        }
    }

    private final List<byte[]> fromServer = new ArrayList<>();

    static SecurityConfig plain(boolean server, String user, String password, Authenticator auth, String domain) {
        return new SecurityConfig("PLAIN", server, user, password, domain, false, new byte[0], 5000, auth);
    }

    static EmbeddedChannel channel(SocketType type, SecurityConfig sec, Outcome o, int handshakeIvl) {
        HandshakeConfig cfg = new HandshakeConfig(type, new byte[0], sec.provider(), sec.asServer(), -1, handshakeIvl);
        return new EmbeddedChannel(new ZmtpHandshakeHandler(cfg, o));
    }

    /** Moves bytes both ways (recording what the server sent) and runs resumed tasks until quiet. */
    private void pump(EmbeddedChannel client, EmbeddedChannel server) {
        boolean moved = true;
        while (moved) {
            moved = false;
            client.runPendingTasks();
            server.runPendingTasks();
            Object m;
            while ((m = client.readOutbound()) != null) {
                moved = true;
                if (server.isActive()) {
                    server.writeInbound(m);
                } else {
                    ((ByteBuf) m).release();
                }
            }
            while ((m = server.readOutbound()) != null) {
                moved = true;
                fromServer.add(ByteBufUtil.getBytes((ByteBuf) m));
                if (client.isActive()) {
                    client.writeInbound(m);
                } else {
                    ((ByteBuf) m).release();
                }
            }
        }
    }

    private String serverBytes() {
        StringBuilder b = new StringBuilder();
        for (byte[] a : fromServer) {
            b.append(new String(a, StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    @Test
    void acceptedClientCompletesTheHandshakeAndTheServerSeesUserIdAndZapProperties() {
        TestAuth auth = new TestAuth();
        auth.answer = new ZapResult(200, "OK", "alice-id".getBytes(StandardCharsets.UTF_8),
                Map.of("Role", "admin".getBytes(StandardCharsets.UTF_8)));
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        EmbeddedChannel client = channel(SocketType.DEALER, plain(false, "alice", PASSWORD, Authenticator.NONE, ""), co, 0);
        EmbeddedChannel server = channel(SocketType.ROUTER, plain(true, "", "", auth, "global"), so, 0);
        pump(client, server);

        assertThat(co.failure).isNull();
        assertThat(so.failure).isNull();
        assertThat(co.peer.socketType()).isEqualTo("ROUTER");
        assertThat(so.peer.socketType()).isEqualTo("DEALER");
        assertThat(new String(so.peer.properties().get("User-Id"), StandardCharsets.UTF_8)).isEqualTo("alice-id");
        assertThat(new String(so.peer.properties().get("role"), StandardCharsets.UTF_8)).isEqualTo("admin");
        assertThat(co.peer.properties().get("User-Id")).isNull();
        ZapHandler.Request r = auth.requests.get(0);
        assertThat(r.mechanism()).isEqualTo("PLAIN");
        assertThat(r.domain()).isEqualTo("global");
        assertThat(r.username()).isEqualTo("alice");
        assertThat(r.password()).isEqualTo(PASSWORD);
        assertThat(r.toString()).doesNotContain(PASSWORD).doesNotContain("alice");
        assertThat(client.isActive()).isTrue();
        assertThat(server.isActive()).isTrue();
    }

    @Test
    void greetingsCarryTheMechanismAndTheAsServerFlagOfTheOptions() {
        Outcome o = new Outcome();
        EmbeddedChannel server = channel(SocketType.PULL, plain(true, "", "", new TestAuth(), ""), o, 0);
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "u", "p", Authenticator.NONE, ""), o, 0);
        ByteBuf s = server.readOutbound();
        ByteBuf c = client.readOutbound();
        // the signature goes first, the rest of the greeting after the peer's signature
        server.writeInbound(c);
        client.writeInbound(s);
        ByteBuf sRest = server.readOutbound();
        ByteBuf cRest = client.readOutbound();
        assertThat(sRest.toString(2, 5, StandardCharsets.US_ASCII)).isEqualTo("PLAIN");
        assertThat(sRest.getByte(22)).isEqualTo((byte) 1);
        assertThat(cRest.getByte(22)).isEqualTo((byte) 0);
        sRest.release();
        cRest.release();
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void refusedClientGetsAnErrorWithTheStatusCodeAndGivesUpForGood() {
        TestAuth auth = new TestAuth();
        auth.answer = new ZapResult(400, "bad password for alice", new byte[0], Map.of());
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        List<String> logged = captureLogs();
        try {
            EmbeddedChannel client = channel(SocketType.REQ, plain(false, "alice", PASSWORD, Authenticator.NONE, ""), co, 0);
            EmbeddedChannel server = channel(SocketType.REP, plain(true, "", "", auth, ""), so, 0);
            pump(client, server);

            assertThat(serverBytes()).contains("\u0005ERROR\u0003400").doesNotContain("bad password");
            assertThat(co.failure).isInstanceOf(ZmtpException.class);
            assertThat(((ZmtpException) co.failure).isFatal()).isTrue();
            assertThat(co.failure.getMessage()).contains("400");
            assertThat(so.failure.getMessage()).contains("400").contains("bad password for alice");
            assertThat(((ZmtpException) so.failure).isFatal()).isFalse();
            assertThat(client.isOpen()).isFalse();
            assertThat(server.isOpen()).isFalse();
            for (ZmqException e : List.of(co.failure, so.failure)) {
                assertThat(e.getMessage()).doesNotContain(PASSWORD);
            }
        } finally {
            releaseLogs();
        }
        assertThat(logged).noneMatch(m -> m.contains(PASSWORD));
    }

    @Test
    void temporaryFailureClosesWithoutAnError() {
        TestAuth auth = new TestAuth();
        auth.answer = new ZapResult(300, "try later", new byte[0], Map.of());
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "bob", "pw", Authenticator.NONE, ""), co, 0);
        EmbeddedChannel server = channel(SocketType.PULL, plain(true, "", "", auth, ""), so, 0);
        pump(client, server);
        assertThat(serverBytes()).doesNotContain("ERROR");
        assertThat(so.failure.getMessage()).contains("300");
        assertThat(server.isOpen()).isFalse();
        client.finishAndReleaseAll();
    }

    @Test
    void serverWithoutZapHandlerRefusesEveryClientWithoutAnError() {
        TestAuth auth = new TestAuth();
        auth.absent = true;
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "bob", "pw", Authenticator.NONE, ""), co, 0);
        EmbeddedChannel server = channel(SocketType.PULL, plain(true, "", "", auth, ""), so, 0);
        pump(client, server);
        assertThat(so.failure).isInstanceOf(ZmtpException.class);
        assertThat(((ZmtpException) so.failure).isReported()).isTrue();
        assertThat(serverBytes()).doesNotContain("ERROR").doesNotContain("WELCOME");
        assertThat(co.peer).isNull();
        assertThat(server.isOpen()).isFalse();
        client.finishAndReleaseAll();
    }

    @Test
    void theHandshakeWaitsForTheZapReplyWithoutBlockingAndResumesWhenItComes() {
        TestAuth auth = new TestAuth();
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "bob", "pw", Authenticator.NONE, ""), co, 0);
        EmbeddedChannel server = channel(SocketType.PULL, plain(true, "", "", auth, ""), so, 0);
        pump(client, server);
        assertThat(auth.held).isNotNull();
        assertThat(co.peer).isNull();
        assertThat(so.peer).isNull();
        // answered from another thread, as the dispatcher does
        Thread t = new Thread(() -> auth.held.accept(new ZapResult(200, "OK", "bob".getBytes(StandardCharsets.UTF_8), Map.of())));
        t.start();
        join(t);
        pump(client, server);
        assertThat(co.failure).isNull();
        assertThat(so.failure).isNull();
        assertThat(new String(so.peer.properties().get("User-Id"), StandardCharsets.UTF_8)).isEqualTo("bob");
    }

    @Test
    void aZapHandlerThatNeverAnswersTimesOutAndItsRequestIsCancelled() {
        TestAuth auth = new TestAuth();
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        SecurityConfig sec = new SecurityConfig("PLAIN", true, "", "", "", false, new byte[0], 700, auth);
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "bob", "pw", Authenticator.NONE, ""), co, 0);
        EmbeddedChannel server = channel(SocketType.PULL, sec, so, 0);
        pump(client, server);
        assertThat(auth.held).isNotNull();
        server.advanceTimeBy(701, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        pump(client, server);
        assertThat(so.failure.getMessage()).contains("no answer from the ZAP handler within 700 ms");
        assertThat(auth.cancelled).isEqualTo(1);
        assertThat(server.isOpen()).isFalse();
        // a late answer changes nothing
        auth.held.accept(new ZapResult(200, "OK", new byte[0], Map.of()));
        server.runPendingTasks();
        assertThat(so.peer).isNull();
        client.finishAndReleaseAll();
    }

    @Test
    void mechanismMismatchIsRefusedForGood() {
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        EmbeddedChannel client = channel(SocketType.PUSH, plain(false, "bob", "pw", Authenticator.NONE, ""), co, 0);
        HandshakeConfig nullCfg = new HandshakeConfig(SocketType.PULL, new byte[0], NullMechanism.PROVIDER, false, -1, 0);
        EmbeddedChannel server = new EmbeddedChannel(new ZmtpHandshakeHandler(nullCfg, so));
        pump(client, server);
        assertThat(co.failure.getMessage()).contains("mechanism mismatch").contains("NULL").contains("PLAIN");
        assertThat(((ZmtpException) co.failure).isFatal()).isTrue();
        assertThat(so.failure.getMessage()).contains("mechanism mismatch");
        assertThat(serverBytes()).doesNotContain("ERROR");
    }

    @Test
    void malformedHelloIsRefusedBeforeAnyZapRequest() {
        TestAuth auth = new TestAuth();
        Outcome so = new Outcome();
        EmbeddedChannel server = channel(SocketType.PULL, plain(true, "", "", auth, ""), so, 0);
        server.readOutbound();
        ByteBuf in = server.alloc().buffer();
        new io.zconn.engine.zmtp.Greeting(3, 1, "PLAIN", false).encode(in);
        // HELLO with a username length running past the command
        in.writeByte(0x04).writeByte(1 + 5 + 2).writeByte(5).writeBytes("HELLO".getBytes(StandardCharsets.US_ASCII))
                .writeByte(9).writeByte(0);
        server.writeInbound(in);
        assertThat(so.failure.getMessage()).contains("malformed HELLO");
        assertThat(auth.requests).isEmpty();
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void nullSocketWithZapDomainAsksTheHandlerAndHonoursEnforceDomain() {
        TestAuth auth = new TestAuth();
        auth.answer = new ZapResult(200, "OK", "peer-1".getBytes(StandardCharsets.UTF_8), Map.of());
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        SecurityConfig withZap = new SecurityConfig("NULL", false, "", "", "dom", false, new byte[0], 5000, auth);
        SecurityConfig plainNull = new SecurityConfig("NULL", false, "", "", "", false, new byte[0], 5000, Authenticator.NONE);
        EmbeddedChannel client = channel(SocketType.PUSH, plainNull, co, 0);
        EmbeddedChannel server = channel(SocketType.PULL, withZap, so, 0);
        pump(client, server);
        assertThat(so.failure).isNull();
        assertThat(auth.requests).singleElement().satisfies(r -> assertThat(r.mechanism()).isEqualTo("NULL"));
        assertThat(new String(so.peer.properties().get("User-Id"), StandardCharsets.UTF_8)).isEqualTo("peer-1");

        TestAuth none = new TestAuth();
        none.absent = true;
        Outcome co2 = new Outcome();
        Outcome so2 = new Outcome();
        SecurityConfig enforced = new SecurityConfig("NULL", false, "", "", "dom", true, new byte[0], 5000, none);
        fromServer.clear();
        pump(channel(SocketType.PUSH, plainNull, co2, 0), channel(SocketType.PULL, enforced, so2, 0));
        assertThat(so2.failure.getMessage()).contains("ZAP_ENFORCE_DOMAIN");

        Outcome co3 = new Outcome();
        Outcome so3 = new Outcome();
        SecurityConfig lenient = new SecurityConfig("NULL", false, "", "", "dom", false, new byte[0], 5000, none);
        pump(channel(SocketType.PUSH, plainNull, co3, 0), channel(SocketType.PULL, lenient, so3, 0));
        assertThat(so3.failure).isNull();
        assertThat(so3.peer).isNotNull();
    }

    @Test
    void nullSocketRefusedByZapSendsErrorAndTheNullPeerGivesUp() {
        TestAuth auth = new TestAuth();
        auth.answer = new ZapResult(400, "not you", new byte[0], Map.of());
        Outcome co = new Outcome();
        Outcome so = new Outcome();
        SecurityConfig withZap = new SecurityConfig("NULL", false, "", "", "dom", false, new byte[0], 5000, auth);
        SecurityConfig plainNull = new SecurityConfig("NULL", false, "", "", "", false, new byte[0], 5000, Authenticator.NONE);
        pump(channel(SocketType.PUSH, plainNull, co, 0), channel(SocketType.PULL, withZap, so, 0));
        assertThat(serverBytes()).contains("\u0005ERROR\u0003400");
        assertThat(((ZmtpException) co.failure).isFatal()).isTrue();
        assertThat(so.failure.getMessage()).contains("not you");
    }

    @Test
    void secretsAreNeverShown() {
        SecurityConfig sec = plain(false, "alice", PASSWORD, Authenticator.NONE, "");
        assertThat(sec.toString()).doesNotContain(PASSWORD).contains("(hidden)");
        assertThat(sec.provider().toString()).doesNotContain(PASSWORD);
        ZapHandler.Request r = new ZapHandler.Request("d", "1.2.3.4", null, "PLAIN",
                List.of("alice".getBytes(StandardCharsets.UTF_8), PASSWORD.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.toString()).doesNotContain(PASSWORD);
        String tooLong = PASSWORD.repeat(30);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> io.zconn.engine.ZmqOption.PLAIN_PASSWORD.validate(tooLong)))
                .hasMessageContaining("PLAIN_PASSWORD").hasMessageNotContaining(PASSWORD);
        assertThat(io.zconn.engine.ZmqOption.PLAIN_PASSWORD.isSecret()).isTrue();
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Handler capture;

    private List<String> captureLogs() {
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                out.add(String.valueOf(r.getMessage()) + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        return out;
    }

    private void releaseLogs() {
        Logger.getLogger("").removeHandler(capture);
    }
}
