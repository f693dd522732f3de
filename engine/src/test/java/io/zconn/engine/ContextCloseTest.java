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

    @Test
    void hostExecutorRunsTheIoLoopsAndGetsItsThreadsBackOnClose() throws Exception {
        java.util.concurrent.ExecutorService host = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "host-pool");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor counting = task -> host.execute(() -> {
            running.incrementAndGet();
            try {
                task.run();
            } finally {
                running.decrementAndGet();
            }
        });
        Context ctx = Context.builder().ioThreads(2).executor(counting).build();
        exchange(ctx, "tcp://127.0.0.1:*");
        assertThat(running.get()).isPositive();
        ctx.close();
        // every I/O loop task returns to the host (the wrapper's own finally runs just after ours)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (running.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(running.get()).isZero();
        host.shutdown();
        assertThat(host.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void pollerWaitsOnSocketsOfDifferentTransportsAtOnce() {
        try (Context ctx = new Context(); Poller poller = new Poller()) {
            Socket inproc = ctx.socket(SocketType.PULL);
            inproc.bind("inproc://mixed");
            Socket tcp = ctx.socket(SocketType.PULL);
            tcp.bind("tcp://127.0.0.1:*");
            Socket ipc = ctx.socket(SocketType.PULL);
            ipc.bind("ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-mixed-" + System.nanoTime() + ".sock");
            int a = poller.register(inproc, Poller.POLLIN);
            int b = poller.register(tcp, Poller.POLLIN);
            int c = poller.register(ipc, Poller.POLLIN);
            Socket push = ctx.socket(SocketType.PUSH);
            push.connect(ipc.getOption(ZmqOption.LAST_ENDPOINT));
            push.send("over ipc");
            assertThat(poller.poll(10_000)).isEqualTo(1);
            assertThat(poller.isReadable(c)).isTrue();
            assertThat(poller.isReadable(a) || poller.isReadable(b)).isFalse();
            Socket push2 = ctx.socket(SocketType.PUSH);
            push2.connect(tcp.getOption(ZmqOption.LAST_ENDPOINT));
            push2.send("over tcp");
            ipc.recvFrame();
            assertThat(poller.poll(10_000)).isEqualTo(1);
            assertThat(poller.isReadable(b)).isTrue();
        }
    }
}
