package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.LogCapture;
import io.zconn.ra.TestBootstrap;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.WorkManagerExecutor;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.support.Inbox;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every message an activation takes from its socket is delivered, dead-lettered, or counted and
 * logged as dropped; deactivation drains, and no listener invocation starts after it returned.
 * Activations are built directly (no adapter) so that inproc peers share their engine context.
 */
class NoLossTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final TestBootstrap bootstrap = new TestBootstrap();
    private final WorkManagerExecutor executor = new WorkManagerExecutor(bootstrap, "test");
    private final Context context = new Context();
    private final List<ZmqActivation> activations = new ArrayList<>();
    private final LogCapture log = new LogCapture();

    @AfterEach
    void tearDown() throws Exception {
        for (ZmqActivation a : activations) {
            a.stop();
        }
        context.close();
        log.close();
        bootstrap.shutdown();
    }

    /** A bean forwarding to a test's lambda. */
    public static class Hook implements ZmqMessageListener {
        private final ZmqMessageListener target;

        Hook(ZmqMessageListener target) {
            this.target = target;
        }

        @Override
        public void onMessage(ZmqMessage message) {
            target.onMessage(message);
        }
    }

    private static String inproc() {
        return "inproc://noloss-" + NAMES.incrementAndGet();
    }

    private static ZmqActivationSpec spec(String endpoint) {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType("PULL");
        s.setEndpoints(endpoint);
        s.setBind(true);
        s.setRetryInterval(1);
        return s;
    }

    private static TestEndpointFactory factory(ZmqMessageListener l) {
        return new TestEndpointFactory(Hook.class, () -> new Hook(l), false, ZmqMessageListener.class);
    }

    private ZmqActivation start(TestEndpointFactory f, ZmqActivationSpec s, long shutdownMs,
                                UnaryOperator<Inbox> wrap, long backoffMs, long backoffMaxMs)
            throws Exception {
        s.validate();
        ZmqActivation a = new ZmqActivation(context, executor, f, s, shutdownMs);
        if (wrap != null) {
            a.wrapReceiver(wrap);
        }
        a.backoffInitialMs = backoffMs;
        a.backoffMaxMs = backoffMaxMs;
        a.start();
        activations.add(a);
        return a;
    }

    private ZmqActivation start(TestEndpointFactory f, ZmqActivationSpec s, long shutdownMs) throws Exception {
        return start(f, s, shutdownMs, null, 100, 30_000);
    }

    private Socket pusher(String endpoint) {
        Socket push = context.socket(SocketType.PUSH);
        push.connect(endpoint);
        return push;
    }

    @Test
    void aDeadLetterThatCannotBeSentIsCountedAndLogged(@TempDir Path dir) throws Exception {
        String ep = inproc();
        ZmqActivationSpec s = spec(ep);
        s.setMaxRetries(0);
        s.setDeadLetterEndpoint("ipc://" + dir.resolve("nobody-listens.sock"));
        ZmqActivation a = start(factory(m -> {
            throw new IllegalStateException("always");
        }), s, 5000);
        try (Socket push = pusher(ep)) {
            push.send("poison");
            await().atMost(WAIT).until(() -> a.droppedCount() == 1);
        }
        assertThat(a.failedCount()).isEqualTo(1);
        assertThat(a.deadLetteredCount()).isZero();
        // the message is counted, then logged, on the delivery thread: wait for the line
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0040") >= 1);
        assertThat(log.count("ZCONNRA0040")).isEqualTo(1);
    }

    @Test
    void aDeliveryTheWorkManagerRefusesIsDeadLettered() throws Exception {
        String ep = inproc();
        String dlEp = inproc();
        try (Socket dl = context.socket(SocketType.PULL)) {
            dl.bind(dlEp);
            ZmqActivationSpec s = spec(ep);
            s.setDeadLetterEndpoint(dlEp);
            List<ZmqMessage> got = new CopyOnWriteArrayList<>();
            ZmqActivation a = start(factory(got::add), s, 5000);
            bootstrap.rejectScheduledWork = true;
            try (Socket push = pusher(ep)) {
                push.send("refused");
                Message dead = dl.recvMessage(WAIT);
                assertThat(dead).isNotNull();
                assertThat(dead.get(0).text()).isEqualTo("refused");
                await().atMost(WAIT).until(() -> a.deadLetteredCount() == 1);
                assertThat(a.failedCount()).isEqualTo(1);
                bootstrap.rejectScheduledWork = false;
                push.send("accepted");
                await().atMost(WAIT).until(() -> a.deliveredCount() == 1);
            }
            assertThat(got).extracting(ZmqMessage::text).containsExactly("accepted");
        }
    }

    @Test
    void aDeliveryTheWorkManagerRejectsAfterAcceptingIsCountedAndLogged() throws Exception {
        String ep = inproc();
        ZmqActivationSpec s = spec(ep);
        s.setMaxConcurrentDeliveries(1);
        ZmqActivation a = start(factory(m -> { }), s, 5000);
        bootstrap.rejectScheduledWorkLater = true;
        try (Socket push = pusher(ep)) {
            push.send("one");
            push.send("two");
            // the permit comes back with the rejection, else the second message would wait forever
            await().atMost(WAIT).until(() -> a.droppedCount() == 2);
        }
        assertThat(a.failedCount()).isEqualTo(2);
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0041") >= 2);
        assertThat(log.count("ZCONNRA0041")).isEqualTo(2);
        assertThat(executor.running()).as("rejected work is not counted as running").isEqualTo(1);
    }

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {false, true})
    void deactivationDeliversWhatWasAlreadyReceived(boolean ordered) throws Exception {
        String ep = inproc();
        ZmqActivationSpec s = spec(ep);
        s.setOrderedDelivery(ordered);
        s.setMaxConcurrentDeliveries(1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> got = new CopyOnWriteArrayList<>();
        ZmqActivation a = start(factory(m -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(m.text());
        }), s, 10_000);
        try (Socket push = pusher(ep)) {
            for (int i = 0; i < 20; i++) {
                push.send("m" + i);
            }
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            Thread stopper = new Thread(a::stop, "stopper");
            stopper.start();
            await().atMost(WAIT).until(a::isStopping);
            release.countDown();
            stopper.join(WAIT.toMillis());
            assertThat(stopper.isAlive()).isFalse();
        }
        assertThat(got).hasSize(20);
        assertThat(a.receivedCount()).isEqualTo(20);
        assertThat(a.deliveredCount()).isEqualTo(20);
        assertThat(a.failedCount()).isZero();
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0042") >= 1);
        assertThat(log.count("ZCONNRA0042")).isEqualTo(1);
    }

    @Test
    void whatCannotBeDeliveredBeforeTheShutdownTimeoutIsDeadLettered() throws Exception {
        String ep = inproc();
        String dlEp = inproc();
        AtomicInteger invocations = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Socket dl = context.socket(SocketType.PULL)) {
            dl.bind(dlEp);
            ZmqActivationSpec s = spec(ep);
            s.setOrderedDelivery(true);
            s.setDeadLetterEndpoint(dlEp);
            ZmqActivation a = start(factory(m -> {
                invocations.incrementAndGet();
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), s, 300);
            try (Socket push = pusher(ep)) {
                for (int i = 0; i < 20; i++) {
                    push.send("m" + i);
                }
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
                long t0 = System.nanoTime();
                a.stop();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(300 + 3_500);
            }
            for (int i = 1; i < 20; i++) {
                Message m = dl.recvMessage(WAIT);
                assertThat(m).isNotNull();
                assertThat(m.get(0).text()).isEqualTo("m" + i);
            }
            await().atMost(WAIT).until(() -> a.deadLetteredCount() == 19);
            await().atMost(WAIT).until(() -> log.count("ZCONNRA0044") >= 1);
            assertThat(log.count("ZCONNRA0044")).as("the stuck invocation is reported").isEqualTo(1);
            release.countDown();
            await().atMost(WAIT).until(() -> a.deliveredCount() == 1);
            assertThat(invocations).hasValue(1);
            assertThat(a.receivedCount()).isEqualTo(a.deliveredCount() + a.failedCount());
            assertThat(a.failedCount()).isEqualTo(a.deadLetteredCount() + a.droppedCount());
        }
    }

    @Test
    void noInvocationStartsAfterDeactivationReturned() throws Exception {
        String ep = inproc();
        ZmqActivationSpec s = spec(ep);
        s.setMaxRetries(3);
        s.setRetryInterval(1500);
        AtomicInteger invocations = new AtomicInteger();
        TestEndpointFactory f = factory(m -> {
            invocations.incrementAndGet();
            throw new IllegalStateException("fails");
        });
        ZmqActivation a = start(f, s, 200);
        try (Socket push = pusher(ep)) {
            push.send("retried");
            await().atMost(WAIT).until(() -> invocations.get() == 1);
        }
        a.stop();
        int atReturn = invocations.get();
        assertThat(atReturn).as("the retry due after the shutdown timeout did not start").isEqualTo(1);
        assertThat(a.droppedCount()).as("the retry that did not start is counted").isEqualTo(1);
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0041") >= 1);
        assertThat(log.count("ZCONNRA0041")).isEqualTo(1);
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> invocations.get() == atReturn);
        long created = f.events.stream().filter("invoke"::equals).count();
        assertThat(f.events.stream().filter("release"::equals).count()).isEqualTo(created);
    }

    @Test
    void theReceiveLoopSurvivesAnyExceptionWithExponentialBackoffAndOneLinePerStreak() throws Exception {
        String ep = inproc();
        List<Long> calls = new CopyOnWriteArrayList<>();
        List<Throwable> faults = new CopyOnWriteArrayList<>(List.of(new IllegalStateException("bug"),
                new AssertionError("assert"), new ZmqException(Errno.EPROTO, "engine"), new NullPointerException()));
        UnaryOperator<Inbox> wrap = real -> timeout -> {
            if (!faults.isEmpty()) {
                calls.add(System.nanoTime());
                Throwable t = faults.remove(0);
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
            return real.receive(timeout);
        };
        List<String> got = new CopyOnWriteArrayList<>();
        ZmqActivation a = start(factory(m -> got.add(m.text())), spec(ep), 5000, wrap, 20, 50);
        try (Socket push = pusher(ep)) {
            push.send("after the storm");
            await().atMost(WAIT).until(() -> a.deliveredCount() == 1);
        }
        assertThat(got).containsExactly("after the storm");
        assertThat(a.isFailed()).isFalse();
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0015") >= 1);
        assertThat(log.count("ZCONNRA0015")).as("one line for the streak").isEqualTo(1);
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0019") >= 1);
        assertThat(log.count("ZCONNRA0019")).as("one line when it recovered").isEqualTo(1);
        long[] expected = {20, 40, 50};
        for (int i = 0; i < expected.length; i++) {
            long gapMs = TimeUnit.NANOSECONDS.toMillis(calls.get(i + 1) - calls.get(i));
            assertThat(gapMs).as("pause after failure %d", i + 1).isGreaterThanOrEqualTo(expected[i] - 1);
        }
    }

    @Test
    void aFatalErrorMarksTheActivationFailedLoudly() throws Exception {
        String ep = inproc();
        AtomicInteger calls = new AtomicInteger();
        UnaryOperator<Inbox> wrap = real -> timeout -> {
            if (calls.incrementAndGet() == 1) {
                throw new InternalError("simulated fatal error");
            }
            return real.receive(timeout);
        };
        ZmqActivation a = start(factory(m -> { }), spec(ep), 1000, wrap, 20, 50);
        await().dontCatchUncaughtExceptions().atMost(WAIT).until(a::isFailed);
        await().atMost(WAIT).until(() -> log.count("ZCONNRA0043") >= 1);
        assertThat(log.count("ZCONNRA0043")).isEqualTo(1);
    }

    @Test
    void maxMessageSizeDefaultsToOneMebibyteAndOptionsReachTheSocket() throws Exception {
        ZmqActivationSpec s = spec(inproc());
        s.setOptions("tcp_keepalive=1, ZMQ_HEARTBEAT_IVL=5000");
        ZmqActivation a = start(factory(m -> { }), s, 1000);
        assertThat(a.socketOption(ZmqOption.MAXMSGSIZE)).isEqualTo(1_048_576L);
        assertThat(a.socketOption(ZmqOption.TCP_KEEPALIVE)).isEqualTo(1);
        assertThat(a.socketOption(ZmqOption.HEARTBEAT_IVL)).isEqualTo(5000);

        ZmqActivationSpec unlimited = spec(inproc());
        unlimited.setMaxMessageSize(-1L);
        unlimited.setOptions("RCVHWM=10");
        ZmqActivation b = start(factory(m -> { }), unlimited, 1000);
        assertThat(b.socketOption(ZmqOption.MAXMSGSIZE)).isEqualTo(-1L);
        assertThat(b.socketOption(ZmqOption.RCVHWM)).as("options win over the named properties").isEqualTo(10);
    }

    @Test
    void badOptionsAreRefusedNamingTheProperty() {
        ZmqActivationSpec unknown = spec(inproc());
        unknown.setOptions("NO_SUCH_OPTION=1");
        assertThatThrownBy(unknown::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("options").hasMessageContaining("NO_SUCH_OPTION");
        ZmqActivationSpec badValue = spec(inproc());
        badValue.setOptions("SNDHWM=lots");
        assertThatThrownBy(badValue::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("options").hasMessageContaining("SNDHWM");
        ZmqActivationSpec noValue = spec(inproc());
        noValue.setOptions("IMMEDIATE");
        assertThatThrownBy(noValue::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("options").hasMessageContaining("NAME=value");
        ZmqActivationSpec readOnly = spec(inproc());
        readOnly.setOptions("LAST_ENDPOINT=x");
        assertThatThrownBy(readOnly::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("options");
        ZmqActivationSpec tooSmall = spec(inproc());
        tooSmall.setMaxMessageSize(-2L);
        assertThatThrownBy(tooSmall::validate).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("maxMessageSize");
    }
}
