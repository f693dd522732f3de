package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ZMTP 3.1 heartbeats, seen from a raw TCP peer that speaks just enough ZMTP. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeartbeatTest {
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private int bindPull(int ivl, int timeout) {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.HEARTBEAT_IVL, ivl);
        pull.setOption(ZmqOption.HEARTBEAT_TIMEOUT, timeout);
        pull.setOption(ZmqOption.HEARTBEAT_TTL, 2000);
        pull.bind("tcp://127.0.0.1:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        return Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    /** Reads the server's greeting and READY, then returns the stream positioned after them. */
    private static DataInputStream handshake(java.net.Socket raw) throws IOException {
        OutputStream out = raw.getOutputStream();
        out.write(BadInputTest.greeting("NULL"));
        out.write(BadInputTest.ready("PUSH"));
        out.flush();
        DataInputStream in = new DataInputStream(raw.getInputStream());
        in.readFully(new byte[64]);
        int flags = in.readUnsignedByte();
        int size = in.readUnsignedByte();
        assertThat(flags).isEqualTo(4);
        in.readFully(new byte[size]);
        return in;
    }

    /** Reads one command frame and returns its name. */
    private static String readCommand(DataInputStream in, byte[][] dataOut) throws IOException {
        int flags = in.readUnsignedByte();
        assertThat(flags & 4).isEqualTo(4);
        int size = in.readUnsignedByte();
        byte[] body = new byte[size];
        in.readFully(body);
        int nameLen = body[0];
        if (dataOut != null) {
            dataOut[0] = java.util.Arrays.copyOfRange(body, 1 + nameLen, body.length);
        }
        return new String(body, 1, nameLen, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void sendsPingsWithTtlOnIdleConnections() throws IOException {
        int port = bindPull(100, 5000);
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            raw.setSoTimeout(5000);
            DataInputStream in = handshake(raw);
            byte[][] data = new byte[1][];
            assertThat(readCommand(in, data)).isEqualTo("PING");
            int ttl = ((data[0][0] & 0xff) << 8) | (data[0][1] & 0xff);
            assertThat(ttl).isEqualTo(20); // 2000 ms in deciseconds
        }
    }

    @Test
    void answersPingWithPongEchoingContext() throws IOException {
        int port = bindPull(0, 0);
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            raw.setSoTimeout(5000);
            DataInputStream in = handshake(raw);
            byte[] ping = {0x04, 9, 4, 'P', 'I', 'N', 'G', 0, 0, 'c', 'x'};
            raw.getOutputStream().write(ping);
            raw.getOutputStream().flush();
            byte[][] data = new byte[1][];
            assertThat(readCommand(in, data)).isEqualTo("PONG");
            assertThat(new String(data[0], StandardCharsets.US_ASCII)).isEqualTo("cx");
        }
    }

    @Test
    void dropsPeerThatStopsAnswering() throws IOException {
        int port = bindPull(100, 300);
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            raw.setSoTimeout(5000);
            handshake(raw);
            InputStream in = raw.getInputStream();
            long start = System.nanoTime();
            // read (and ignore) the PINGs until the server hangs up
            try {
                while (in.read() >= 0) {
                    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(4));
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("server never dropped the silent peer", e);
            } catch (IOException reset) {
                // dropped
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void keepsConnectionThatAnswersPings() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.HEARTBEAT_IVL, 50);
        pull.setOption(ZmqOption.HEARTBEAT_TIMEOUT, 150);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.HEARTBEAT_IVL, 50);
        push.setOption(ZmqOption.RECONNECT_IVL, -1); // a dropped connection would stay dropped
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        push.send("first");
        assertThat(pull.recvFrame(Duration.ofSeconds(5)).text()).isEqualTo("first");
        // idle for several heartbeat timeouts: the connection must survive
        assertThat(pull.recvFrame(Duration.ofMillis(800))).isNull();
        push.send("after idle");
        assertThat(pull.recvFrame(Duration.ofSeconds(5)).text()).isEqualTo("after idle");
    }
}
