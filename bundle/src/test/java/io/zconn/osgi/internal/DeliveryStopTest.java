package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stuck whiteboard listener must not keep its delivery thread once the socket is closed. */
class DeliveryStopTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger jul = Logger.getLogger("io.zconn.osgi");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(String.valueOf(r.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        jul.addHandler(handler);
    }

    @AfterEach
    void tearDown() {
        jul.removeHandler(handler);
        manager.closeAll();
        context.close();
    }

    @Test
    void closeInterruptsAListenerBlockedInAnInterruptibleWait() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        manager.addListener("stuck", (MessageListener) m -> {
            entered.countDown();
            never.await();
        }, 1, 0);
        manager.open(SocketSpec.builder("stuck", SocketType.PULL).bind("inproc://d-stuck").build(),
                SocketManager.FROM_CONFIGURATION);
        try (Socket push = context.socket(SocketType.PUSH)) {
            push.connect("inproc://d-stuck");
            push.send("block");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            manager.close("stuck");
            assertThat(deliveryThreads()).as("no thread once close returned").isEmpty();
        }
        assertThat(logged).anyMatch(s -> s.startsWith("ZCONN-133"));
        assertThat(logged).noneMatch(s -> s.startsWith("ZCONN-134"));
    }

    @Test
    void aListenerIgnoringInterruptsIsReportedAndItsThreadEndsWhenItReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        manager.addListener("deaf", (MessageListener) m -> {
            calls.incrementAndGet();
            entered.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a badly behaved listener
                }
            }
        }, 1, 0);
        manager.open(SocketSpec.builder("deaf", SocketType.PULL).bind("inproc://d-deaf").build(),
                SocketManager.FROM_CONFIGURATION);
        try (Socket push = context.socket(SocketType.PUSH)) {
            push.connect("inproc://d-deaf");
            push.send("first");
            push.send("second");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            manager.close("deaf");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(tookMs).as("close is bounded").isLessThan(Delivery.GRACE_MS + Delivery.INTERRUPT_WAIT_MS + 2000);
            assertThat(logged).anyMatch(s -> s.startsWith("ZCONN-133"));
            assertThat(logged).anyMatch(s -> s.startsWith("ZCONN-134") && s.contains("zconn-delivery-deaf"));
            release.countDown();
            await().atMost(WAIT).until(() -> deliveryThreads().isEmpty());
            assertThat(calls).as("nothing delivered after stop").hasValue(1);
        }
    }

    private static List<String> deliveryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("zconn-delivery-")).toList();
    }
}
