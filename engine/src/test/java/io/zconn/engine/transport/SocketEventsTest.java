package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketListener;
import io.zconn.engine.SocketMonitor;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Socket events (issue #12) over tcp and ipc: each libzmq event where zconn emits it, with its
 * libzmq value, the peer's address and routing id, delivered off the I/O threads.
 */
@Timeout(60)
class SocketEventsTest {
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    /** Records events and the threads they came on. */
    static final class Recorder implements SocketListener {
        final List<SocketEvent> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(SocketEvent event) {
            threads.add(Thread.currentThread().getName());
            events.add(event);
        }

        List<SocketEvent.Type> types() {
            return events.stream().map(SocketEvent::type).toList();
        }

        SocketEvent awaitFirst(SocketEvent.Type type) {
            await().atMost(Duration.ofSeconds(10)).until(() -> types().contains(type));
            return events.stream().filter(e -> e.type() == type).findFirst().orElseThrow();
        }
    }

    private static String endpoint(String transport) {
        return transport.equals("tcp") ? "tcp://127.0.0.1:*"
                : "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-events-" + System.nanoTime() + ".sock";
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void bindReportsListeningWithTheBoundEndpointThenClosedAndMonitorStopped(String transport) {
        Socket s = ctx.socket(SocketType.PULL);
        Recorder r = new Recorder();
        s.monitor(r);
        s.bind(endpoint(transport));
        String bound = s.getOption(ZmqOption.LAST_ENDPOINT);
        SocketEvent listening = r.awaitFirst(SocketEvent.Type.LISTENING);
        assertThat(listening.endpoint()).isEqualTo(bound);
        assertThat(listening.value()).isPositive(); // the listener's descriptor (epoll)
        s.unbind(bound);
        assertThat(r.awaitFirst(SocketEvent.Type.CLOSED).endpoint()).isEqualTo(bound);
        s.close();
        r.awaitFirst(SocketEvent.Type.MONITOR_STOPPED);
        assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.CLOSED, SocketEvent.Type.MONITOR_STOPPED);
        assertThat(r.events.get(2).endpoint()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void aConnectionIsReportedOnBothSidesWithThePeersAddressAndRoutingId(String transport) {
        Socket router = ctx.socket(SocketType.ROUTER);
        Recorder server = new Recorder();
        router.monitor(server);
        router.bind(endpoint(transport));
        String ep = router.getOption(ZmqOption.LAST_ENDPOINT);

        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "alice".getBytes(StandardCharsets.US_ASCII));
        Recorder client = new Recorder();
        dealer.monitor(client);
        dealer.connect(ep);

        SocketEvent hs = server.awaitFirst(SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        assertThat(hs.routingId()).asString(StandardCharsets.US_ASCII).isEqualTo("alice");
        assertThat(hs.endpoint()).isEqualTo(ep);
        client.awaitFirst(SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        assertThat(server.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.ACCEPTED, SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        assertThat(client.types()).endsWith(SocketEvent.Type.CONNECTED, SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        assertThat(client.types()).containsAnyOf(SocketEvent.Type.CONNECTED).doesNotContain(SocketEvent.Type.CONNECT_RETRIED);
        SocketEvent accepted = server.events.get(1);
        if (transport.equals("tcp")) {
            assertThat(accepted.peerAddress()).startsWith("tcp://127.0.0.1:");
            assertThat(client.awaitFirst(SocketEvent.Type.CONNECTED).peerAddress()).isEqualTo(ep);
            assertThat(client.events.get(0).type()).isEqualTo(SocketEvent.Type.CONNECT_DELAYED);
            assertThat(client.events.get(0).value()).isEqualTo(115); // EINPROGRESS, as libzmq
        }
        assertThat(accepted.value()).isPositive();

        dealer.close(); // the peer goes: the server sees it disconnect, with the peer's routing id
        SocketEvent gone = server.awaitFirst(SocketEvent.Type.DISCONNECTED);
        assertThat(gone.routingId()).asString(StandardCharsets.US_ASCII).isEqualTo("alice");
        assertThat(gone.value()).isEqualTo(accepted.value());
        // its own close is no disconnection: the dealer's monitor just stops
        await().until(() -> client.types().contains(SocketEvent.Type.MONITOR_STOPPED));
        assertThat(client.types()).doesNotContain(SocketEvent.Type.DISCONNECTED);
    }

    @Test
    void connectRetriedWhenNothingListens() {
        Socket probe = ctx.socket(SocketType.PULL);
        probe.bind("tcp://127.0.0.1:*");
        String ep = probe.getOption(ZmqOption.LAST_ENDPOINT);
        probe.close(); // nothing listens there any more

        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.RECONNECT_IVL, 100);
        Recorder r = new Recorder();
        push.monitor(r);
        push.connect(ep);
        await().atMost(Duration.ofSeconds(10)).until(() -> r.types().stream().filter(t -> t == SocketEvent.Type.CONNECT_RETRIED).count() >= 3);
        // as libzmq: the attempt is under way, its socket is closed, one retry is scheduled; again
        assertThat(r.types().subList(0, 6)).containsExactly(SocketEvent.Type.CONNECT_DELAYED, SocketEvent.Type.CLOSED,
                SocketEvent.Type.CONNECT_RETRIED, SocketEvent.Type.CONNECT_DELAYED, SocketEvent.Type.CLOSED,
                SocketEvent.Type.CONNECT_RETRIED);
        assertThat(r.types()).doesNotContain(SocketEvent.Type.CONNECTED, SocketEvent.Type.DISCONNECTED);
        assertThat(r.events.get(0).value()).isEqualTo(115);
        assertThat(r.events).filteredOn(e -> e.type() == SocketEvent.Type.CONNECT_RETRIED)
                .allSatisfy(e -> assertThat(e.value()).isEqualTo(100)); // RECONNECT_IVL_MAX 0: no back-off
        assertThat(r.events).allSatisfy(e -> assertThat(e.endpoint()).isEqualTo(ep));
    }

    @Test
    void bindFailedOnATakenPort() {
        Socket first = ctx.socket(SocketType.PULL);
        first.bind("tcp://127.0.0.1:*");
        String ep = first.getOption(ZmqOption.LAST_ENDPOINT);
        Socket second = ctx.socket(SocketType.PULL);
        Recorder r = new Recorder();
        second.monitor(r);
        assertThatThrownBy(() -> second.bind(ep)).isInstanceOfSatisfying(ZmqException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE));
        SocketEvent failed = r.awaitFirst(SocketEvent.Type.BIND_FAILED);
        // as libzmq: the descriptor that could not be bound is closed first
        assertThat(r.types()).containsExactly(SocketEvent.Type.CLOSED, SocketEvent.Type.BIND_FAILED);
        assertThat(failed.value()).isEqualTo(98); // EADDRINUSE
        assertThat(failed.endpoint()).isEqualTo(ep);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void aWrongGreetingIsAProtocolFailureThenADisconnection(String transport) throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        Recorder r = new Recorder();
        pull.monitor(r);
        pull.bind(endpoint(transport));
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        try (java.nio.channels.SocketChannel raw = rawConnect(ep)) {
            raw.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            SocketEvent failed = r.awaitFirst(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL);
            assertThat(failed.value()).isEqualTo(SocketEvent.PROTOCOL_ERROR_ZMTP_UNSPECIFIED);
            r.awaitFirst(SocketEvent.Type.DISCONNECTED);
        }
        assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.ACCEPTED, SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, SocketEvent.Type.DISCONNECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void aStreamSocketReportsARawPeersArrivalAndDepartureWithItsRoutingId(String transport) throws Exception {
        Socket stream = ctx.socket(SocketType.STREAM);
        Recorder r = new Recorder();
        stream.monitor(r);
        stream.bind(endpoint(transport));
        String ep = stream.getOption(ZmqOption.LAST_ENDPOINT);
        byte[] id;
        try (java.nio.channels.SocketChannel raw = rawConnect(ep)) {
            raw.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            id = stream.recvMessage(Duration.ofSeconds(10)).get(0).data(); // STREAM_NOTIFY: [id, empty]
            assertThat(stream.recvMessage(Duration.ofSeconds(10)).get(1).text()).isEqualTo("hello");
        }
        SocketEvent gone = r.awaitFirst(SocketEvent.Type.DISCONNECTED);
        assertThat(gone.routingId()).isEqualTo(id);
        assertThat(gone.value()).isEqualTo(r.events.get(1).value()); // ACCEPTED's descriptor
        // as libzmq, no HANDSHAKE_SUCCEEDED for a raw connection; unlike libzmq, no HANDSHAKE_FAILED_NO_DETAIL
        assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.ACCEPTED, SocketEvent.Type.DISCONNECTED);
    }

    @Test
    void aStreamSocketThatEndsAConnectionItselfReportsNoDisconnection() throws Exception {
        Socket stream = ctx.socket(SocketType.STREAM);
        Recorder r = new Recorder();
        stream.monitor(r);
        stream.bind("tcp://127.0.0.1:*");
        try (java.nio.channels.SocketChannel raw = rawConnect(stream.getOption(ZmqOption.LAST_ENDPOINT))) {
            raw.write(ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
            byte[] id = stream.recvMessage(Duration.ofSeconds(10)).get(0).data(); // STREAM_NOTIFY: [id, empty]
            assertThat(stream.recvMessage(Duration.ofSeconds(10)).get(1).text()).isEqualTo("x");
            stream.sendMore(id);
            stream.send(new byte[0]); // [id, empty]: the socket closes that connection
            ByteBuffer b = ByteBuffer.allocate(1);
            assertThat(raw.read(b)).isEqualTo(-1); // the peer sees it end (blocking read, bounded by @Timeout)
        }
        stream.close();
        r.awaitFirst(SocketEvent.Type.MONITOR_STOPPED);
        assertThat(r.types()).doesNotContain(SocketEvent.Type.DISCONNECTED);
    }

    @Test
    void aSilentPeerIsAHandshakeFailureWithNoDetail() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.HANDSHAKE_IVL, 200);
        Recorder r = new Recorder();
        pull.monitor(r);
        pull.bind("tcp://127.0.0.1:*");
        try (java.nio.channels.SocketChannel raw = rawConnect(pull.getOption(ZmqOption.LAST_ENDPOINT))) {
            assertThat(raw.isConnected()).isTrue(); // and says nothing
            r.awaitFirst(SocketEvent.Type.DISCONNECTED);
        }
        assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.ACCEPTED, SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL, SocketEvent.Type.DISCONNECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void aMechanismMismatchIsReportedOnBothSidesWithLibzmqsCode(String transport) {
        Socket server = ctx.socket(SocketType.PULL);
        server.setOption(ZmqOption.PLAIN_SERVER, true);
        Recorder s = new Recorder();
        server.monitor(s, SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, SocketEvent.Type.HANDSHAKE_SUCCEEDED);
        server.bind(endpoint(transport));
        Socket client = ctx.socket(SocketType.PUSH); // NULL
        Recorder c = new Recorder();
        client.monitor(c, SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL, SocketEvent.Type.HANDSHAKE_SUCCEEDED, SocketEvent.Type.CONNECT_RETRIED);
        client.connect(server.getOption(ZmqOption.LAST_ENDPOINT));
        assertThat(s.awaitFirst(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL).value()).isEqualTo(SocketEvent.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
        assertThat(c.awaitFirst(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL).value()).isEqualTo(SocketEvent.PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
        // the types asked for only, and the client gives up as libzmq does: no retry
        assertThat(c.types()).containsExactly(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "ipc"})
    void aZapDenialIsAnAuthFailureWithStatus400OnBothSides(String transport) {
        ctx.setZapHandler(req -> ZapHandler.Reply.deny("not you"));
        Socket server = ctx.socket(SocketType.PULL);
        server.setOption(ZmqOption.PLAIN_SERVER, true);
        Recorder s = new Recorder();
        server.monitor(s);
        server.bind(endpoint(transport));
        Socket client = ctx.socket(SocketType.PUSH);
        client.setOption(ZmqOption.PLAIN_USERNAME, "eve");
        client.setOption(ZmqOption.PLAIN_PASSWORD, "guess");
        Recorder c = new Recorder();
        client.monitor(c);
        client.connect(server.getOption(ZmqOption.LAST_ENDPOINT));
        SocketEvent denied = s.awaitFirst(SocketEvent.Type.HANDSHAKE_FAILED_AUTH);
        assertThat(denied.value()).isEqualTo(400);
        assertThat(c.awaitFirst(SocketEvent.Type.HANDSHAKE_FAILED_AUTH).value()).isEqualTo(400);
        s.awaitFirst(SocketEvent.Type.DISCONNECTED);
        c.awaitFirst(SocketEvent.Type.DISCONNECTED);
        assertThat(s.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.ACCEPTED, SocketEvent.Type.HANDSHAKE_FAILED_AUTH, SocketEvent.Type.DISCONNECTED);
    }

    @Test
    void listenersRunOffTheIoThreadsAndASlowOneDelaysNothingButItself() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = new Recorder();
        try (SocketMonitor m = pull.monitor(e -> {
            r.onEvent(e);
            try {
                release.await(30, TimeUnit.SECONDS); // a listener stuck on its first event
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        })) {
            pull.bind("tcp://127.0.0.1:*");
            Socket push = ctx.socket(SocketType.PUSH);
            push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
            for (int i = 0; i < 100; i++) { // the I/O threads go on meanwhile
                push.send("m" + i);
                assertThat(pull.recvFrame(Duration.ofSeconds(10))).extracting(Frame::text).isEqualTo("m" + i);
            }
            assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING);
            release.countDown();
            await().until(() -> r.types().contains(SocketEvent.Type.HANDSHAKE_SUCCEEDED));
            assertThat(r.threads).allSatisfy(t -> assertThat(t).startsWith("zconn-events-"));
            assertThat(m.droppedEvents()).isZero();
        }
        await().until(() -> r.types().contains(SocketEvent.Type.MONITOR_STOPPED));
    }

    @Test
    void listenersRunOnTheHostsExecutorAndNothingRunsOnceTheContextIsClosed() throws Exception {
        java.util.concurrent.ExecutorService host = java.util.concurrent.Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "host-" + System.nanoTime());
            t.setDaemon(true);
            return t;
        });
        Recorder r = new Recorder();
        try {
            try (Context hosted = Context.builder().executor(host).build()) {
                Socket pull = hosted.socket(SocketType.PULL);
                pull.monitor(r);
                pull.bind("tcp://127.0.0.1:*");
                r.awaitFirst(SocketEvent.Type.LISTENING);
            }
            // close() delivered the last events before returning
            assertThat(r.types()).containsExactly(SocketEvent.Type.LISTENING, SocketEvent.Type.CLOSED, SocketEvent.Type.MONITOR_STOPPED);
            assertThat(r.threads).allSatisfy(t -> assertThat(t).startsWith("host-"));
        } finally {
            host.shutdownNow();
            assertThat(host.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(
                t -> assertThat(t.getName()).startsWith("zconn-events-"));
    }

    @Test
    void theLibzmqStyleMonitorPublishesTwoFramesAsPyzmqParsesThem() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.monitor("inproc://monitor-pull", SocketEvent.Type.ALL);
        Socket mon = ctx.socket(SocketType.PAIR);
        mon.connect("inproc://monitor-pull");
        pull.bind("tcp://127.0.0.1:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);

        io.zconn.engine.Message m = mon.recvMessage(Duration.ofSeconds(10));
        // pyzmq's parse_monitor_message: two frames, the first exactly 6 bytes, struct "=hi"
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.get(0).size()).isEqualTo(6);
        ByteBuffer b = ByteBuffer.wrap(m.get(0).data()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort() & 0xFFFF).isEqualTo(0x0008); // ZMQ_EVENT_LISTENING
        assertThat(b.getInt()).isPositive();
        assertThat(m.get(1).text()).isEqualTo(ep);

        pull.close(); // CLOSED, then MONITOR_STOPPED with an empty endpoint, as libzmq
        io.zconn.engine.Message closed = mon.recvMessage(Duration.ofSeconds(10));
        assertThat(ByteBuffer.wrap(closed.get(0).data()).order(ByteOrder.LITTLE_ENDIAN).getShort()).isEqualTo((short) 0x0080);
        io.zconn.engine.Message stopped = mon.recvMessage(Duration.ofSeconds(10));
        assertThat(stopped.get(0).data()).containsExactly(0x00, 0x04, 0, 0, 0, 0);
        assertThat(stopped.get(1).size()).isZero();
    }

    @Test
    void theLibzmqStyleMonitorIsInprocOnlyAndReplacedByTheNextCall() {
        Socket pull = ctx.socket(SocketType.PULL);
        assertThatThrownBy(() -> pull.monitor("tcp://127.0.0.1:*", SocketEvent.Type.ALL)).isInstanceOfSatisfying(ZmqException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EPROTONOSUPPORT));
        pull.monitor("inproc://mon-a", SocketEvent.Type.mask(SocketEvent.Type.MONITOR_STOPPED, SocketEvent.Type.LISTENING));
        Socket a = ctx.socket(SocketType.PAIR);
        a.connect("inproc://mon-a");
        pull.monitor("inproc://mon-b", SocketEvent.Type.ALL); // a gets MONITOR_STOPPED
        assertThat(a.recvMessage(Duration.ofSeconds(10)).get(0).data()).containsExactly(0x00, 0x04, 0, 0, 0, 0);
        pull.monitor(null, 0);
    }

    private static java.nio.channels.SocketChannel rawConnect(String ep) throws java.io.IOException {
        if (ep.startsWith("tcp://")) {
            String hp = ep.substring("tcp://".length());
            int colon = hp.lastIndexOf(':');
            return java.nio.channels.SocketChannel.open(
                    new java.net.InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
        }
        return java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(ep.substring("ipc://".length())));
    }

}
