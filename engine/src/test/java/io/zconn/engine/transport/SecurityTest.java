package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** PLAIN and ZAP between zconn sockets over tcp, through the Context's Java handler or an inproc REP. */
@Timeout(60)
class SecurityTest {
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private Socket plainServer(SocketType type) {
        Socket s = ctx.socket(type);
        s.setOption(ZmqOption.PLAIN_SERVER, true);
        s.setOption(ZmqOption.ZAP_DOMAIN, "test");
        s.setOption(ZmqOption.RCVTIMEO, 5000);
        s.bind("tcp://127.0.0.1:*");
        return s;
    }

    private Socket plainClient(SocketType type, String endpoint, String user, String password) {
        Socket c = ctx.socket(type);
        c.setOption(ZmqOption.PLAIN_USERNAME, user);
        c.setOption(ZmqOption.PLAIN_PASSWORD, password);
        c.setOption(ZmqOption.RECONNECT_IVL, 50);
        c.connect(endpoint);
        return c;
    }

    @Test
    void javaZapHandlerAcceptsAClientOffTheIoThread() {
        List<String> threads = new CopyOnWriteArrayList<>();
        List<ZapHandler.Request> requests = new CopyOnWriteArrayList<>();
        ctx.setZapHandler(r -> {
            threads.add(Thread.currentThread().getName());
            requests.add(r);
            return "open sesame".equals(r.password()) ? ZapHandler.Reply.accept(r.username()) : ZapHandler.Reply.deny("no");
        });
        Socket pull = plainServer(SocketType.PULL);
        Socket push = plainClient(SocketType.PUSH, pull.getOption(ZmqOption.LAST_ENDPOINT), "ali", "open sesame");
        push.send("hello");
        assertThat(pull.recvString()).isEqualTo("hello");
        assertThat(threads).singleElement().satisfies(t -> assertThat(t).startsWith("zconn-zap-"));
        ZapHandler.Request r = requests.get(0);
        assertThat(r.domain()).isEqualTo("test");
        assertThat(r.address()).isEqualTo("127.0.0.1");
        assertThat(r.mechanism()).isEqualTo("PLAIN");
        assertThat(r.username()).isEqualTo("ali");
    }

