package io.zconn.ra.outbound;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundTest extends RunningAdapterTest {

    private static final String ANY_PORT = "tcp://127.0.0.1:*";

    private static String bound(Socket peer) {
        peer.bind(ANY_PORT);
        return peer.getOption(ZmqOption.LAST_ENDPOINT);
    }

    private ZmqManagedConnectionFactory mcf(String type, String endpoints, boolean bind) {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType(type);
        f.setEndpoints(endpoints);
        f.setBind(bind);
        return f;
    }

    @Test
    void pushConnectionSendsMultipartToAPullPeer() throws Exception {
        try (Socket pull = peers.socket(SocketType.PULL)) {
            ZmqManagedConnectionFactory f = mcf("push", bound(pull), false);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                assertThat(c.socketType()).isEqualTo("PUSH");
                c.send(ZmqMessage.of("a", "b"));
                c.send("single");
            }
            Message m = pull.recvMessage(Duration.ofSeconds(5));
            assertThat(m).isNotNull();
            assertThat(m.size()).isEqualTo(2);
            assertThat(m.get(1).text()).isEqualTo("b");
            assertThat(pull.recvMessage(Duration.ofSeconds(5)).get(0).text()).isEqualTo("single");
        }
    }

    @Test
    void boundSocketsAreSharedBetweenManagedConnections() throws Exception {
        ZmqManagedConnectionFactory f = mcf("PUB", ANY_PORT, true);
        ZmqManagedConnection a = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqManagedConnection b = (ZmqManagedConnection) f.createManagedConnection(null, null);
        assertThat(a.isShared()).isTrue();
        assertThat(ra.sharedSockets().size()).isEqualTo(1);
        String endpoint = a.lastEndpoint();
        assertThat(b.lastEndpoint()).isEqualTo(endpoint);
        try (Socket sub = peers.socket(SocketType.SUB)) {
            sub.subscribe("");
            sub.connect(endpoint);
            ZmqConnection ha = (ZmqConnection) a.getConnection(null, null);
            ZmqConnection hb = (ZmqConnection) b.getConnection(null, null);
            Message got = null;
            for (int i = 0; i < 100 && got == null; i++) {
                ha.send("from-a");
                hb.send("from-b");
                got = sub.recvMessage(Duration.ofMillis(50));
            }
            assertThat(got).as("subscriber got a message from the shared PUB").isNotNull();
        }
        a.destroy();
        b.destroy();
        assertThat(ra.sharedSockets().size()).as("shared socket outlives its connections").isEqualTo(1);
        ra.stop();
        try (Socket probe = peers.socket(SocketType.PUB)) {
            probe.bind(endpoint); // released by stop()
        }
    }

    @Test
    void requestGetsTheReplyFromARepPeer() throws Exception {
        try (Socket rep = peers.socket(SocketType.REP)) {
            String endpoint = bound(rep);
            Thread t = new Thread(() -> {
                Message req = rep.recvMessage(Duration.ofSeconds(5));
                rep.send(Message.of("re:" + req.get(0).text()));
            });
            t.start();
            ZmqConnectionFactory cf = (ZmqConnectionFactory) mcf("REQ", endpoint, false)
                    .createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                ZmqMessage reply = c.request(ZmqMessage.of("ping"), Duration.ofSeconds(5));
                assertThat(reply.text()).isEqualTo("re:ping");
                assertThat(reply.property("Socket-Type")).as("the reply carries its connection's properties")
                        .contains("REP");
                assertThat(reply.userId()).as("no mechanism set one").isEmpty();
            }
            t.join();
        }
    }

    @Test
    void dealerRequestTalksToARepPeer() throws Exception {
        try (Socket rep = peers.socket(SocketType.REP)) {
            String endpoint = bound(rep);
            Thread t = new Thread(() -> {
                Message req = rep.recvMessage(Duration.ofSeconds(5));
                rep.send(Message.of("re:" + req.get(0).text(), "2"));
            });
            t.start();
            ZmqConnectionFactory cf = (ZmqConnectionFactory) mcf("DEALER", endpoint, false)
                    .createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                ZmqMessage reply = c.request(ZmqMessage.of("x"), Duration.ofSeconds(5));
                assertThat(reply.texts()).containsExactly("re:x", "2");
            }
            t.join();
        }
    }

    @Test
    void defaultPoolReusesAClosedConnectionAndDestroysAFailedOne() throws Exception {
        // a peer that takes requests and never answers
        Socket silent = peers.socket(SocketType.ROUTER);
        ZmqManagedConnectionFactory f = mcf("REQ", bound(silent), false);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        long first;
        try (ZmqConnection c = cf.getConnection()) {
            first = ((ZmqConnectionImpl) c).managedConnectionId();
        }
        long second;
        try (ZmqConnection c = cf.getConnection()) {
            second = ((ZmqConnectionImpl) c).managedConnectionId();
            assertThat(second).as("same managed connection after close").isEqualTo(first);
            // Nobody answers: the REQ socket is left waiting and must not be pooled.
            assertThatThrownBy(() -> c.request(ZmqMessage.of("?"), Duration.ofMillis(100)))
                    .isInstanceOf(ZmqConnectionException.class)
                    .extracting(e -> ((ZmqConnectionException) e).reason())
                    .isEqualTo(ZmqConnectionException.Reason.TIMEOUT);
            assertThatThrownBy(() -> c.send("x")).isInstanceOf(ZmqConnectionException.class);
        }
        try (ZmqConnection c = cf.getConnection()) {
            assertThat(((ZmqConnectionImpl) c).managedConnectionId()).isNotEqualTo(first);
        }
        silent.close();
    }

    @Test
    void connectionEventsAndHandleLifecycle() throws Exception {
        Socket sink = peers.socket(SocketType.PULL);
        ZmqManagedConnectionFactory f = mcf("PUSH", bound(sink), false);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        List<String> events = new CopyOnWriteArrayList<>();
        mc.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent e) {
                events.add("closed:" + (e.getConnectionHandle() != null));
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent e) {
                events.add("error");
            }

            @Override
            public void localTransactionStarted(ConnectionEvent e) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent e) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent e) {
            }
        });
        ZmqConnection h1 = (ZmqConnection) mc.getConnection(null, null);
        ZmqConnection h2 = (ZmqConnection) mc.getConnection(null, null);
        h1.close();
        h1.close();
        assertThat(events).containsExactly("closed:true");
        mc.cleanup();
        assertThatThrownBy(() -> h2.send("x")).isInstanceOf(ZmqConnectionException.class)
                .extracting(e -> ((ZmqConnectionException) e).reason()).isEqualTo(ZmqConnectionException.Reason.CLOSED);
        assertThat(mc.isUsable()).isTrue();
        ZmqConnection h3 = (ZmqConnection) mc.getConnection(null, null);
        ZmqManagedConnection other = (ZmqManagedConnection) f.createManagedConnection(null, null);
        other.associateConnection(h3);
        assertThat(((ZmqConnectionImpl) h3).managedConnectionId()).isEqualTo(other.id());
        assertThat(mc.handleCount()).isZero();
        assertThat(mc.getMetaData().getEISProductName()).contains("ZeroMQ");
        assertThatThrownBy(mc::getLocalTransaction).isInstanceOf(ResourceException.class);
        mc.destroy();
        assertThat(mc.isUsable()).isFalse();
        assertThat(f.getInvalidConnections(Set.of(mc, other)).toArray()).containsExactly(mc);
        assertThat(f.matchManagedConnections(Set.of(mc, other), null, null)).isSameAs(other);
        other.destroy();
        sink.close();
    }

    /** Records the events a managed connection fires; optionally closes the handles as Liberty does on an error. */
    private static final class RecordingListener implements ConnectionEventListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<ZmqConnection> closeOnError = new CopyOnWriteArrayList<>();

        @Override
        public void connectionClosed(ConnectionEvent e) {
            events.add("closed");
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent e) {
            events.add("error");
            for (ZmqConnection h : closeOnError) {
                h.close();
            }
        }

        @Override
        public void localTransactionStarted(ConnectionEvent e) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent e) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent e) {
        }
    }

    @Test
    void aHandleTheServerClosesWhileHandlingAConnectionErrorFiresNoClosedEvent() throws Exception {
        try (Socket silent = peers.socket(SocketType.ROUTER)) {
            ZmqManagedConnection mc = (ZmqManagedConnection) mcf("REQ", bound(silent), false)
                    .createManagedConnection(null, null);
            RecordingListener server = new RecordingListener();
            mc.addConnectionEventListener(server);
            ZmqConnection handle = (ZmqConnection) mc.getConnection(null, null);
            server.closeOnError.add(handle);
            assertThatThrownBy(() -> handle.request(ZmqMessage.of("?"), Duration.ofMillis(50)))
                    .isInstanceOf(ZmqConnectionException.class);
            handle.close();
            assertThat(server.events).as("no CONNECTION_CLOSED for a connection that failed").containsExactly("error");
            assertThat(mc.handleCount()).isZero();
            assertThat(mc.isUsable()).isFalse();
            mc.destroy();
        }
    }

    @Test
    void aHandleClosedAfterAConnectionErrorFiresNoClosedEventButOthersStillDo() throws Exception {
        try (Socket silent = peers.socket(SocketType.ROUTER)) {
            ZmqManagedConnectionFactory f = mcf("REQ", bound(silent), false);
            ZmqManagedConnection healthy = (ZmqManagedConnection) f.createManagedConnection(null, null);
            ZmqManagedConnection failing = (ZmqManagedConnection) f.createManagedConnection(null, null);
            RecordingListener onHealthy = new RecordingListener();
            RecordingListener onFailing = new RecordingListener();
            healthy.addConnectionEventListener(onHealthy);
            failing.addConnectionEventListener(onFailing);
            ((ZmqConnection) healthy.getConnection(null, null)).close();
            ZmqConnection handle = (ZmqConnection) failing.getConnection(null, null);
            assertThatThrownBy(() -> handle.request(ZmqMessage.of("?"), Duration.ofMillis(50)))
                    .isInstanceOf(ZmqConnectionException.class);
            handle.close();
            assertThat(onHealthy.events).containsExactly("closed");
            assertThat(onFailing.events).containsExactly("error");
            healthy.destroy();
            failing.destroy();
        }
    }

    @Test
    void unsupportedOperationsAreRefused() throws Exception {
        try (Socket sink = peers.socket(SocketType.PULL)) {
            ZmqConnectionFactory cf = (ZmqConnectionFactory) mcf("PUSH", bound(sink), false)
                    .createConnectionFactory();
            ZmqConnection c = cf.getConnection();
            assertThatThrownBy(() -> c.receive(Duration.ZERO)).isInstanceOf(ZmqConnectionException.class);
            assertThatThrownBy(() -> c.request(ZmqMessage.of("x"))).isInstanceOf(ZmqConnectionException.class);
            c.close();
        }
    }

    @Test
    void pullConnectionReceivesWithTimeout() throws Exception {
        ZmqConnectionFactory cf = (ZmqConnectionFactory) mcf("PULL", ANY_PORT, true)
                .createConnectionFactory();
        try (ZmqConnection c = cf.getConnection(); Socket push = peers.socket(SocketType.PUSH)) {
            assertThat(c.receive(Duration.ofMillis(10))).isEmpty();
            push.connect(((ZmqConnectionImpl) c).lastEndpoint());
            push.send("hi");
            assertThat(c.receive(Duration.ofSeconds(5))).map(ZmqMessage::text).contains("hi");
        }
    }

    @Test
    void configurationIsValidatedAndComparedAsTheSpecAsks() {
        ZmqManagedConnectionFactory a = mcf("PUSH", "tcp://127.0.0.1:1", false);
        ZmqManagedConnectionFactory b = mcf("PUSH", "tcp://127.0.0.1:1", false);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        b.setSendHighWaterMark(5);
        assertThat(a).isNotEqualTo(b);
        a.setSocketType("REP");
        assertThatThrownBy(a::settings).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("socketType");
        a.setSocketType("PUSH");
        a.setEndpoints(" ");
        assertThatThrownBy(a::settings).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("endpoints");
        a.setEndpoints("tcp://127.0.0.1:1");
        a.setLinger(-2);
        assertThatThrownBy(a::settings).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("linger");
    }

    @Test
    void worksOutsideAContainer() throws Exception {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        try (Socket pull = peers.socket(SocketType.PULL)) {
            pull.setOption(ZmqOption.RCVTIMEO, 5000);
            f.setSocketType("PUSH");
            f.setEndpoints(bound(pull));
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                c.send("standalone");
            }
            assertThat(pull.recvString()).isEqualTo("standalone");
        } finally {
            f.close();
        }
    }
}
