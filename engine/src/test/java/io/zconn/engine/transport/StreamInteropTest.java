package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * zconn STREAM against libzmq 4.3 STREAM (python3-zmq), both ways: notices, raw bytes each way,
 * and a close requested with {@code [id, empty]} seen by the other side as a disconnection.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Message recv(Socket s) {
        Message m = s.recvMessage(WAIT);
        assertThat(m).as("a message within " + WAIT).isNotNull();
        assertThat(m.size()).isEqualTo(2);
        return m;
    }

    /** Receives data frames from {@code id} until {@code n} bytes have come. */
    private static String recvText(Socket s, byte[] id, int n) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            Message m = recv(s);
            assertThat(m.get(0).data()).isEqualTo(id);
            assertThat(m.get(1).size()).as("data, not a notice").isPositive();
            sb.append(m.get(1).text());
        }
        return sb.toString();
    }

    @Test
    void libzmqStreamClientTalksToZconnStreamServer() {
        PythonPeer.require();
        try (Context ctx = new Context()) {
            Socket server = ctx.socket(SocketType.STREAM);
            server.bind("tcp://127.0.0.1:*");
            String ep = server.getOption(ZmqOption.LAST_ENDPOINT);
            String script = """
                    c = zmq.Context()
                    s = c.socket(zmq.STREAM)
                    s.linger = 0
                    s.rcvtimeo = 20000
                    s.connect(sys.argv[1])
                    rid, notice = s.recv_multipart()
                    assert notice == b'', notice
                    s.send_multipart([rid, b'hello from libzmq'])
                    buf = b''
                    while len(buf) < len(b'hello from zconn'):
                        r, d = s.recv_multipart()
                        assert r == rid and d != b'', (r, d)
                        buf += d
                    print(buf.decode())
                    r, d = s.recv_multipart()
                    print('closed' if r == rid and d == b'' else 'unexpected %r' % d)
                    s.close()
                    c.term()
                    """;
            try (PythonPeer peer = PythonPeer.start(script, ep)) {
                Message notice = recv(server);
                byte[] id = notice.get(0).data();
                assertThat(notice.get(1).size()).as("connect notice").isZero();
                assertThat(recvText(server, id, "hello from libzmq".length())).isEqualTo("hello from libzmq");
                server.send(Message.of(id, "hello from zconn".getBytes(StandardCharsets.US_ASCII)));
                server.send(Message.of(id, new byte[0]));
                assertThat(peer.awaitSuccess(WAIT)).isEqualTo("hello from zconn\nclosed\n");
            }
        }
    }

    @Test
    void zconnStreamClientTalksToLibzmqStreamServer() {
        PythonPeer.require();
        String script = """
                c = zmq.Context()
                s = c.socket(zmq.STREAM)
                s.linger = 0
                s.rcvtimeo = 20000
                s.bind('tcp://127.0.0.1:*')
                print(s.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
                rid, notice = s.recv_multipart()
                assert notice == b'', notice
                buf = b''
                while len(buf) < len(b'ping from zconn'):
                    r, d = s.recv_multipart()
                    assert r == rid and d != b'', (r, d)
                    buf += d
                print(buf.decode(), flush=True)
                s.send_multipart([rid, b'pong from libzmq'])
                r, d = s.recv_multipart()
                print('peer closed' if r == rid and d == b'' else 'unexpected %r' % d)
                s.close()
                c.term()
                """;
        try (PythonPeer peer = PythonPeer.start(script); Context ctx = new Context()) {
            await().atMost(WAIT).until(() -> peer.output().contains("\n") || !peer.isAlive());
            String ep = peer.output().lines().findFirst().orElseThrow();
            assertThat(ep).startsWith("tcp://127.0.0.1:");
            Socket client = ctx.socket(SocketType.STREAM);
            byte[] lz = "lz".getBytes(StandardCharsets.US_ASCII);
            client.setOption(ZmqOption.CONNECT_ROUTING_ID, lz);
            client.connect(ep);
            client.send(Message.of(lz, "ping from zconn".getBytes(StandardCharsets.US_ASCII)));
            Message notice = recv(client);
            assertThat(notice.get(0).data()).isEqualTo(lz);
            assertThat(notice.get(1).size()).as("connect notice").isZero();
            assertThat(recvText(client, lz, "pong from libzmq".length())).isEqualTo("pong from libzmq");
            client.send(Message.of(lz, new byte[0]));
            assertThat(peer.awaitSuccess(WAIT)).isEqualTo(ep + "\nping from zconn\npeer closed\n");
        }
    }
}
