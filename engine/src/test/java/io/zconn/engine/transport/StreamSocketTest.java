package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * STREAM sockets against plain tcp (and ipc) peers that know nothing of ZMTP: a
 * {@link java.net.Socket} client of a STREAM server, a STREAM client of a {@link ServerSocketChannel},
 * notices, routing ids, closing a connection, and libzmq's send rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private static Message recv(Socket s) {
        Message m = s.recvMessage(WAIT);
        assertThat(m).as("a message within " + WAIT).isNotNull();
        assertThat(m.size()).isEqualTo(2);
        return m;
    }

    private static String text(Message m) {
        return m.get(1).text();
    }

    private Socket boundStream() {
        Socket server = ctx.socket(SocketType.STREAM);
        server.bind("tcp://127.0.0.1:*");
        return server;
    }

    private static InetSocketAddress address(Socket bound) {
        String ep = bound.getOption(ZmqOption.LAST_ENDPOINT);
        int colon = ep.lastIndexOf(':');
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(ep.substring(colon + 1)));
    }

    @Test
    void answersAnHttpRequestFromAPlainJavaSocket() throws Exception {
        Socket server = boundStream();
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(address(server), 10_000);
            client.setSoTimeout(10_000);
            Message hello = recv(server);
            byte[] id = hello.get(0).data();
            assertThat(id).hasSize(5).startsWith(0);
            assertThat(hello.get(1).size()).as("connect notice").isZero();

            OutputStream out = client.getOutputStream();
            out.write("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                Message m = recv(server);
                assertThat(m.get(0).data()).isEqualTo(id);
                request.append(text(m));
            }
            assertThat(request.toString()).startsWith("GET /hello HTTP/1.0\r\n");

            String body = "hi from zconn";
            server.send(Message.of(id, ("HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII)));
            server.send(Message.of(id, new byte[0])); // close this connection
            String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.0 200 OK\r\n").endsWith("\r\n\r\n" + body);
        }
        // a close the socket asked for is not announced, and the id is gone
        assertThat(server.recvMessage(Duration.ofMillis(300))).isNull();
    }

    @Test
    void aPeerHangingUpIsAnnouncedAndItsIdIsThenUnreachable() throws Exception {
        Socket server = boundStream();
        byte[] id;
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(address(server), 10_000);
            id = recv(server).get(0).data();
            client.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        }
        StringBuilder got = new StringBuilder();
        Message m;
        while ((m = recv(server)).get(1).size() > 0) {
            assertThat(m.get(0).data()).isEqualTo(id);
            got.append(text(m));
        }
        assertThat(got.toString()).isEqualTo("bye");
        assertThat(m.get(0).data()).as("disconnect notice").isEqualTo(id);
        // the pipe's end follows the notice (as in libzmq, a send in between still goes nowhere)
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(
                () -> server.send(Message.of(id, "late".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EHOSTUNREACH)));
    }

    @Test
    void clientTalksToAPlainServerSocketChannelUnderItsConnectRoutingId() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Socket client = ctx.socket(SocketType.STREAM);
            byte[] srv = "srv".getBytes(StandardCharsets.US_ASCII);
            client.setOption(ZmqOption.CONNECT_ROUTING_ID, srv);
            client.connect("tcp://127.0.0.1:" + port);
            // addressable at once: queued until connected
            client.send(Message.of(srv, "ping".getBytes(StandardCharsets.US_ASCII)));
            try (SocketChannel peer = listener.accept()) {
                Message notice = recv(client);
                assertThat(notice.get(0).data()).isEqualTo(srv);
                assertThat(notice.get(1).size()).isZero();
                assertThat(readExactly(peer, 4)).isEqualTo("ping");
                peer.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)));
                StringBuilder got = new StringBuilder();
                while (got.length() < 4) {
                    Message m = recv(client);
                    assertThat(m.get(0).data()).isEqualTo(srv);
                    got.append(text(m));
                }
                assertThat(got.toString()).isEqualTo("pong");
            }
            Message bye = recv(client);
            assertThat(bye.get(0).data()).isEqualTo(srv);
            assertThat(bye.get(1).size()).as("disconnect notice").isZero();
            // as in libzmq, the connecter reconnects, under the same routing id
            try (SocketChannel again = listener.accept()) {
                Message back = recv(client);
                assertThat(back.get(0).data()).isEqualTo(srv);
                assertThat(back.get(1).size()).as("connect notice").isZero();
                client.send(Message.of(srv, "again".getBytes(StandardCharsets.US_ASCII)));
                assertThat(readExactly(again, 5)).isEqualTo("again");
            }
        }
    }

    @Test
    void aConnectionTheClientClosesIsNotRemade() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Socket client = ctx.socket(SocketType.STREAM);
            client.setOption(ZmqOption.RECONNECT_IVL, 10);
            client.connect("tcp://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort());
            try (SocketChannel peer = listener.accept()) {
                byte[] id = recv(client).get(0).data();
                client.send(Message.of(id, "bye".getBytes(StandardCharsets.US_ASCII)));
                client.send(Message.of(id, new byte[0]));
                assertThat(readExactly(peer, 100)).as("the data, then end of stream").isEqualTo("bye");
            }
            // as in libzmq 4.3.4: the session ends with its pipe, no reconnection
            listener.configureBlocking(false);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> {
                try (SocketChannel again = listener.accept()) {
                    return again == null;
                }
            });
        }
    }

    @Test
    void connectRoutingIdAppliesToOneConnectAndMayNotBeInUse() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String ep = "tcp://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Socket client = ctx.socket(SocketType.STREAM);
            byte[] a = {'a'};
            client.setOption(ZmqOption.CONNECT_ROUTING_ID, a);
            client.connect(ep);
            client.setOption(ZmqOption.CONNECT_ROUTING_ID, a);
            assertThatThrownBy(() -> client.connect(ep))
                    .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
            client.setOption(ZmqOption.CONNECT_ROUTING_ID, new byte[] {'b'});
            client.connect(ep);
            client.connect(ep); // a generated id this time
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (SocketChannel p1 = listener.accept(); SocketChannel p2 = listener.accept();
                 SocketChannel p3 = listener.accept()) {
                for (int i = 0; i < 3; i++) {
                    Message m = recv(client);
                    assertThat(m.get(1).size()).isZero();
                    byte[] id = m.get(0).data();
                    ids.add(id[0] == 0 && id.length == 5 ? "generated" : new String(id, StandardCharsets.US_ASCII));
                }
                assertThat(p1.isConnected() && p2.isConnected() && p3.isConnected()).isTrue();
            }
            assertThat(ids).containsExactlyInAnyOrder("a", "b", "generated");
        }
        assertThatThrownBy(() -> ctx.socket(SocketType.PULL).setOption(ZmqOption.CONNECT_ROUTING_ID, new byte[] {1}))
                .isInstanceOf(ZmqException.class);
        assertThatThrownBy(() -> ctx.socket(SocketType.STREAM).setOption(ZmqOption.CONNECT_ROUTING_ID, new byte[0]))
                .isInstanceOf(ZmqException.class);
    }

    @Test
    void sendRulesFollowLibzmq() throws Exception {
        Socket server = boundStream();
        assertThatThrownBy(() -> server.send(Message.of("nobody", "x")))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EHOSTUNREACH));
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(address(server), 10_000);
            client.setSoTimeout(10_000);
            byte[] id = recv(server).get(0).data();
            // a lone id frame (no MORE) is ignored together with the frame after it
            server.send(Frame.wrap(id));
            server.send(Frame.wrap("swallowed".getBytes(StandardCharsets.US_ASCII)));
            // the data frame's MORE flag is ignored: each data frame goes out as it is
            server.send(Frame.wrap(id, true));
            server.send(Frame.wrap("one".getBytes(StandardCharsets.US_ASCII), true));
            server.send(Message.of(id, "two".getBytes(StandardCharsets.US_ASCII)));
            server.send(Message.of(id, new byte[0]));
            String got = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(got).isEqualTo("onetwo");
        }
    }

    @Test
    void everyByteArrivesInOrderThroughASmallRcvhwm() throws Exception {
        Socket server = ctx.socket(SocketType.STREAM);
        server.setOption(ZmqOption.RCVHWM, 2);
        server.bind("tcp://127.0.0.1:*");
        byte[] data = new byte[4 * 1024 * 1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 13));
        }
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(address(server), 10_000);
            recv(server);
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int maxChunk = 0;
            while (got.size() < data.length) {
                Frame f = recv(server).get(1);
                maxChunk = Math.max(maxChunk, f.size());
                got.write(f.data());
            }
            writer.join(10_000);
            assertThat(Arrays.equals(got.toByteArray(), data)).as("same bytes in the same order").isTrue();
            assertThat(maxChunk).as("chunks are bounded by the read buffer").isLessThanOrEqualTo(64 * 1024);
        }
    }

    @Test
    void aFloodingPeerIsStoppedAtRcvhwmUntilTheSocketReads() throws Exception {
        Socket server = ctx.socket(SocketType.STREAM);
        server.setOption(ZmqOption.RCVHWM, 4);
        server.setOption(ZmqOption.RCVBUF, 256 * 1024);
        server.bind("tcp://127.0.0.1:*");
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        long offered = 256L * 1024 * 1024;
        try (java.net.Socket client = new java.net.Socket()) {
            client.setSendBufferSize(256 * 1024);
            client.connect(address(server), 10_000);
            recv(server); // the connect notice
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = client.getOutputStream();
                    while (written.get() < offered) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (java.io.IOException closed) {
                    // the test ended the connection
                }
            });
            writer.setDaemon(true);
            writer.start();
            long[] last = {-1};
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = written.get();
                boolean stalled = now == last[0];
                last[0] = now;
                return stalled;
            });
            long stalledAt = written.get();
            System.out.println("STREAM flood: writer stalled after " + stalledAt + " bytes with RCVHWM 4");
            // the socket holds RCVHWM chunks of at most 64 KiB (plus the few Netty handed over):
            // the rest of what was written sits in the kernel's buffers
            assertThat(stalledAt).isLessThan(32L * 1024 * 1024);
            long received = 0;
            while (received < stalledAt + 1024 * 1024) {
                received += recv(server).get(1).size(); // reading lets it go on
            }
            assertThat(written.get()).isGreaterThan(stalledAt);
        }
    }

    @Test
    void inprocIsRefused() {
        Socket s = ctx.socket(SocketType.STREAM);
        assertThatThrownBy(() -> s.bind("inproc://raw"))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPROTONOSUPPORT));
        assertThatThrownBy(() -> s.connect("inproc://raw"))
                .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPROTONOSUPPORT));
    }

    @Test
    void servesAPlainUnixDomainSocketOverIpc() throws Exception {
        Path dir = Files.createTempDirectory("zconn-stream");
        Path file = dir.resolve("raw.sock");
        try {
            Socket server = ctx.socket(SocketType.STREAM);
            server.bind("ipc://" + file);
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                client.connect(UnixDomainSocketAddress.of(file));
                byte[] id = recv(server).get(0).data();
                client.write(ByteBuffer.wrap("over ipc".getBytes(StandardCharsets.US_ASCII)));
                StringBuilder got = new StringBuilder();
                while (got.length() < 8) {
                    got.append(text(recv(server)));
                }
                assertThat(got.toString()).isEqualTo("over ipc");
                server.send(Message.of(id, "ack".getBytes(StandardCharsets.US_ASCII)));
                assertThat(readExactly(client, 3)).isEqualTo("ack");
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static String readExactly(SocketChannel ch, int n) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                break;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
    }
}
