package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness gate against libzmq 4.3.4: a zconn PUB waits with {@code awaitPeers} for three
 * libzmq SUBs (each in its own process) to subscribe, then publishes; every SUB receives the
 * first message onwards, none lost — the slow joiner answered without sleeping. Once with the
 * PUB bound and the SUBs connecting; the other way round is disabled (see its reason).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LibzmqAwaitPeersInteropTest {
    private static final int SUBSCRIBERS = 3;
    private static final int MESSAGES = 200;
    private static final Duration GATE = Duration.ofSeconds(10);
    private final List<LibzmqPeer> peers = new ArrayList<>();
    private Context ctx;

    @BeforeEach
    void start() {
        ctx = new Context();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            LibzmqPeer p = LibzmqPeer.start();
            peers.add(p);
            p.call("socket s SUB");
            p.call("opt s SUBSCRIBE hex " + hex("#"));
        }
    }

    @AfterEach
    void stop() {
        peers.forEach(LibzmqPeer::close);
        ctx.close();
    }

    @Test
    void boundPubLosesNoMessageToConnectingLibzmqSubsAfterTheGate() {
        Socket pub = ctx.socket(SocketType.PUB);
        pub.bind("tcp://127.0.0.1:*");
        String ep = pub.getOption(ZmqOption.LAST_ENDPOINT);
        for (LibzmqPeer p : peers) {
            p.call("connect s " + ep);
        }
        publishAfterGateAndCheckEverySubscriber(pub);
    }

    @Test
    @Disabled("libzmq 4.3.4: a bound SUB did not send its subscription to a connecting peer until that peer sent"
            + " something (seen with pyzmq alone: a connecting XPUB polled 3 s for it in vain); the gate then stays"
            + " shut (peers 0 after 10 s), while zconn SUBs that bind pass (AwaitPeersTest)")
    void connectingPubLosesNoMessageToBoundLibzmqSubsAfterTheGate() {
        Socket pub = ctx.socket(SocketType.PUB);
        for (LibzmqPeer p : peers) {
            pub.connect(p.call("bind s tcp://127.0.0.1:*"));
        }
        publishAfterGateAndCheckEverySubscriber(pub);
    }

    private void publishAfterGateAndCheckEverySubscriber(Socket pub) {
        boolean open = pub.awaitPeers(SUBSCRIBERS, GATE);
        assertThat(open).as("all %d libzmq SUBs subscribed within %s (peers %d)", SUBSCRIBERS, GATE, pub.peers())
                .isTrue();
        for (int i = 0; i < MESSAGES; i++) {
            pub.send("#" + i);
        }
        for (int s = 0; s < SUBSCRIBERS; s++) {
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(peers.get(s).call("recv s 5000")).as("SUB %d, message #%d", s, i).isEqualTo(hex("#" + i));
            }
        }
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