    @Test
    void javaZapHandlerRunsOnTheHostsThreadsWhenTheContextWasGivenSome() {
        List<String> threads = new CopyOnWriteArrayList<>();
        AtomicInteger made = new AtomicInteger();
        try (Context host = Context.builder()
                .threadFactory(r -> {
                    Thread t = new Thread(r, "host-" + made.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                })
                .zapHandler(r -> {
                    threads.add(Thread.currentThread().getName());
                    return ZapHandler.Reply.accept(r.username());
                })
                .build()) {
            Socket pull = host.socket(SocketType.PULL);
            pull.setOption(ZmqOption.PLAIN_SERVER, true);
            pull.setOption(ZmqOption.RCVTIMEO, 5000);
            pull.bind("tcp://127.0.0.1:*");
            Socket push = host.socket(SocketType.PUSH);
            push.setOption(ZmqOption.PLAIN_USERNAME, "ali");
            push.setOption(ZmqOption.PLAIN_PASSWORD, "x");
            push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
            push.send("hello");
            assertThat(pull.recvString()).isEqualTo("hello");
        }
        assertThat(threads).singleElement().satisfies(t -> assertThat(t).startsWith("host-"));
    }

    @Test
    void refusedClientIsAskedOnceAndDoesNotReconnect() {
        AtomicInteger calls = new AtomicInteger();
        ctx.setZapHandler(r -> {
            calls.incrementAndGet();
            return ZapHandler.Reply.deny("wrong password");
        });
        Socket pull = plainServer(SocketType.PULL);
        pull.setOption(ZmqOption.RCVTIMEO, 300);
        plainClient(SocketType.PUSH, pull.getOption(ZmqOption.LAST_ENDPOINT), "ali", "guess");
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        // RECONNECT_IVL is 50 ms: a client that retried would be asked again well within a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> calls.get() == 1);
        assertThatThrownBy(pull::recvString).isInstanceOf(ZmqException.class)
                .satisfies(e -> assertThat(((ZmqException) e).errno()).isEqualTo(Errno.EAGAIN));
    }

    @Test
    void plainServerWithoutAnyZapHandlerRefusesEveryClient() {
        Socket pull = plainServer(SocketType.PULL);
        pull.setOption(ZmqOption.RCVTIMEO, 1000);
        Socket push = plainClient(SocketType.PUSH, pull.getOption(ZmqOption.LAST_ENDPOINT), "ali", "pw");
        push.setOption(ZmqOption.SNDTIMEO, 10_000);
        push.send("hello");
        assertThatThrownBy(pull::recvString).isInstanceOf(ZmqException.class);
        // setting a handler lets the next attempt in (the client reconnects: it was not refused by ZAP)
        ctx.setZapHandler(r -> ZapHandler.Reply.accept("ali"));
        pull.setOption(ZmqOption.RCVTIMEO, 10_000);
        assertThat(pull.recvString()).isEqualTo("hello");
    }

    @Test
    void inprocRepZapHandlerGetsLibzmqStyleRequests() throws Exception {
        Socket zap = ctx.socket(SocketType.REP);
        zap.bind("inproc://zeromq.zap.01");
        zap.setOption(ZmqOption.RCVTIMEO, 10_000);
        Socket pull = plainServer(SocketType.PULL);
        Socket push = plainClient(SocketType.PUSH, pull.getOption(ZmqOption.LAST_ENDPOINT), "carol", "pw1");
        push.send("hi");
        Message req = zap.recvMessage();
        List<String> f = new java.util.ArrayList<>();
        for (Frame fr : req) {
            f.add(fr.text());
        }
        assertThat(f).containsExactly("1.0", f.get(1), "test", "127.0.0.1", "", "PLAIN", "carol", "pw1");
        zap.send(Message.of(new byte[][]{"1.0".getBytes(StandardCharsets.US_ASCII), req.get(1).data(),
                "200".getBytes(StandardCharsets.US_ASCII), "OK".getBytes(StandardCharsets.US_ASCII),
                "carol-uid".getBytes(StandardCharsets.US_ASCII), new byte[0]}));
        assertThat(pull.recvString()).isEqualTo("hi");
    }

    @Test
    void optionsSelectTheMechanismAsLibzmqDoes() {
        Socket s = ctx.socket(SocketType.DEALER);
        assertThat(s.getOption(ZmqOption.MECHANISM)).isEqualTo("NULL");
        s.setOption(ZmqOption.PLAIN_SERVER, true);
        assertThat(s.getOption(ZmqOption.MECHANISM)).isEqualTo("PLAIN");
        s.setOption(ZmqOption.PLAIN_USERNAME, "u");
        assertThat(s.getOption(ZmqOption.MECHANISM)).isEqualTo("PLAIN");
        assertThat(s.getOption(ZmqOption.PLAIN_SERVER)).isFalse();
        s.setOption(ZmqOption.PLAIN_USERNAME, "");
        assertThat(s.getOption(ZmqOption.MECHANISM)).isEqualTo("NULL");
        s.setOption(ZmqOption.PLAIN_SERVER, true);
        s.setOption(ZmqOption.PLAIN_SERVER, false);
        assertThat(s.getOption(ZmqOption.MECHANISM)).isEqualTo("NULL");
        assertThatThrownBy(() -> s.setOption(ZmqOption.MECHANISM, "PLAIN")).isInstanceOf(ZmqException.class);
        assertThat(ZmqOption.forName("ZMQ_PLAIN_PASSWORD")).isSameAs(ZmqOption.PLAIN_PASSWORD);
    }

    @Test
    void plainClientAgainstNullServerIsRefusedCleanly() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVTIMEO, 500);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = plainClient(SocketType.PUSH, pull.getOption(ZmqOption.LAST_ENDPOINT), "u", "p");
        push.setOption(ZmqOption.SNDTIMEO, 100);
        try {
            push.send("x");
        } catch (ZmqException e) {
            // no connection took it: nothing to deliver either way
        }
        assertThatThrownBy(pull::recvString).isInstanceOf(ZmqException.class);
    }
}
