package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large frames over tcp and ipc through direct memory: sent from the application's direct buffer
 * (zero copy), received into pooled memory ({@link ZmqOption#RECV_DIRECT}) or into the caller's
 * buffer ({@link Socket#recv(ByteBuffer)}), byte for byte and in order with small frames.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    private Socket[] pushPull(String transport, boolean recvDirect) {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RECV_DIRECT, recvDirect);
        pull.bind(StreamTransportTest.endpoint(transport));
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        return new Socket[] {push, pull};
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void directBuffersGoOutIntactInOrderWithSmallFrames(String transport) {
        Socket[] s = pushPull(transport, false);
        byte[] k64 = random(65536, 1);
        byte[] m1 = random(1 << 20, 2);
        ByteBuffer shared = direct(k64);
        for (int i = 0; i < 20; i++) {
            s[0].send(new Message().add(Frame.wrap(shared.duplicate())).add("small " + i)
                    .add(Frame.wrap(direct(m1))).add(Frame.wrap(ByteBuffer.allocateDirect(100))));
        }
        for (int i = 0; i < 20; i++) {
            Message m = s[1].recvMessage(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.size()).isEqualTo(4);
            assertThat(m.get(0).data()).isEqualTo(k64);
            assertThat(m.get(1).text()).isEqualTo("small " + i);
            assertThat(m.get(2).data()).isEqualTo(m1);
            assertThat(m.get(3).size()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void largeFramesAreReceivedLentAndStayIntactUntilReleased(String transport) {
        Socket[] s = pushPull(transport, true);
        byte[][] bodies = new byte[30][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = random(i % 2 == 0 ? 65536 : (1 << 20) + i, 10 + i);
            s[0].send(bodies[i]);
        }
        Frame[] kept = new Frame[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            Frame f = s[1].recvFrame(WAIT);
            assertThat(f).isNotNull();
            assertThat(f.isLent()).isTrue();
            assertThat(f.buffer().isReadOnly()).isTrue();
            assertThat(f.data()).isEqualTo(bodies[i]);
            if (i % 3 == 0) {
                kept[i] = f; // held while later frames reuse released memory
            } else {
                f.release();
            }
        }
        for (int i = 0; i < bodies.length; i += 3) {
            assertThat(kept[i].data()).isEqualTo(bodies[i]);
            kept[i].release();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void recvIntoCallersBufferTruncatesAndReportsTheFullSize(boolean recvDirect) {
        Socket[] s = pushPull("tcp", recvDirect);
        byte[] big = random(100_000, 3);
        s[0].send(new Message().add(big).add("tail"));
        ByteBuffer dst = ByteBuffer.allocateDirect(50_000);
        assertThat(s[1].recv(dst)).isEqualTo(100_000);
        assertThat(dst.position()).isEqualTo(50_000);
        assertThat(s[1].hasReceiveMore()).isTrue();
        byte[] got = new byte[50_000];
        dst.flip().get(got);
        assertThat(got).isEqualTo(java.util.Arrays.copyOf(big, 50_000));
        ByteBuffer small = ByteBuffer.allocate(10);
        assertThat(s[1].recv(small, WAIT)).isEqualTo(4);
        assertThat(s[1].hasReceiveMore()).isFalse();
        assertThat(new String(small.array(), 0, small.position(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("tail");
        assertThat(s[1].recv(small, Duration.ZERO)).isEqualTo(-1);
    }

    @Test
    void forwardedLentFrameIsNotRecycledWhenReleasedAfterSending() {
        Socket[] in = pushPull("tcp", true);
        Socket[] out = pushPull("ipc", true);
        byte[][] bodies = new byte[20][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = random(65536, 100 + i);
            in[0].send(bodies[i]);
        }
        for (int i = 0; i < bodies.length; i++) {
            Frame f = in[1].recvFrame(WAIT);
            out[0].send(f);
            f.release(); // too early for the forwarded frame: must not hand its memory to the next one
        }
        for (byte[] body : bodies) {
            Frame f = out[1].recvFrame(WAIT);
            assertThat(f.data()).isEqualTo(body);
            f.release();
        }
    }

    @Test
    void directBuffersGoOutIntactOverCurve() {
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair client = Curve.generateKeyPair();
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.CURVE_SERVER, true);
        pull.setOption(ZmqOption.CURVE_SECRETKEY, server.secretKey());
        pull.setOption(ZmqOption.RECV_DIRECT, true);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.CURVE_SERVERKEY, server.publicKey());
        push.setOption(ZmqOption.CURVE_PUBLICKEY, client.publicKey());
        push.setOption(ZmqOption.CURVE_SECRETKEY, client.secretKey());
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        byte[] body = random(200_000, 4);
        for (int i = 0; i < 5; i++) {
            push.send(new Message().add(Frame.wrap(direct(body))).add("after"));
        }
        for (int i = 0; i < 5; i++) {
            try (Message m = pull.recvMessage(WAIT)) {
                assertThat(m.get(0).data()).isEqualTo(body);
                assertThat(m.get(1).text()).isEqualTo("after");
            }
        }
    }
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void largeBodiesReadStraightIntoPooledMemoryArriveIntactThroughBackPressure(String transport) {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RECV_DIRECT, true);
        pull.setOption(ZmqOption.RCVHWM, 1); // reads pause and resume while bodies are half read
        pull.bind(StreamTransportTest.endpoint(transport));
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        int n = 24;
        byte[][] big = new byte[n][];
        byte[][] mid = new byte[n][];
        for (int i = 0; i < n; i++) {
            big[i] = random((1 << 20) + 17 * i, 200 + i);
            mid[i] = random(70_000 + i, 300 + i);
            push.send(new Message().add(Frame.wrap(direct(big[i]))).add("small " + i).add(mid[i]));
        }
        ByteBuffer dst = ByteBuffer.allocateDirect(2 << 20);
        for (int i = 0; i < n; i++) {
            dst.clear();
            assertThat(pull.recv(dst, WAIT)).isEqualTo(big[i].length);
            byte[] got = new byte[big[i].length];
            dst.flip().get(got);
            assertThat(got).as("message %d", i).isEqualTo(big[i]);
            assertThat(pull.recvFrame(WAIT).text()).isEqualTo("small " + i);
            Frame f = pull.recvFrame(WAIT);
            assertThat(f.data()).isEqualTo(mid[i]);
            f.release();
        }
    }
}
