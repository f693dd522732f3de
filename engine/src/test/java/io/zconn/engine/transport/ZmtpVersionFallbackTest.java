package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw publisher that greets as ZMTP 3.0 or 3.1: a zconn SUB must send its subscription as a
 * message (0x01 + topic) to a 3.0 peer and as a SUBSCRIBE command to a 3.1 peer, and receive
 * from either.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ZmtpVersionFallbackTest {

    private static byte[] readFrame(DataInputStream in, int[] flagsOut) throws IOException {
        int flags = in.readUnsignedByte();
        long size = (flags & 2) != 0 ? in.readLong() : in.readUnsignedByte();
        byte[] body = new byte[(int) size];
        in.readFully(body);
        flagsOut[0] = flags;
        return body;
    }

    private static byte[] subscriptionSeenByPeerOfMinorVersion(int minor) throws IOException {
        // the fake publisher's own listening socket, kept open while used: port 0 is not probe-then-bind
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); Context ctx = new Context()) {
            Socket sub = ctx.socket(SocketType.SUB);
            sub.subscribe("AB");
            sub.connect("tcp://127.0.0.1:" + server.getLocalPort());
            try (java.net.Socket raw = server.accept()) {
                raw.setSoTimeout(5000);
                byte[] greeting = BadInputTest.greeting("NULL");
                greeting[11] = (byte) minor;
                OutputStream out = raw.getOutputStream();
                out.write(greeting);
                out.write(BadInputTest.ready("PUB"));
                out.flush();
                DataInputStream in = new DataInputStream(raw.getInputStream());
                in.readFully(new byte[64]);
                int[] flags = new int[1];
                readFrame(in, flags); // READY
                byte[] sub1 = readFrame(in, flags);
                byte[] marked = new byte[sub1.length + 1];
                marked[0] = (byte) flags[0];
                System.arraycopy(sub1, 0, marked, 1, sub1.length);
                // and the subscriber receives what this peer publishes
                out.write(new byte[] {0, 4, 'A', 'B', 'C', 'D'});
                out.flush();
                assertThat(sub.recvFrame(Duration.ofSeconds(5)).text()).isEqualTo("ABCD");
                return marked;
            }
        }
    }

    @Test
    void subscriptionGoesAsMessageToZmtp30Peer() throws IOException {
        byte[] seen = subscriptionSeenByPeerOfMinorVersion(0);
        assertThat(seen).containsExactly(0, 1, 'A', 'B');
    }

    @Test
    void subscriptionGoesAsCommandToZmtp31Peer() throws IOException {
        byte[] seen = subscriptionSeenByPeerOfMinorVersion(1);
        assertThat(seen[0]).isEqualTo((byte) 4);
        assertThat(new String(seen, 2, seen.length - 2, StandardCharsets.US_ASCII)).isEqualTo("SUBSCRIBEAB");
    }
}
