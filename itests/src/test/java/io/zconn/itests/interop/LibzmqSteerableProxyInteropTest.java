package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.engine.Proxy;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A libzmq 4.3.4 process steers a zconn {@link Proxy} as it would steer {@code zmq_proxy_steerable}:
 * its REQ talks to the proxy's REP control socket over tcp (PAUSE, RESUME, STATISTICS, TERMINATE)
 * while its DEALER is the broker's client (the zconn ROUTER frontend) and a zconn REP the worker
 * behind the DEALER backend. STATISTICS comes back as libzmq's eight little-endian uint64 frames.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibzmqSteerableProxyInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HexFormat HEX = HexFormat.of();

    private LibzmqPeer peer;
    private Context ctx;

    @BeforeEach
    void start() {
        peer = LibzmqPeer.start();
        ctx = new Context();
    }

    @AfterEach
    void stop() {
        peer.close();
        ctx.close();
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String bound(Socket s) {
        s.bind("tcp://127.0.0.1:*");
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    /** Sends a command on the libzmq REQ and returns the reply's frames as hex ('-' for an empty one). */
    private String[] steer(String command) {
        peer.call("send ctl " + hex(command));
        String reply = peer.call("recv ctl 10000");
        assertThat(reply).as("reply to %s", command).isNotEqualTo("TIMEOUT");
        return reply.split(" ");
    }

    private static long[] statistics(String[] frames) {
        assertThat(frames).hasSize(8);
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            byte[] b = HEX.parseHex(frames[i]);
            assertThat(b).hasSize(8);
            v[i] = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        return v;
    }

    @Test
    void libzmqReqSteersAZconnProxyThroughItsRepControlSocket() throws Exception {
        Socket front = ctx.socket(SocketType.ROUTER);
        Socket back = ctx.socket(SocketType.DEALER);
        Socket control = ctx.socket(SocketType.REP);
        String frontEp = bound(front);
        String controlEp = bound(control);
        back.bind("inproc://steer-back");
        Socket worker = ctx.socket(SocketType.REP);
        worker.connect("inproc://steer-back");

        try (Proxy proxy = new Proxy(front, back, null, control)) {
            CompletableFuture<Void> running = CompletableFuture.runAsync(proxy);
            peer.call("socket ctl REQ");
            peer.call("connect ctl " + controlEp);
            peer.call("socket client DEALER");
            peer.call("connect client " + frontEp);

            // one request through the broker: DEALER [empty, "ping"] -> ROUTER -> DEALER -> REP
            peer.call("send client - " + hex("ping"));
            assertThat(worker.recvFrame(WAIT).text()).isEqualTo("ping");
            worker.send("pong");
            assertThat(peer.call("recv client 10000")).isEqualTo("- " + hex("pong"));

            long[] s = statistics(steer("STATISTICS"));
            // the ROUTER's envelope travels through the DEALER to the REP and back:
            // [routing id (5 bytes), empty, "ping"] in from the frontend and out on the backend,
            // [routing id, empty, "pong"] in from the backend and out on the frontend
            assertThat(s).containsExactly(1, 5 + 4, 1, 5 + 4, 1, 5 + 4, 1, 5 + 4);
            assertThat(s).containsExactly(proxy.statistics().toArray());

            assertThat(steer("PAUSE")).containsExactly("-");
            assertThat(proxy.state()).isEqualTo(Proxy.State.PAUSED);
            peer.call("send client - " + hex("held"));
            assertThat(worker.recvFrame(Duration.ofMillis(300))).as("nothing forwarded while paused").isNull();
            assertThat(statistics(steer("STATISTICS"))[0]).isEqualTo(1);

            assertThat(steer("RESUME")).containsExactly("-");
            assertThat(worker.recvFrame(WAIT).text()).isEqualTo("held");
            worker.send("done");
            assertThat(peer.call("recv client 10000")).isEqualTo("- " + hex("done"));

            assertThat(steer("TERMINATE")).containsExactly("-");
            running.get(10, TimeUnit.SECONDS);
            assertThat(proxy.state()).isEqualTo(Proxy.State.TERMINATED);
            assertThat(proxy.statistics().frontendMessagesIn()).isEqualTo(2);
        }
    }
}
