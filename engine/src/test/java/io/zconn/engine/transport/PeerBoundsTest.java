package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A raw TCP client speaking just enough ZMTP (NULL handshake) to push a bound socket where a
 * misbehaving peer would: its subscriptions meet the HWM, its handshake the HANDSHAKE_IVL, and a
 * READY as large as libzmq accepts is accepted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerBoundsTest {
    private Context ctx;

    @BeforeEach
    void setUp() {
        ctx = new Context();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private static int port(Socket s) {
        String ep = s.getOption(ZmqOption.LAST_ENDPOINT);
        return Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
    }

    private static byte[] subscribe(String topic) {
        byte[] t = topic.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x04);
        b.write(1 + 9 + t.length);
        b.write(9);
        b.writeBytes("SUBSCRIBE".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(t);
        return b.toByteArray();
    }

    /** Whether the server closes the connection within {@code within}, reading what it sends meanwhile. */
    private static boolean closedBy(java.net.Socket raw, Duration within) throws IOException {
        raw.setSoTimeout((int) within.toMillis());
        InputStream in = raw.getInputStream();
        byte[] buf = new byte[512];
        try {
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void subscribeFloodStallsReadingAtTheHwmAndResumesWhenTheXpubReads() throws Exception {
        Socket xpub = ctx.socket(SocketType.XPUB);
        xpub.setOption(ZmqOption.RCVHWM, 100);
        xpub.setOption(ZmqOption.RCVBUF, 64 * 1024); // keep the kernel from absorbing the flood
        xpub.bind("tcp://127.0.0.1:*");
        byte[] one = subscribe("news");
        int perBlock = 64 * 1024 / one.length;
        byte[] block = new byte[perBlock * one.length];
        for (int i = 0; i < perBlock; i++) {
            System.arraycopy(one, 0, block, i * one.length, one.length);
        }
        long total = 8L << 20; // 8 MiB of SUBSCRIBE commands (~500 000)
        AtomicLong written = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.setSendBufferSize(64 * 1024);
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port(xpub)), 5000);
            OutputStream out = raw.getOutputStream();
            out.write(BadInputTest.greeting("NULL"));
            out.write(BadInputTest.ready("SUB"));
            Thread writer = new Thread(() -> {
                try {
                    while (written.get() < total) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                    done.set(true);
                } catch (IOException e) {
                    // the test closes the socket
                }
            }, "subscribe-flood");
            writer.setDaemon(true);
            writer.start();
            // the server stops reading: the writer blocks with most of the flood unsent
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(unchanged(written));
            assertThat(done).as("the whole flood was taken in despite RCVHWM").isFalse();
            assertThat(written.get()).isLessThan(total / 2);
            // the XPUB processes the subscriptions: the server reads again until the flood is in
            assertThat(xpub.recvFrame(Duration.ofSeconds(5)).data()).isEqualTo("\u0001news".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                xpub.recvFrame(Duration.ofMillis(10));
                return done.get();
            });
        }
    }

    /** @return a condition true once the counter stayed the same between two polls */
    private static Callable<Boolean> unchanged(AtomicLong counter) {
        long[] last = {-1};
        return () -> {
            long now = counter.get();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        };
    }

    @Test
    void subscribeFloodToAPullIsDroppedAndNeverReachesTheUser() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, 10);
        pull.bind("tcp://127.0.0.1:*");
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port(pull))) {
            OutputStream out = raw.getOutputStream();
            out.write(BadInputTest.greeting("NULL"));
            out.write(BadInputTest.ready("PUSH"));
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                flood.writeBytes(subscribe("t" + i));
            }
            out.write(flood.toByteArray());
            out.write(new byte[] {0, 4, 'd', 'a', 't', 'a'});
            out.flush();
            assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("data");
        }
    }

    @Test
    void handshakeIvlDropsAPeerThatDoesNotCompleteItsHandshake() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.HANDSHAKE_IVL, 300);
        pull.bind("tcp://127.0.0.1:*");
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port(pull))) {
            long t0 = System.nanoTime();
            raw.getOutputStream().write(BadInputTest.greeting("NULL")); // and no READY
            assertThat(closedBy(raw, Duration.ofSeconds(10))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void handshakeIvlIsValidated() {
        Socket s = ctx.socket(SocketType.PULL);
        assertThat(s.getOption(ZmqOption.HANDSHAKE_IVL)).isEqualTo(30_000);
        assertThatThrownBy(() -> s.setOption(ZmqOption.HANDSHAKE_IVL, -1))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        s.setOption(ZmqOption.HANDSHAKE_IVL, 0);
        assertThat(ZmqOption.forName("ZMQ_HANDSHAKE_IVL")).isSameAs(ZmqOption.HANDSHAKE_IVL);
    }

    @Test
    void readyOf169KibIsAcceptedAsLibzmqDoes() throws IOException {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        int pad = 169 * 1024;
        ByteBuffer ready = ByteBuffer.allocate(9 + 6 + 20 + 10 + pad);
        ready.put((byte) 6).putLong(6 + 20 + 10 + pad);
        ready.put((byte) 5).put("READY".getBytes(StandardCharsets.US_ASCII));
        ready.put((byte) 11).put("Socket-Type".getBytes(StandardCharsets.US_ASCII)).putInt(4)
                .put("PUSH".getBytes(StandardCharsets.US_ASCII));
        ready.put((byte) 5).put("X-Pad".getBytes(StandardCharsets.US_ASCII)).putInt(pad);
        try (java.net.Socket raw = new java.net.Socket(InetAddress.getLoopbackAddress(), port(pull))) {
            OutputStream out = raw.getOutputStream();
            out.write(BadInputTest.greeting("NULL"));
            out.write(ready.array());
            out.write(new byte[] {0, 2, 'o', 'k'});
            out.flush();
            assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("ok");
        }
    }
}
