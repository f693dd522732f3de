package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Poller;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The read-only options of zmq_getsockopt: EVENTS (POLLIN/POLLOUT as ZMQ_EVENTS reports them),
 * TYPE, RCVMORE, LAST_ENDPOINT, MECHANISM and THREAD_SAFE; none of them can be set.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadOnlyOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void eventsFollowWhatPushAndPullCanDoNow() {
        Socket push = ctx.socket(SocketType.PUSH);
        Socket pull = ctx.socket(SocketType.PULL);
        assertThat(push.getOption(ZmqOption.EVENTS)).as("a PUSH without peers cannot send").isZero();
        assertThat(pull.getOption(ZmqOption.EVENTS)).as("nothing to receive").isZero();
        pull.bind("inproc://events");
        push.connect("inproc://events");
        assertThat(push.getOption(ZmqOption.EVENTS)).isEqualTo(Poller.POLLOUT);
        push.send("a");
        await().atMost(WAIT).until(() -> pull.getOption(ZmqOption.EVENTS) == Poller.POLLIN);
        pull.recvFrame();
        assertThat(pull.getOption(ZmqOption.EVENTS)).isZero();
    }

    @Test
    void eventsFollowTheReqStateMachineOverTcp() {
        Socket rep = ctx.socket(SocketType.REP);
        rep.bind("tcp://127.0.0.1:*");
        Socket req = ctx.socket(SocketType.REQ);
        req.connect(rep.getOption(ZmqOption.LAST_ENDPOINT));
        await().atMost(WAIT).until(() -> req.getOption(ZmqOption.EVENTS) == Poller.POLLOUT);
        req.send("ping");
        assertThat(req.getOption(ZmqOption.EVENTS) & Poller.POLLOUT).as("a REQ awaiting its reply cannot send").isZero();
        await().atMost(WAIT).until(() -> rep.getOption(ZmqOption.EVENTS) == Poller.POLLIN);
        assertThat(rep.recvString()).isEqualTo("ping");
        assertThat(rep.getOption(ZmqOption.EVENTS)).as("a REP owes its reply").isEqualTo(Poller.POLLOUT);
        rep.send("pong");
        await().atMost(WAIT).until(() -> req.getOption(ZmqOption.EVENTS) == Poller.POLLIN);
        assertThat(req.recvString()).isEqualTo("pong");
        assertThat(req.getOption(ZmqOption.EVENTS)).isEqualTo(Poller.POLLOUT);
    }

    @Test
    void typeRcvmoreLastEndpointMechanismAndThreadSafeAreReported() {
        Socket pull = ctx.socket(SocketType.PULL);
        assertThat(pull.getOption(ZmqOption.TYPE)).isEqualTo(SocketType.PULL);
        assertThat(pull.getOption(ZmqOption.MECHANISM)).isEqualTo("NULL");
        assertThat(pull.getOption(ZmqOption.THREAD_SAFE)).isTrue();
        assertThat(pull.getOption(ZmqOption.LAST_ENDPOINT)).isEmpty();
        pull.bind("inproc://ro");
        assertThat(pull.getOption(ZmqOption.LAST_ENDPOINT)).isEqualTo("inproc://ro");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("inproc://ro");
        push.sendMore("a");
        push.send("b");
        pull.recvFrame(WAIT);
        assertThat(pull.getOption(ZmqOption.RCVMORE)).isTrue();
        pull.recvFrame(WAIT);
        assertThat(pull.getOption(ZmqOption.RCVMORE)).isFalse();
        assertThat(ZmqOption.forName("ZMQ_MECHANISM")).isSameAs(ZmqOption.MECHANISM);
        assertThat(ZmqOption.forName("thread_safe")).isSameAs(ZmqOption.THREAD_SAFE);
    }

    @Test
    void readOnlyOptionsCannotBeSet() {
        Socket s = ctx.socket(SocketType.DEALER);
        for (ZmqOption<?> o : List.of(ZmqOption.EVENTS, ZmqOption.TYPE, ZmqOption.RCVMORE, ZmqOption.LAST_ENDPOINT,
                ZmqOption.MECHANISM, ZmqOption.THREAD_SAFE)) {
            assertThat(o.access()).isEqualTo(ZmqOption.Access.READ_ONLY);
            assertThatThrownBy(() -> setRaw(s, o, o.defaultValue()))
                    .isInstanceOfSatisfying(ZmqException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                    .hasMessageContaining(o.name());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void setRaw(Socket s, ZmqOption<T> o, Object v) {
        s.setOption(o, (T) v);
    }
}
