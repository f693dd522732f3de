package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw TCP client misbehaving towards a bound PULL socket: each bad connection is dropped, the
 * socket keeps serving a well-behaved PUSH peer, and nothing is thrown into the user's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private Context ctx;
    private Socket pull;
    private int port;

    @BeforeEach
    void setUp() {
        ctx = new Context();
        pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.MAXMSGSIZE, 1024L);
        pull.bind("tcp://127.0.0.1:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        port = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    static byte[] greeting(String mechanism) {
        byte[] g = new byte[64];
        g[0] = (byte) 0xFF;
        g[9] = 0x7F;
        g[10] = 3;
        g[11] = 1;
        byte[] m = mechanism.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, g, 12, m.length);
        return g;
    }

    static byte[] ready(String socketType) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(5);
        body.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        byte[] name = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
        byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
        body.write(name.length);
        body.writeBytes(name);
        body.writeBytes(new byte[] {0, 0, 0, (byte) value.length});
        body.writeBytes(value);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x04);
        frame.write(b.length);
        frame.writeBytes(b);
        return frame.toByteArray();
    }

    /** Sends bytes and reports whether the server closed the connection within the timeout. */
    private boolean serverDrops(byte[]... chunks) throws IOException {
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            raw.setSoTimeout(5000);
            OutputStream out = raw.getOutputStream();
            for (byte[] c : chunks) {
                out.write(c);
            }
            out.flush();
            InputStream in = raw.getInputStream();
            byte[] buf = new byte[512];
            try {
                while (true) {
                    if (in.read(buf) < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
    }

    private void socketStillServesWellBehavedPeer() {
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("tcp://127.0.0.1:" + port);
        push.send("still alive");
        assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("still alive");
        push.close();
    }

    @Test
    void wrongSignatureIsDropped() throws IOException {
        assertThat(serverDrops("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
        socketStillServesWellBehavedPeer();
    }

    @Test
    void unknownMechanismIsDropped() throws IOException {
        assertThat(serverDrops(greeting("BOGUS"))).isTrue();
        socketStillServesWellBehavedPeer();
    }

    @Test
    void incompatibleSocketTypeIsDropped() throws IOException {
        assertThat(serverDrops(greeting("NULL"), ready("PUB"))).isTrue();
        socketStillServesWellBehavedPeer();
    }

    @Test
    void frameOverMaxMsgSizeIsDropped() throws IOException {
        byte[] longHeader = {0x02, 0, 0, 0, 0, 0, 0, 0x10, 0}; // LONG frame of 4096 bytes > 1024
        assertThat(serverDrops(greeting("NULL"), ready("PUSH"), longHeader, new byte[4096])).isTrue();
        assertThat(pull.recvFrame(Duration.ofMillis(200))).isNull();
        socketStillServesWellBehavedPeer();
    }

    @Test
    void truncatedFrameIsNeverDelivered() throws IOException {
        byte[] partial = {0x00, 100, 1, 2, 3}; // says 100 bytes, sends 3, then hangs up
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = raw.getOutputStream();
            out.write(greeting("NULL"));
            out.write(ready("PUSH"));
            out.write(partial);
            out.flush();
        }
        assertThat(pull.recvFrame(Duration.ofMillis(300))).isNull();
        socketStillServesWellBehavedPeer();
    }

    @Test
    void commandWithMoreFlagIsDropped() throws IOException {
        byte[] bad = {0x05, 4, 3, 'A', 'B', 'C'};
        assertThat(serverDrops(greeting("NULL"), ready("PUSH"), bad)).isTrue();
        socketStillServesWellBehavedPeer();
    }
}
