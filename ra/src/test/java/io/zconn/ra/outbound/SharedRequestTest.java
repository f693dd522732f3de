package io.zconn.ra.outbound;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A request timeout on the shared bound socket affects only its caller. */
class SharedRequestTest extends RunningAdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);


    private ZmqManagedConnectionFactory mcf(String type) {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType(type);
        f.setEndpoints("tcp://127.0.0.1:*");
        f.setBind(true);
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"REQ", "DEALER"})
    void aTimedOutRequestLeavesTheOthersInFlightAndTheSocketInService(String type) throws Exception {
        ZmqManagedConnectionFactory f = mcf(type);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        SharedSockets.Shared shared = ra.sharedSockets().acquire(ra.requireStarted(), f.settings());
        String endpoint = shared.socket().getOption(ZmqOption.LAST_ENDPOINT);
        CountDownLatch slowArrived = new CountDownLatch(1);
        CountDownLatch releaseSlow = new CountDownLatch(1);
        Socket rep = peers.socket(SocketType.REP);
        rep.connect(endpoint);
        Thread peer = new Thread(() -> {
            try {
                while (true) {
                    Message req = rep.recvMessage(WAIT);
                    if (req == null) {
                        return;
                    }
                    String text = req.get(0).text();
                    if (text.equals("slow")) {
                        slowArrived.countDown();
                        releaseSlow.await(10, TimeUnit.SECONDS);
                    }
                    rep.send(Message.of("re:" + text));
                }
            } catch (ZmqException | InterruptedException e) {
                // closed at the end of the test
            }
        }, "rep-peer");
        peer.start();
        try {
            CompletableFuture<Throwable> slow = CompletableFuture.supplyAsync(() -> {
                try (ZmqConnection c = cf.getConnection()) {
                    c.request(ZmqMessage.of("slow"), Duration.ofMillis(300));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertThat(slowArrived.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> fast = CompletableFuture.supplyAsync(() -> {
                try (ZmqConnection c = cf.getConnection()) {
                    return c.request(ZmqMessage.of("fast"), WAIT).text();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // "fast" now waits behind "slow" at the peer while "slow" times out
            Throwable timedOut = slow.get(10, TimeUnit.SECONDS);
            assertThat(timedOut).isInstanceOf(ZmqConnectionException.class);
            assertThat(((ZmqConnectionException) timedOut).reason()).isEqualTo(ZmqConnectionException.Reason.TIMEOUT);
            assertThat(fast).isNotDone();
            releaseSlow.countDown();
            assertThat(fast.get(10, TimeUnit.SECONDS)).isEqualTo("re:fast");
            await().atMost(WAIT).until(() -> shared.discardedReplies() == 1);
            try (ZmqConnection c = cf.getConnection()) {
                assertThat(c.request(ZmqMessage.of("again"), WAIT).text()).isEqualTo("re:again");
                assertThat(c.socketType()).isEqualTo(type);
            }
            assertThat(shared.socket().isClosed()).isFalse();
            assertThat(ra.sharedSockets().acquire(ra.requireStarted(), f.settings())).isSameAs(shared);
            assertThat(shared.pendingRequests()).isZero();
        } finally {
            releaseSlow.countDown();
            rep.close();
            peer.join(WAIT.toMillis());
        }
    }

    @Test
    void connectionFactoryMaxMessageSizeDefaultsToUnlimitedAndOptionsAreChecked() throws Exception {
        ZmqManagedConnectionFactory f = mcf("PUSH");
        f.setBind(false);
        f.setEndpoints("tcp://127.0.0.1:1");
        f.setOptions("IMMEDIATE=true,sndhwm=7");
        try (Socket s = f.settings().open(peers, null)) {
            assertThat(s.getOption(ZmqOption.MAXMSGSIZE)).isEqualTo(-1L);
            assertThat(s.getOption(ZmqOption.IMMEDIATE)).isTrue();
            assertThat(s.getOption(ZmqOption.SNDHWM)).isEqualTo(7);
        }
        f.setMaxMessageSize(4096L);
        try (Socket s = f.settings().open(peers, null)) {
            assertThat(s.getOption(ZmqOption.MAXMSGSIZE)).isEqualTo(4096L);
        }
        ZmqManagedConnectionFactory g = mcf("PUSH");
        g.setBind(false);
        g.setEndpoints("tcp://127.0.0.1:1");
        g.setMaxMessageSize(4096L);
        g.setOptions("IMMEDIATE=true,sndhwm=7");
        assertThat(g).isEqualTo(f).hasSameHashCodeAs(f);
        g.setOptions("IMMEDIATE=true");
        assertThat(g).isNotEqualTo(f);
        f.setOptions("NOPE=1");
        assertThatThrownBy(f::settings).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("options")
                .hasMessageContaining("NOPE");
        f.setOptions("RCVHWM=-5");
        assertThatThrownBy(f::settings).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("options")
                .hasMessageContaining("RCVHWM");
    }
}
