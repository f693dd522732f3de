package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.Z85;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** CURVE between zconn sockets over tcp and ipc: handshake, data phase, keys, ZAP. */
@Timeout(60)
class CurveSecurityTest {
    private final Context ctx = new Context();
    private final CurveKeyPair server = Curve.generateKeyPair();
    private final CurveKeyPair client = Curve.generateKeyPair();

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket curveServer(SocketType type, String endpoint) {
        Socket s = ctx.socket(type);
        s.setOption(ZmqOption.CURVE_SERVER, true);
        s.setOption(ZmqOption.CURVE_SECRETKEY, server.secretKey());
        s.setOption(ZmqOption.RCVTIMEO, 5000);
        s.bind(endpoint);
        return s;
    }

    private Socket curveClient(SocketType type, String endpoint, byte[] serverKey) {
        Socket c = ctx.socket(type);
        c.setOption(ZmqOption.CURVE_SERVERKEY, serverKey);
        c.setOption(ZmqOption.CURVE_PUBLICKEY, client.publicKey());
        c.setOption(ZmqOption.CURVE_SECRETKEY, client.secretKey());
        c.setOption(ZmqOption.RECONNECT_IVL, 50);
        c.setOption(ZmqOption.RCVTIMEO, 5000);
        c.connect(endpoint);
        return c;
    }

    @Test
    void requestReplyOverCurveWithoutZapHandlerAcceptsAClientThatKnowsTheServerKey() {
        Socket rep = curveServer(SocketType.REP, "tcp://127.0.0.1:*");
        Socket req = curveClient(SocketType.REQ, rep.getOption(ZmqOption.LAST_ENDPOINT), server.publicKey());
        for (int i = 0; i < 100; i++) {
            req.send("ping " + i);
            assertThat(rep.recvString()).isEqualTo("ping " + i);
            rep.send("pong " + i);
            assertThat(req.recvString()).isEqualTo("pong " + i);
        }
        assertThat(rep.getOption(ZmqOption.MECHANISM)).isEqualTo("CURVE");
    }

