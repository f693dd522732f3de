package io.zconn.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextCloseTest {

    /** Slack for descriptors the JDK itself may open meanwhile (class loading, /proc reads). */
    private static final int FD_TOLERANCE = 3;
    private static final int CONNECTIONS = 20;

    private static Set<Thread> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(prefix))
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
        Set<Thread> before = liveThreads("zconn-io");
        Context ctx = Context.builder().ioThreads(2).build();
        for (int i = 0; i < CONNECTIONS / 2; i++) {
            exchange(ctx, "tcp://127.0.0.1:*");
            exchange(ctx, "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-close-test-" + i + ".sock");
        }
        Set<Thread> mine = liveThreads("zconn-io");
        mine.removeAll(before);
        assertThat(mine).hasSize(2);
        // each exchange holds a listener and two connection ends: far more than the tolerance
        assertThat(openFds()).isGreaterThan(fdsBefore + 3L * CONNECTIONS - FD_TOLERANCE);
        ctx.close();
        // close() joins its I/O threads: none is alive once it returns
        assertThat(mine).noneMatch(Thread::isAlive);
        assertThat(openFds()).isLessThanOrEqualTo(fdsBefore + FD_TOLERANCE);
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
        List<Thread> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<Thread> zconnBefore = liveThreads("zconn-io");
        Context ctx = Context.builder().ioThreads(2).threadFactory(r -> {
            Thread t = new Thread(r, "host-io-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        }).build();
        exchange(ctx, "tcp://127.0.0.1:*");
        exchange(ctx, "tcp://127.0.0.1:*");
        assertThat(made).hasSize(2).allMatch(Thread::isAlive);
        // the loops run on the host's threads only: zconn made none of its own
        assertThat(liveThreads("zconn-io")).isSubsetOf(zconnBefore);
        ctx.close();
        assertThat(made).noneMatch(Thread::isAlive);
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
        await().atMost(Duration.ofSeconds(2)).until(() -> running.get() == 0);
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
