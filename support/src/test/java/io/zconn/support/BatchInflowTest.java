package io.zconn.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Message;
import io.zconn.engine.SocketType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch delivery ({@link DeliverySettings#maxBatch()}): a listener call takes what the socket already
 * holds when the delivery can start, never waits for a batch to fill, and a failed batch follows the
 * single message's retry and dead-letter rules, message by message in the account.
 */
class BatchInflowTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Fakes.Channel channel = new Fakes.Channel();
    private final Fakes.Target target = new Fakes.Target();
    private final Fakes.Clock clock = new Fakes.Clock();
    private final Fakes.Events events = new Fakes.Events();
    private final Fakes.DeadLetterList deadLetters = new Fakes.DeadLetterList();
    private final List<Inflow> started = new ArrayList<>();
    private final List<Thread> loops = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Inflow in : started) {
            in.stop(false);
        }
        for (Thread t : loops) {
            t.join(WAIT.toMillis());
        }
    }

    private static DeliverySettings.Builder settings(int maxBatch) {
        return DeliverySettings.builder(SocketType.PULL).poll(Duration.ofMillis(10)).stopSlack(Duration.ofMillis(200))
                .maxBatch(maxBatch);
    }

    private Inflow start(DeliverySettings s, DeliveryExecutor executor) {
        Inflow in = Inflow.builder(s).channel(channel, channel, SocketType.PULL).target(target).executor(executor)
                .deadLetters(deadLetters).events(events).clock(clock).build();
        in.start(r -> {
            Thread t = new Thread(r, "loop");
            t.setDaemon(true);
            loops.add(t);
            t.start();
        });
        started.add(in);
        return in;
    }

    private static void assertAccountBalances(Inflow in) {
        DeliveryCounters c = in.counters();
        assertThat(c.received()).as("received = delivered + failed: " + c).isEqualTo(c.delivered() + c.failed());
        assertThat(c.failed()).as("failed = dead-lettered + dropped: " + c).isEqualTo(c.deadLettered() + c.dropped());
    }

    @Test
    void aCallTakesWhatTheSocketAlreadyHoldsUpToMaxBatchInArrivalOrder() {
        channel.push("m0", "m1", "m2", "m3", "m4", "m5", "m6");
        Inflow in = start(settings(3).maxConcurrent(0).build(), null);
        await().atMost(WAIT).until(() -> in.counters().delivered() == 7);
        assertThat(target.batchSizes).containsExactly(3, 3, 1);
        assertThat(target.calls).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
        assertAccountBalances(in);
    }

    @Test
    void aLoneMessageIsDeliveredAtOnceInABatchOfOne() {
        Inflow in = start(settings(100).maxConcurrent(0).poll(Duration.ofSeconds(5)).build(), null);
        channel.push("alone");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 1);
        assertThat(target.batchSizes).as("not held back waiting for 99 more").containsExactly(1);
        channel.push("next");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 2);
        assertThat(target.batchSizes).containsExactly(1, 1);
    }

    @Test
    void aFailedBatchIsRetriedWholeThenEachOfItsMessagesIsDeadLettered() {
        target.behaviour = body -> {
            if (body.get(0).text().equals("poison")) {
                throw new IllegalStateException("always");
            }
            return null;
        };
        channel.push("a", "poison", "b");
        Inflow in = start(settings(10).maxConcurrent(0).maxRetries(1).retryIntervalMs(50).build(), null);
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 3);
        assertThat(target.batchSizes).as("the first attempt and one retry of the same batch").containsExactly(3, 3);
        assertThat(clock.pauses).containsExactly(50L);
        assertThat(deadLetters.letters).containsExactly(Message.of("a"), Message.of("poison"), Message.of("b"));
        assertThat(events.names()).containsExactly("attemptFailed", "attemptFailed", "deliveryFailed",
                "deadLettered", "deadLettered", "deadLettered");
        assertThat(in.counters().failed()).isEqualTo(3);
        assertThat(in.counters().retried()).isEqualTo(1);
        assertThat(in.counters().delivered()).isZero();
        assertAccountBalances(in);
    }

    @Test
    void messagesStayInTheSocketUntilADeliveryCanStart() throws Exception {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        channel.push("a", "b", "c");
        Inflow in = start(settings(5).maxConcurrent(1).build(), executor);
        await().atMost(WAIT).until(() -> executor.tasks.size() == 1);
        assertThat(in.counters().received()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            channel.push("m" + i);
        }
        await().atMost(WAIT).until(() -> in.counters().received() == 4);
        await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> in.counters().received() == 4);
        assertThat(channel.incoming).as("only the message waiting for the permit left the socket").hasSize(9);
        executor.runNext();
        assertThat(target.batchSizes).containsExactly(3);
        // the next batch: the waiting message and 4 the socket held; then one more waits for the permit
        await().atMost(WAIT).until(() -> executor.tasks.size() == 1 && in.counters().received() == 9);
        await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> in.counters().received() == 9);
        assertThat(channel.incoming).hasSize(4);
        executor.runNext();
        assertThat(target.batchSizes).containsExactly(3, 5);
        assertThat(target.calls).containsExactly("a", "b", "c", "m0", "m1", "m2", "m3", "m4");
    }

    @ParameterizedTest(name = "several per task: {0}")
    @ValueSource(booleans = {false, true})
    void aBatchTheExecutorRefusesIsDeadLetteredWholeAndItsPermitComesBack(boolean severalPerTask) throws Exception {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        executor.severalPerTask = severalPerTask;
        executor.refuse = true;
        channel.push("r1", "r2", "r3");
        Inflow in = start(settings(10).maxConcurrent(1).build(), executor);
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 3);
        executor.refuse = false;
        channel.push("accepted");
        executor.runNext();
        assertThat(target.calls).containsExactly("accepted");
        assertThat(deadLetters.letters).containsExactly(Message.of("r1"), Message.of("r2"), Message.of("r3"));
        assertAccountBalances(in);
    }

    @Test
    void concurrentBatchesDeliverEverythingWithinMaxBatchEach() {
        Fakes.CountingThreads executor = new Fakes.CountingThreads();
        for (int i = 0; i < 500; i++) {
            channel.push("m" + i);
        }
        Inflow in = start(settings(50).maxConcurrent(3).build(), executor);
        await().atMost(WAIT).until(() -> in.counters().delivered() == 500);
        assertThat(target.batchSizes).allSatisfy(n -> assertThat(n).isBetween(1, 50));
        assertThat(target.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
        assertThat(target.batchSizes.size()).as("batches, not a call per message").isLessThan(100);
        assertThat(target.calls).hasSize(500).doesNotHaveDuplicates();
        assertAccountBalances(in);
    }

    @ParameterizedTest(name = "past the drain deadline: {0}")
    @ValueSource(booleans = {false, true})
    void stopDrainsWhatTheSocketHoldsAsABatchOrGivesItUpWholePastTheDeadline(boolean late) {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        target.onBatch = () -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        channel.push("first");
        Inflow in = start(settings(10).maxConcurrent(0).drainTimeout(Duration.ofSeconds(1)).build(), null);
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        channel.push("x", "y");
        Thread stopper = new Thread(() -> in.stop(true), "stopper");
        stopper.start();
        await().atMost(WAIT).until(in::isStopping);
        if (late) {
            clock.advanceMillis(1001);
        }
        target.onBatch = () -> { };
        release.countDown();
        await().atMost(WAIT).until(() -> !stopper.isAlive());
        if (late) {
            assertThat(target.calls).containsExactly("first");
            assertThat(deadLetters.letters).containsExactly(Message.of("x"), Message.of("y"));
        } else {
            assertThat(target.batchSizes).containsExactly(1, 2);
            assertThat(target.calls).containsExactly("first", "x", "y");
            assertThat(deadLetters.letters).isEmpty();
        }
        assertThat(in.counters().received()).isEqualTo(3);
        assertAccountBalances(in);
    }

    @Test
    void batchesAreRefusedOnRolesThatAnswer() {
        for (SocketType role : List.of(SocketType.REP, SocketType.ROUTER)) {
            assertThatThrownBy(() -> DeliverySettings.builder(role).maxBatch(2).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one-way");
        }
        assertThatThrownBy(() -> DeliverySettings.builder(SocketType.PULL).maxBatch(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DeliverySettings.builder(SocketType.SUB).maxBatch(100).build().batches()).isTrue();
    }
}
