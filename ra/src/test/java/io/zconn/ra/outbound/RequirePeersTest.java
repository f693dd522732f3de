package io.zconn.ra.outbound;

import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.LogCapture;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The requirePeers readiness gate of a connection factory, against real engine peers. */
class RequirePeersTest extends RunningAdapterTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    private static final Duration WAIT = Duration.ofSeconds(10);


    private static String bound(Socket peer) {
        peer.bind(ANY_PORT);
        return peer.getOption(ZmqOption.LAST_ENDPOINT);
    }

    private ZmqManagedConnectionFactory mcf(String type, String endpoints, int requirePeers, int timeoutMs) {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType(type);
        f.setEndpoints(endpoints);
        f.setRequirePeers(requirePeers);
        f.setRequirePeersTimeout(timeoutMs);
        return f;
    }

    @Test
    void firstPublishWaitsForTheSubscriberSoItIsNotLost() throws Exception {
        try (Socket sub = peers.socket(SocketType.SUB)) {
            sub.subscribe("");
            ZmqManagedConnectionFactory f = mcf("PUB", bound(sub), 1, 10_000);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                // a fresh PUB drops what it sends before the subscription arrives (the slow joiner)
                c.send("first");
                assertThat(sub.recvFrame(WAIT)).as("the first message reached the subscriber").isNotNull()
                        .extracting(fr -> fr.text()).isEqualTo("first");
            }
            assertThat(f.stats().getSendsFailed()).isZero();
        }
    }

    @Test
    void sendFailsWithANumberedLogWhenTooFewPeersCome() throws Exception {
        try (Socket pull = peers.socket(SocketType.PULL); LogCapture log = new LogCapture()) {
            ZmqManagedConnectionFactory f = mcf("PUSH", bound(pull), 2, 200);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                assertThatThrownBy(() -> c.send("never"))
                        .isInstanceOf(ZmqConnectionException.class)
                        .hasMessageContaining("ZCONNRA0070")
                        .hasMessageContaining("1 of the 2 peers")
                        .satisfies(e -> assertThat(((ZmqConnectionException) e).reason())
                                .isEqualTo(ZmqConnectionException.Reason.TIMEOUT));
                assertThat(log.count("ZCONNRA0070")).isEqualTo(1);
                assertThat(f.stats().getSendsFailed()).isEqualTo(1);
                assertThat(f.stats().getMessagesSent()).isZero();
                assertThatThrownBy(() -> c.send("again")).as("the next send waits again")
                        .isInstanceOf(ZmqConnectionException.class);
            }
            assertThat(pull.recvFrame(Duration.ZERO)).as("nothing was sent").isNull();
        }
    }

    @Test
    void requestWaitsForThePeersToo() throws Exception {
        try (Socket rep = peers.socket(SocketType.REP); LogCapture log = new LogCapture()) {
            ZmqManagedConnectionFactory f = mcf("REQ", bound(rep), 2, 100);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                assertThatThrownBy(() -> c.request(io.zconn.ra.api.ZmqMessage.of("q"), WAIT))
                        .isInstanceOf(ZmqConnectionException.class).hasMessageContaining("ZCONNRA0070");
                assertThat(log.count("ZCONNRA0070")).isEqualTo(1);
            }
            assertThat(rep.recvFrame(Duration.ZERO)).isNull();
        }
    }

    @Test
    void negativeRequirePeersIsRefused() {
        ZmqManagedConnectionFactory f = mcf("PUSH", "tcp://127.0.0.1:5555", -1, 100);
        assertThatThrownBy(f::createConnectionFactory).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("requirePeers");
    }
}
