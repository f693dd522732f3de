package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-message metadata both ways with libzmq 4.3.4: zconn reads what a libzmq peer announced
 * (Socket-Type, routing id) and where it is (Peer-Address); libzmq's {@code zmq_msg_gets} (pyzmq
 * {@code Frame.get}) reads the same of zconn, which shows zconn's READY is what libzmq expects.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LibzmqMetadataInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static LibzmqPeer peer;
    private final Context ctx = new Context();

    @BeforeAll
    static void startPeer() {
        peer = LibzmqPeer.start();
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.close();
        }
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String libzmqSocket(String type) {
        String name = "m" + NAMES.incrementAndGet();
        peer.call("socket " + name + " " + type);
        return name;
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the values of the properties, decoded; null for an absent one */
    private static String[] recvMeta(String name, String... properties) {
        String a = peer.call("recvmeta " + name + " 10000 " + String.join(" ", properties));
        assertThat(a).as("libzmq received a message").isNotEqualTo("TIMEOUT");
        String[] v = a.split(" ", -1);
        String[] out = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i].equals("!") ? null : v[i].equals("-") ? ""
                    : new String(HexFormat.of().parseHex(v[i]), StandardCharsets.UTF_8);
        }
        return out;
    }

    private static Path ipcPath() {
        return Path.of(System.getProperty("java.io.tmpdir"), "zconn-meta-" + UUID.randomUUID() + ".sock");
    }

    @Test
    void zconnReadsWhatALibzmqDealerAnnouncedOverTcp() {
        Socket router = ctx.socket(SocketType.ROUTER);
        router.bind("tcp://127.0.0.1:*");
        String dealer = libzmqSocket("DEALER");
        peer.call("opt " + dealer + " ROUTING_ID hex " + hex("py-dealer"));
        peer.call("connect " + dealer + " " + router.getOption(ZmqOption.LAST_ENDPOINT));
        peer.call("send " + dealer + " " + hex("hello"));
        Message m = router.recvMessage(WAIT);
        assertThat(m).isNotNull();
        assertThat(m.property(PeerMetadata.SOCKET_TYPE)).contains("DEALER");
        assertThat(m.property(PeerMetadata.ROUTING_ID)).contains("py-dealer");
        assertThat(m.property(PeerMetadata.PEER_ADDRESS)).contains("127.0.0.1");
        assertThat(m.property(PeerMetadata.USER_ID)).isEmpty();
        peer.call("close " + dealer);
    }

    @Test
    void zconnReadsTheLibzmqPeerProcessOverIpc() throws IOException {
        Path path = ipcPath();
        try {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("ipc://" + path);
            String push = libzmqSocket("PUSH");
            peer.call("connect " + push + " ipc://" + path);
            peer.call("send " + push + " " + hex("hi"));
            Message m = pull.recvMessage(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.property(PeerMetadata.SOCKET_TYPE)).contains("PUSH");
            assertThat(m.property(PeerMetadata.PEER_ADDRESS)).get().asString()
                    .matches("localhost:\\d+:\\d+:\\d+")
                    .doesNotEndWith(":" + ProcessHandle.current().pid());
            peer.call("close " + push);
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void libzmqReadsWhatAZconnDealerAnnouncedOverTcp() {
        String router = libzmqSocket("ROUTER");
        String ep = peer.call("bind " + router + " tcp://127.0.0.1:*");
        Socket dealer = ctx.socket(SocketType.DEALER);
        dealer.setOption(ZmqOption.ROUTING_ID, "zconn-dealer".getBytes(StandardCharsets.UTF_8));
        dealer.connect(ep);
        dealer.send("hello");
        String[] v = recvMeta(router, "Socket-Type", "Identity", "Peer-Address", "User-Id");
        assertThat(v).containsExactly("DEALER", "zconn-dealer", "127.0.0.1", null);
        peer.call("close " + router);
    }

    @Test
    void libzmqSeesAnEmptyIdentityFromAZconnDealerWithoutOneAsFromItsOwn() {
        String a = libzmqSocket("DEALER");
        String ep = peer.call("bind " + a + " tcp://127.0.0.1:*");
        Socket zconn = ctx.socket(SocketType.DEALER);
        zconn.connect(ep);
        zconn.send("x");
        String[] fromZconn = recvMeta(a, "Socket-Type", "Identity");
        String b = libzmqSocket("DEALER");
        peer.call("connect " + b + " " + ep);
        peer.call("send " + b + " " + hex("y"));
        String[] fromLibzmq = recvMeta(a, "Socket-Type", "Identity");
        assertThat(fromZconn).containsExactly(fromLibzmq).containsExactly("DEALER", "");
        peer.call("close " + b);
        peer.call("close " + a);
    }

    @Test
    void libzmqReadsThisProcessAsTheIpcPeer() throws IOException {
        Path path = ipcPath();
        try {
            String pull = libzmqSocket("PULL");
            peer.call("bind " + pull + " ipc://" + path);
            Socket push = ctx.socket(SocketType.PUSH);
            push.connect("ipc://" + path);
            push.send("hi");
            String[] v = recvMeta(pull, "Socket-Type", "Peer-Address");
            assertThat(v[0]).isEqualTo("PUSH");
            assertThat(v[1]).matches("localhost:\\d+:\\d+:" + ProcessHandle.current().pid());
            peer.call("close " + pull);
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
