package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A failure on an I/O thread never goes unnoticed: a task's {@code Error} is logged at ERROR and
 * the loop goes on serving; a loop thread that dies all the same terminates the context loudly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoLoopFailureTest {
    /** The error the tests inject; nothing else throws it. */
    static final class InjectedError extends Error {
        InjectedError() {
            super("injected by IoLoopFailureTest");
        }
    }

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger zconnLog = Logger.getLogger(StreamTransport.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** Netty's loggers, made to fail as they did when descriptors were exhausted. */
    private final List<Logger> nettyLogs = List.of(
            Logger.getLogger("io.netty.util.concurrent.AbstractEventExecutor"),
            Logger.getLogger("io.netty.util.concurrent.SingleThreadEventExecutor"));
    private final Handler failing = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() instanceof InjectedError) {
                throw new NoClassDefFoundError("logging failed (simulated: no descriptor left to load a class)");
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        zconnLog.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        zconnLog.removeHandler(capture);
        nettyLogs.forEach(l -> l.removeHandler(failing));
    }

    static StreamTransport transportOf(Context context) throws ReflectiveOperationException {
        Field c = Context.class.getDeclaredField("ctx");
        c.setAccessible(true);
        Field s = Ctx.class.getDeclaredField("streams");
        s.setAccessible(true);
        return (StreamTransport) s.get(c.get(context));
    }

    private boolean loggedAtError(Class<? extends Throwable> type, String text) {
        return records.stream().anyMatch(r -> Level.SEVERE.equals(r.getLevel())
                && type.isInstance(r.getThrown()) && r.getMessage().contains(text));
    }

    private static long zconnIoThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).filter(t -> t.getName().startsWith("zconn-io")).count();
    }

    @Test
    void errorInALoopTaskIsLoggedAndTheContextStillAcceptsAndHandshakes() throws Exception {
        try (Context ctx = Context.builder().ioThreads(2).build(); Context other = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("tcp://127.0.0.1:*");
            String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
            StreamTransport t = transportOf(ctx);
            for (EventExecutor loop : t.group()) {
                loop.execute(() -> {
                    throw new InjectedError();
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> records.stream()
                    .filter(r -> r.getThrown() instanceof InjectedError && Level.SEVERE.equals(r.getLevel())).count() == 2);
            // both loops still accept and complete handshakes
            for (int i = 0; i < 4; i++) {
                Socket push = other.socket(SocketType.PUSH);
                push.connect(ep);
                push.send("after " + i);
                Frame f = pull.recvFrame(Duration.ofSeconds(10));
                assertThat(f).isNotNull();
                assertThat(f.text()).isEqualTo("after " + i);
            }
            assertThat(t.failure()).isNull();
            assertThat(ctx.isClosed()).isFalse();
        }
    }

    @Test
    void errorIsReportedOnStandardErrorWhenLoggingItselfFails() throws Exception {
        zconnLog.addHandler(failing);
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try (Context ctx = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("tcp://127.0.0.1:*");
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            transportOf(ctx).group().next().execute(() -> {
                throw new InjectedError();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> err.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .contains("injected by IoLoopFailureTest"));
            System.setErr(realErr);
            assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("[zconn] ERROR", "goes on");
            // the loop survived its own logging failing
            try (Context other = new Context()) {
                Socket push = other.socket(SocketType.PUSH);
                push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
                push.send("still serving");
                assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("still serving");
            }
        } finally {
            System.setErr(realErr);
            zconnLog.removeHandler(failing);
        }
    }

    @Test
    void ioThreadDyingTerminatesTheContextLoudly() throws Exception {
        nettyLogs.forEach(l -> l.addHandler(failing));
        Context ctx = Context.builder().ioThreads(2).build(); // one dies, the other is shut down
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH); // connections on both loops
        push.setOption(ZmqOption.LINGER, -1);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        push.send("before");
        assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("before");
        CompletableFuture<Frame> blocked = CompletableFuture.supplyAsync(pull::recvFrame);
        StreamTransport t = transportOf(ctx);
        // a tail task is run by Netty's own guard, not ours: when its WARN log throws (as under
        // descriptor exhaustion), the error escapes and ends the loop thread
        ((SingleThreadEventLoop) t.serverChannels().get(0).eventLoop()).executeAfterEventLoopIteration(() -> {
            throw new InjectedError();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> t.failure() != null && ctx.isClosed());
        assertThat(loggedAtError(Throwable.class, "died")).isTrue();
        assertThatThrownBy(() -> ctx.socket(SocketType.PUSH))
                .isInstanceOfSatisfying(ZmqException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ETERM);
                    assertThat(e.getMessage()).contains("I/O thread died");
                });
        assertThat(blocked).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ZmqException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.ETERM));
        long t0 = System.nanoTime();
        ctx.close();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(15);
        await().atMost(Duration.ofSeconds(10)).until(() -> zconnIoThreadsAlive() == 0);
    }

    @Test
    void failedAcceptsBackOffAndAreLoggedOnce() throws Exception {
        try (Context ctx = new Context(); Context other = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("tcp://127.0.0.1:*");
            String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
            Channel server = transportOf(ctx).serverChannels().get(0);
            // what the server channel fires when accept(2) fails with EMFILE
            server.eventLoop().submit(() -> {
                for (int i = 0; i < 50; i++) {
                    server.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThat(server.config().isAutoRead()).isFalse(); // paused: no hot loop
            assertThat(records.stream().filter(r -> Level.SEVERE.equals(r.getLevel()))
                    .filter(r -> r.getMessage().contains("cannot accept")).count()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.config().isAutoRead());
            Socket push = other.socket(SocketType.PUSH);
            push.connect(ep);
            push.send("accepted again");
            assertThat(pull.recvFrame(Duration.ofSeconds(10)).text()).isEqualTo("accepted again");
        }
    }
}