    @Test
    void keysGivenAsZ85TextWork() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.CURVE_SERVER, true);
        pull.setOption(ZmqOption.CURVE_SECRETKEY, server.secretKeyZ85().getBytes(StandardCharsets.US_ASCII));
        pull.setOption(ZmqOption.RCVTIMEO, 5000);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.CURVE_SERVERKEY, server.publicKeyZ85().getBytes(StandardCharsets.US_ASCII));
        push.setOption(ZmqOption.CURVE_PUBLICKEY, client.publicKeyZ85().getBytes(StandardCharsets.US_ASCII));
        push.setOption(ZmqOption.CURVE_SECRETKEY, client.secretKeyZ85().getBytes(StandardCharsets.US_ASCII));
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        push.send("z85");
        assertThat(pull.recvString()).isEqualTo("z85");
        assertThat(push.getOption(ZmqOption.CURVE_SERVERKEY)).isEqualTo(server.publicKey());
    }

    @Test
    void multipartLargeAndEmptyFramesAndSubscriptionsCrossTheBoxesIntact() {
        Socket pub = curveServer(SocketType.PUB, "tcp://127.0.0.1:*");
        Socket sub = curveClient(SocketType.SUB, pub.getOption(ZmqOption.LAST_ENDPOINT), server.publicKey());
        sub.setOption(ZmqOption.SUBSCRIBE, "a".getBytes(StandardCharsets.US_ASCII));
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        big[0] = 'a';
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pub.send("b-not-subscribed");
            pub.send("a-probe");
            io.zconn.engine.Frame f = sub.tryRecvFrame();
            return f != null && "a-probe".equals(new String(f.data(), StandardCharsets.US_ASCII));
        });
        // probes sent before the first one arrived may still be on their way: a marker behind them
        // (one connection keeps order) tells when they are all through
        pub.send("a-sync");
        String seen;
        do {
            seen = sub.recvString();
        } while (!"a-sync".equals(seen));
        pub.sendMore("a-head");
        pub.sendMore(new byte[0]);
        pub.send(big);
        assertThat(sub.recvString()).isEqualTo("a-head");
        assertThat(sub.recv()).isEmpty();
        assertThat(sub.recv()).isEqualTo(big);
    }

    @Test
    void worksOverIpcToo() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("zconn-curve");
        Socket pull = curveServer(SocketType.PULL, "ipc://" + dir.resolve("s"));
        Socket push = curveClient(SocketType.PUSH, "ipc://" + dir.resolve("s"), server.publicKey());
        push.send("over ipc");
        assertThat(pull.recvString()).isEqualTo("over ipc");
    }

    @Test
    void aClientWithAnotherServersKeyNeverGetsThrough() {
        Socket pull = curveServer(SocketType.PULL, "tcp://127.0.0.1:*");
        pull.setOption(ZmqOption.RCVTIMEO, 600);
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.IMMEDIATE, true); // queue only on a connection whose handshake succeeded
        push.setOption(ZmqOption.CURVE_SERVERKEY, Curve.generateKeyPair().publicKey());
        push.setOption(ZmqOption.CURVE_PUBLICKEY, client.publicKey());
        push.setOption(ZmqOption.CURVE_SECRETKEY, client.secretKey());
        push.setOption(ZmqOption.RECONNECT_IVL, 50);
        push.setOption(ZmqOption.SNDTIMEO, 500);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        assertThatThrownBy(() -> push.send("lost")).isInstanceOf(ZmqException.class);
        assertThatThrownBy(pull::recv).isInstanceOf(ZmqException.class);
    }

    @Test
    void zapHandlerSeesTheClientKeyAndItsUserIdAndDenialEndsRetries() {
        List<byte[]> keys = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        ctx.setZapHandler(r -> {
            calls.incrementAndGet();
            keys.add(r.curvePublicKey());
            return Arrays.equals(r.curvePublicKey(), client.publicKey())
                    ? ZapHandler.Reply.accept("known-client") : ZapHandler.Reply.deny("unknown key");
        });
        Socket pull = curveServer(SocketType.PULL, "tcp://127.0.0.1:*");
        String endpoint = pull.getOption(ZmqOption.LAST_ENDPOINT);
        Socket push = curveClient(SocketType.PUSH, endpoint, server.publicKey());
        push.send("welcome");
        io.zconn.engine.Frame welcome = pull.recvFrame();
        assertThat(new String(welcome.data(), StandardCharsets.US_ASCII)).isEqualTo("welcome");
        // as zmq_msg_gets: the ZAP handler's User-Id and the mechanism on every message of the connection
        assertThat(welcome.property("User-Id")).contains("known-client");
        assertThat(welcome.property("Socket-Type")).contains("PUSH");
        assertThat(keys).singleElement().satisfies(k -> assertThat(k).isEqualTo(client.publicKey()));

        CurveKeyPair stranger = Curve.generateKeyPair();
        Socket other = ctx.socket(SocketType.PUSH);
        other.setOption(ZmqOption.CURVE_SERVERKEY, server.publicKey());
        other.setOption(ZmqOption.CURVE_PUBLICKEY, stranger.publicKey());
        other.setOption(ZmqOption.CURVE_SECRETKEY, stranger.secretKey());
        other.setOption(ZmqOption.RECONNECT_IVL, 20);
        other.connect(endpoint);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 2);
        // refused with ERROR 400: as libzmq, the client does not retry (RECONNECT_IVL 20 ms would
        // otherwise ask the handler dozens of times in the next 500 ms)
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(Z85.encode(keys.get(1))).isEqualTo(stranger.publicKeyZ85());
    }

    @Test
    void aClientWithoutItsKeysIsRefusedAtOnceWithAClearReason() {
        Socket pull = curveServer(SocketType.PULL, "tcp://127.0.0.1:*");
        pull.setOption(ZmqOption.RCVTIMEO, 500);
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.IMMEDIATE, true);
        push.setOption(ZmqOption.CURVE_SERVERKEY, server.publicKey());
        push.setOption(ZmqOption.SNDTIMEO, 500);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        assertThatThrownBy(() -> push.send("x")).isInstanceOf(ZmqException.class);
    }

    @Test
    void invalidKeysAreRefusedWithoutEchoingThem() {
        Socket s = ctx.socket(SocketType.PUSH);
        byte[] bad = "not~a~z85~key~not~a~z85~key~not~a~z85~ke".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> s.setOption(ZmqOption.CURVE_SECRETKEY, bad))
                .isInstanceOf(ZmqException.class).hasMessageContaining("(hidden)")
                .hasMessageNotContaining("not~a~z85");
        assertThatThrownBy(() -> s.setOption(ZmqOption.CURVE_PUBLICKEY, new byte[31]))
                .isInstanceOf(ZmqException.class).hasMessageContaining("32 bytes or 40 Z85 characters");
    }
}
