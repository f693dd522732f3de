package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.NetworkInterface;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tcp options libzmq applies to its sockets (TOS, TCP_MAXRT, CONNECT_TIMEOUT, BINDTODEVICE),
 * read back from the listening, accepted and connecting sockets; and what the NIO fallback does
 * with the ones it cannot honour.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A PULL bound in {@code server} and a PUSH of {@code client} connected to it, one message through. */
    private static void connect(Socket pull, Socket push) {
        pull.bind("tcp://127.0.0.1:*");
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        push.send("hi");
        Frame f = pull.recvFrame(WAIT);
        assertThat(f).isNotNull();
        assertThat(f.text()).isEqualTo("hi");
    }

    private static List<Channel> connections(Context ctx) throws ReflectiveOperationException {
        return IoLoopFailureTest.transportOf(ctx).channels().stream().filter(c -> !(c instanceof ServerChannel)).toList();
    }

    private static Channel listener(Context ctx) throws ReflectiveOperationException {
        return IoLoopFailureTest.transportOf(ctx).channels().stream().filter(c -> c instanceof ServerChannel)
                .findFirst().orElseThrow();
    }

    @Test
    void tosIsSetOnListeningAcceptedAndConnectingSockets() throws Exception {
        try (Context server = new Context(); Context client = new Context()) {
            Socket pull = server.socket(SocketType.PULL);
            pull.setOption(ZmqOption.TOS, 0x28);
            Socket push = client.socket(SocketType.PUSH);
            push.setOption(ZmqOption.TOS, 0xb8);
            connect(pull, push);
            assertThat(listener(server).config().getOption(TcpOptions.IP_TOS)).isEqualTo(0x28);
            assertThat(connections(server)).singleElement()
                    .satisfies(c -> assertThat(c.config().getOption(ChannelOption.IP_TOS)).isEqualTo(0x28));
            assertThat(connections(client)).singleElement()
                    .satisfies(c -> assertThat(c.config().getOption(ChannelOption.IP_TOS)).isEqualTo(0xb8));
        }
    }

    @Test
    void tcpMaxrtBecomesTcpUserTimeoutAndConnectTimeoutTheConnectTimeout() throws Exception {
        try (Context server = new Context(); Context client = new Context()) {
            Socket pull = server.socket(SocketType.PULL);
            pull.setOption(ZmqOption.TCP_MAXRT, 7000);
            Socket push = client.socket(SocketType.PUSH);
            push.setOption(ZmqOption.TCP_MAXRT, 3000);
            push.setOption(ZmqOption.CONNECT_TIMEOUT, 1500);
            connect(pull, push);
            assertThat(connections(server)).singleElement().satisfies(c ->
                    assertThat(c.config().getOption(EpollChannelOption.TCP_USER_TIMEOUT)).isEqualTo(7000));
            assertThat(connections(client)).singleElement().satisfies(c -> {
                assertThat(c).isInstanceOf(EpollSocketChannel.class);
                assertThat(c.config().getOption(EpollChannelOption.TCP_USER_TIMEOUT)).isEqualTo(3000);
                assertThat(c.config().getConnectTimeoutMillis()).isEqualTo(1500);
            });
        }
    }

    @Test
    void defaultsLeaveTheOsDefaults() throws Exception {
        try (Context server = new Context(); Context client = new Context()) {
            Socket pull = server.socket(SocketType.PULL);
            Socket push = client.socket(SocketType.PUSH);
            assertThat(push.getOption(ZmqOption.CONNECT_TIMEOUT)).isZero();
            assertThat(push.getOption(ZmqOption.TCP_MAXRT)).isZero();
            assertThat(push.getOption(ZmqOption.TOS)).isZero();
            assertThat(push.getOption(ZmqOption.BINDTODEVICE)).isEmpty();
            connect(pull, push);
            for (Channel c : List.of(connections(server).get(0), connections(client).get(0))) {
                assertThat(c.config().getOption(EpollChannelOption.TCP_USER_TIMEOUT)).isZero();
                assertThat(c.config().getOption(ChannelOption.IP_TOS)).isZero();
            }
            assertThat(connections(client)).singleElement().satisfies(c ->
                    assertThat(c.config().getConnectTimeoutMillis()).as("no timer of our own: the OS's").isZero());
        }
    }

    @Test
    void connectTimeoutAbandonsAnUnansweredAttemptAndRetries() throws Exception {
        // a listener whose accept queue is full drops SYNs: a local black hole
        try (java.nio.channels.ServerSocketChannel hole = java.nio.channels.ServerSocketChannel.open();
             Context ctx = new Context()) {
            hole.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1);
            List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.nio.channels.SocketChannel f = java.nio.channels.SocketChannel.open();
                    f.configureBlocking(false);
                    f.connect(hole.getLocalAddress());
                    fillers.add(f);
                }
                Socket push = ctx.socket(SocketType.PUSH);
                push.setOption(ZmqOption.CONNECT_TIMEOUT, 300);
                push.setOption(ZmqOption.RECONNECT_IVL, 50);
                push.connect("tcp://127.0.0.1:" + ((java.net.InetSocketAddress) hole.getLocalAddress()).getPort());
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !connections(ctx).isEmpty());
                Channel first = connections(ctx).get(0);
                org.junit.jupiter.api.Assumptions.assumeFalse(first.isActive(), "the kernel answered: no black hole here");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !first.isOpen());
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3))
                        .until(() -> connections(ctx).stream().anyMatch(c -> c != first));
            } finally {
                for (java.nio.channels.SocketChannel f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void bindToDeviceBindsListenerAndConnectionToTheDevice() throws Exception {
        try (Context server = new Context(); Context client = new Context()) {
            Socket pull = server.socket(SocketType.PULL);
            pull.setOption(ZmqOption.BINDTODEVICE, "lo");
            Socket push = client.socket(SocketType.PUSH);
            push.setOption(ZmqOption.BINDTODEVICE, "lo");
            connect(pull, push);
            assertThat(TcpOptions.deviceName(listener(server).config().getOption(TcpOptions.SO_BINDTODEVICE)))
                    .isEqualTo("lo");
            assertThat(connections(client)).singleElement().satisfies(c ->
                    assertThat(TcpOptions.deviceName(c.config().getOption(TcpOptions.SO_BINDTODEVICE))).isEqualTo("lo"));
        }
    }

    @Test
    void aListenerBoundToAnotherDeviceIsNotReachedOverLoopback() throws Exception {
        String other = NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .map(NetworkInterface::getName).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no network device other than loopback");
        try (Context server = new Context(); Context client = new Context()) {
            Socket pull = server.socket(SocketType.PULL);
            pull.setOption(ZmqOption.BINDTODEVICE, other);
            pull.bind("tcp://127.0.0.1:*");
            Socket push = client.socket(SocketType.PUSH);
            push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
            push.send("never");
            assertThat(pull.recvFrame(Duration.ofMillis(500))).as("loopback packets do not reach a socket bound to " + other)
                    .isNull();
        }
    }

    @Test
    void anUnknownDeviceIsRefusedAtBindAndConnect() {
        try (Context ctx = new Context()) {
            Socket s = ctx.socket(SocketType.PULL);
            s.setOption(ZmqOption.BINDTODEVICE, "nosuchdev0");
            assertThatThrownBy(() -> s.bind("tcp://127.0.0.1:*"))
                    .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
            assertThatThrownBy(() -> s.connect("tcp://127.0.0.1:5555"))
                    .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
            assertThatThrownBy(() -> s.setOption(ZmqOption.BINDTODEVICE, "a-name-far-too-long"))
                    .isInstanceOf(ZmqException.class);
        }
    }

    @Test
    void theNioFallbackSetsTosRefusesBindToDeviceAndWarnsAboutTcpMaxrt() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(StreamTransport.class.getName());
        log.addHandler(capture);
        try (Context ctx = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.setOption(ZmqOption.TOS, 0x28);
            pull.setOption(ZmqOption.TCP_MAXRT, 5000);
            System.setProperty("io.zconn.noEpoll", "true");
            try {
                pull.bind("tcp://127.0.0.1:*"); // the transport is made now: NIO
            } finally {
                System.clearProperty("io.zconn.noEpoll");
            }
            Socket push = ctx.socket(SocketType.PUSH);
            push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
            push.send("hi");
            assertThat(pull.recvFrame(WAIT)).isNotNull();
            assertThat(warnings).anySatisfy(r -> assertThat(r.getMessage()).contains("TCP_MAXRT is ignored"));
            assertThat(connections(ctx)).allSatisfy(c -> assertThat(c).isInstanceOf(NioSocketChannel.class));
            assertThat(connections(ctx)).anySatisfy(c -> assertThat(c.config().getOption(ChannelOption.IP_TOS)).isEqualTo(0x28));
            Socket bound = ctx.socket(SocketType.PULL);
            bound.setOption(ZmqOption.BINDTODEVICE, "lo");
            assertThatThrownBy(() -> bound.bind("tcp://127.0.0.1:*"))
                    .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTSUP));
        } finally {
            log.removeHandler(capture);
        }
    }
}
