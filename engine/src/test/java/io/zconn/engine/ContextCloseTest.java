package io.zconn.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextCloseTest {

    private static Set<String> zconnThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("zconn"))
                .collect(Collectors.toSet());
    }

    private static long openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static void exchange(Context ctx, String transportEp) {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind(transportEp);
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(ep);
        push.send("x");
        assertThat(pull.recvFrame(Duration.ofSeconds(10))).isNotNull();
    }

    @Test
    void closeLeavesNoThreadAndNoFileDescriptor() {
        // warm up JDK-internal descriptors (class loading, native libraries) before counting
        try (Context warm = new Context()) {
            exchange(warm, "tcp://127.0.0.1:*");
            exchange(warm, "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-close-warm.sock");
        }
        long fdsBefore = openFds();
        Set<String> before = zconnThreads();
        Context ctx = new Context();
        exchange(ctx, "tcp://127.0.0.1:*");
        exchange(ctx, "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-close-test.sock");
        assertThat(zconnThreads()).isNotEmpty();
        ctx.close();
        assertThat(zconnThreads()).isEqualTo(before);
        assertThat(openFds()).isLessThanOrEqualTo(fdsBefore);
    }

    @Test
    void lingerDeliversQueuedMessagesAfterSocketClose() {
        try (Context ctx = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("tcp://127.0.0.1:*");
            String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
            try (Context sender = new Context()) {
                Socket push = sender.socket(SocketType.PUSH);
                push.setOption(ZmqOption.LINGER, 5000);
                push.connect(ep);
                for (int i = 0; i < 1000; i++) {
                    push.send("m" + i);
                }
                push.close();
            } // close waits for the lingering messages to go out
            for (int i = 0; i < 1000; i++) {
                assertThat(pull.recvFrame(Duration.ofSeconds(10))).isNotNull();
            }
        }
    }

    @Test
    void hostSuppliedThreadFactoryRunsTheIoLoops() {
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        try (Context ctx = Context.builder().threadFactory(r -> {
            made.incrementAndGet();
            Thread t = new Thread(r, "host-io-" + made.get());
            t.setDaemon(true);
            return t;
        }).build()) {
            exchange(ctx, "tcp://127.0.0.1:*");
            assertThat(made.get()).isPositive();
            assertThat(zconnThreads()).noneMatch(Objects::isNull);
        }
    }
}
