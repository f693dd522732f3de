package io.zconn.engine.core;

import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A listener's bounded queue: never blocks the emitter, keeps order, counts and reports what it drops. */
@Timeout(30)
class MonitorQueueTest {
    private static SocketEvent event(int i) {
        return new SocketEvent(SocketEvent.Type.ACCEPTED, "tcp://127.0.0.1:1", i, null, null);
    }

    @Test
    void aStuckListenerCostsTheEmitterNothingAndItsLossesAreReportedOnce() throws Exception {
        ExecutorService host = Executors.newCachedThreadPool();
        try {
            HostWorkers runner = MonitorQueue.workers(host, null);
            CountDownLatch release = new CountDownLatch(1);
            List<SocketEvent> got = new CopyOnWriteArrayList<>();
            AtomicBoolean stopped = new AtomicBoolean();
            MonitorQueue q = new MonitorQueue(runner, SocketEvent.Type.ALL, e -> {
                got.add(e);
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, m -> stopped.set(true));
            q.offer(event(0));
            await().until(() -> got.size() == 1); // the listener holds event 0
            int extra = 500;
            long start = System.nanoTime();
            for (int i = 1; i <= MonitorQueue.CAPACITY + extra; i++) {
                q.offer(event(i)); // an I/O thread's call: must never wait for the listener
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
            assertThat(q.droppedEvents()).isEqualTo(extra);
            release.countDown();
            q.close();
            await().until(() -> stopped.get());
            // in order: event 0, the CAPACITY that fitted, then one report of the loss, then MONITOR_STOPPED
            assertThat(got).hasSize(1 + MonitorQueue.CAPACITY + 2);
            for (int i = 0; i <= MonitorQueue.CAPACITY; i++) {
                assertThat(got.get(i).value()).isEqualTo(i);
            }
            SocketEvent report = got.get(MonitorQueue.CAPACITY + 1);
            assertThat(report.type()).isEqualTo(SocketEvent.Type.EVENTS_DROPPED);
            assertThat(report.value()).isEqualTo(extra);
            assertThat(got.get(got.size() - 1).type()).isEqualTo(SocketEvent.Type.MONITOR_STOPPED);
            assertThat(got).filteredOn(e -> e.type() == SocketEvent.Type.EVENTS_DROPPED).hasSize(1);
            assertThat(runner.finishAndClose(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void eventsOutsideTheMaskAreNotQueuedAndNothingFollowsMonitorStopped() throws Exception {
        ExecutorService host = Executors.newCachedThreadPool();
        try {
            HostWorkers runner = MonitorQueue.workers(host, null);
            List<SocketEvent.Type> got = new CopyOnWriteArrayList<>();
            MonitorQueue q = new MonitorQueue(runner, SocketEvent.Type.mask(SocketEvent.Type.ACCEPTED),
                    e -> got.add(e.type()), m -> { });
            q.offer(new SocketEvent(SocketEvent.Type.LISTENING, "x", 1, null, null));
            q.offer(event(1));
            q.close();
            q.offer(event(2));
            await().until(q::finished);
            assertThat(got).containsExactly(SocketEvent.Type.ACCEPTED); // MONITOR_STOPPED not asked for
            assertThat(runner.finishAndClose(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void aFailingListenerGetsTheNextEventAndTheQueueBoundMatchesTheApi() throws Exception {
        assertThat(MonitorQueue.CAPACITY).isEqualTo(Socket.MONITOR_QUEUE);
        HostWorkers runner = MonitorQueue.workers(null, null); // zconn-events-N threads, made on demand
        AtomicInteger calls = new AtomicInteger();
        MonitorQueue q = new MonitorQueue(runner, SocketEvent.Type.ALL, e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
        }, m -> { });
        q.offer(event(1));
        q.offer(event(2));
        await().until(() -> calls.get() == 2);
        assertThat(runner.finishAndClose(5, TimeUnit.SECONDS)).isTrue();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("zconn-events-")));
    }
}
