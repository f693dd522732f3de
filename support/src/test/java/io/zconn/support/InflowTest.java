package io.zconn.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared delivery layer with fakes for every plug point: the receive loop, dispatch, the
 * attempt with retries and replies, dead letters and the no-silent-loss account, and stop. The
 * clock is a fake (pauses take no time and are recorded), so back-off and retry schedules are
 * checked exactly.
 */
class InflowTest {
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

    private static DeliverySettings.Builder settings(SocketType role) {
        return DeliverySettings.builder(role).poll(Duration.ofMillis(10)).stopSlack(Duration.ofMillis(200));
    }

    private Inflow start(DeliverySettings s, SocketType socketType, DeliveryExecutor executor, DeadLetters dl) {
        Inflow in = Inflow.builder(s).channel(channel, channel, socketType).target(target).executor(executor)
                .deadLetters(dl).events(events).clock(clock).build();
        in.start(r -> {
            Thread t = new Thread(r, "loop");
            t.setDaemon(true);
            loops.add(t);
            t.start();
        });
        started.add(in);
        return in;
    }

    private Inflow startOrdered(DeliverySettings.Builder s) {
        return start(s.maxConcurrent(0).build(), SocketType.PULL, null, deadLetters);
    }

    private static void assertAccountBalances(Inflow in) {
        DeliveryCounters c = in.counters();
        assertThat(c.received()).as("received = delivered + failed: " + c).isEqualTo(c.delivered() + c.failed());
        assertThat(c.failed()).as("failed = dead-lettered + dropped: " + c).isEqualTo(c.deadLettered() + c.dropped());
    }

    @Test
    void aListenerThatThrowsIsRetriedPerPolicyThenDeadLetteredAndCounted() {
        target.behaviour = body -> {
            if (body.get(0).text().equals("poison")) {
                throw new IllegalStateException("always");
            }
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).maxRetries(2).retryIntervalMs(50));
        channel.push("poison", "ok");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 1 && in.counters().deadLettered() == 1);
        assertThat(target.calls).containsExactly("poison", "poison", "poison", "ok");
        assertThat(clock.pauses).as("a retry interval before each retry").containsExactly(50L, 50L);
        assertThat(deadLetters.letters).containsExactly(Message.of("poison"));
        assertThat(events.names()).containsExactly("attemptFailed", "attemptFailed", "attemptFailed",
                "deliveryFailed", "deadLettered");
        assertThat(in.counters().failed()).isEqualTo(1);
        assertAccountBalances(in);
    }

    @Test
    void anErrorFromTheListenerIsSurvivedAndRetriedLikeAnException() {
        AtomicBoolean thrown = new AtomicBoolean();
        target.behaviour = body -> {
            if (thrown.compareAndSet(false, true)) {
                throw new AssertionError("a bug in the listener");
            }
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).maxRetries(1));
        channel.push("first", "second");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 2);
        assertThat(target.calls).containsExactly("first", "first", "second");
        assertThat(in.isFailed()).isFalse();
        assertThat(in.counters().failed()).isZero();
        assertAccountBalances(in);
    }

    @Test
    void aFailedMessageWithoutDeadLettersIsDroppedAndReported() {
        target.behaviour = body -> {
            throw new IllegalStateException("no");
        };
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(0).maxRetries(0).build(), SocketType.PULL, null,
                null);
        channel.push("lost");
        await().atMost(WAIT).until(() -> in.counters().dropped() == 1);
        assertThat(events.count("messageDropped")).isEqualTo(1);
        assertAccountBalances(in);
        in.stop(false);

        deadLetters.refuse = true;
        Inflow refused = startOrdered(settings(SocketType.PULL).maxRetries(0));
        channel.push("refused");
        await().atMost(WAIT).until(() -> refused.counters().dropped() == 1);
        assertThat(events.count("deadLetterFailed")).isEqualTo(1);
        assertAccountBalances(refused);
    }

    @Test
    void aVirtualMachineErrorFromAListenerIsCountedAndPassedOn() throws Exception {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        target.behaviour = body -> {
            throw new InternalError("simulated");
        };
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(2).build(), SocketType.PULL, executor, null);
        channel.push("fatal");
        assertThatThrownBy(executor::runNext).isInstanceOf(InternalError.class);
        assertThat(in.counters().failed()).isEqualTo(1);
        assertThat(in.counters().dropped()).isEqualTo(1);
        assertThat(target.invocations).as("never retried").hasValue(1);
        assertAccountBalances(in);
    }

    @Test
    void aVirtualMachineErrorOnTheLoopsOwnThreadEndsItLoudlyAndTheMessageIsCounted() {
        target.behaviour = body -> {
            throw new InternalError("simulated");
        };
        Inflow in = startOrdered(settings(SocketType.PULL));
        channel.push("fatal");
        await().dontCatchUncaughtExceptions().atMost(WAIT).until(in::isFailed);
        assertThat(events.count("loopFailed")).isEqualTo(1);
        assertThat(in.counters().deadLettered()).isEqualTo(1);
        assertAccountBalances(in);
    }

    @Test
    void theReceiveLoopSurvivesAnyExceptionWithExponentialBackoffAndOneReportPerStreak() {
        Inflow in = startOrdered(settings(SocketType.PULL).backoff(20, 50));
        channel.push(new IllegalStateException("bug"), new AssertionError("assert"),
                new ZmqException(Errno.EPROTO, "engine"), new NullPointerException(), "after the storm");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 1);
        assertThat(clock.pauses).containsExactly(20L, 40L, 50L, 50L);
        assertThat(events.lines).containsExactly("receiveFailing java.lang.IllegalStateException: bug",
                "receiveRecovered 4");
        assertThat(in.isFailed()).isFalse();
    }

    @Test
    void theContextTerminatedUnderARunningLoopFailsItLoudly() {
        Inflow in = startOrdered(settings(SocketType.PULL));
        channel.push(new ZmqException(Errno.ETERM, "context terminated"));
        await().atMost(WAIT).until(in::isFailed);
        assertThat(events.count("loopFailed")).isEqualTo(1);
    }

    @Test
    void backoffDoublesUpToItsMaximumAndResets() {
        Backoff b = new Backoff(100, 30_000, clock);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            pauses.add(b.fail());
        }
        assertThat(pauses).containsExactly(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 30000L,
                30000L);
        assertThat(b.failures()).isEqualTo(11);
        clock.advanceMillis(1234);
        assertThat(b.streakMillis()).isEqualTo(1234);
        b.reset();
        assertThat(b.failures()).isZero();
        assertThat(b.fail()).isEqualTo(100L);
    }

    @Test
    void aRequestIsAnsweredAlongItsWholeMultiHopEnvelope() {
        target.behaviour = body -> body.get(0).text().equals("fail") ? failing() : Message.of("re:" + body.get(0).text());
        Inflow in = start(settings(SocketType.REP).maxConcurrent(0).maxRetries(0).build(), SocketType.ROUTER, null,
                null);
        channel.push(Message.of("id2", "id1", "", "ok"), Message.of("id2", "id1", "", "fail"));
        await().atMost(WAIT).until(() -> channel.replies.size() == 2);
        assertThat(channel.replies).containsExactly(Message.of("id2", "id1", "", "re:ok"),
                Message.of("id2", "id1", "", ""));
        assertThat(in.counters().replied()).isEqualTo(2);
    }

    @Test
    void withReplyPolicyNoneAFailedRequestIsNotAnswered() {
        target.behaviour = body -> failing();
        Inflow in = start(settings(SocketType.ROUTER).maxConcurrent(0).maxRetries(0).replyPolicy(ReplyPolicy.NONE)
                .build(), SocketType.ROUTER, null, null);
        channel.push(Message.of("id", "", "fail"));
        await().atMost(WAIT).until(() -> in.counters().dropped() == 1);
        assertThat(channel.replies).isEmpty();
    }

    @Test
    void aRepSocketKeepsItsEnvelopeAndAOneWayListenerStillAnswersEmpty() {
        target.answers = false;
        Inflow in = start(settings(SocketType.REP).maxConcurrent(0).build(), SocketType.REP, null, null);
        channel.push(Message.of("body"));
        await().atMost(WAIT).until(() -> channel.replies.size() == 1);
        assertThat(target.calls).containsExactly("body");
        assertThat(channel.replies).containsExactly(Message.of(""));
        assertThat(in.counters().delivered()).isEqualTo(1);
    }

    @Test
    void aReplyOnASocketThatCannotSendOneIsReportedOnce() {
        target.behaviour = body -> Message.of("ignored");
        Inflow in = startOrdered(settings(SocketType.PULL));
        channel.push("a", "b");
        await().atMost(WAIT).until(() -> in.counters().delivered() == 2);
        assertThat(events.lines).containsExactly("replyIgnored PULL");
        assertThat(channel.replies).isEmpty();
    }

    @Test
    void aMalformedRepRequestIsCountedAndDroppedWithoutAnswer() {
        Inflow in = start(settings(SocketType.REP).maxConcurrent(0).build(), SocketType.ROUTER, null, null);
        channel.push(Message.of("id", "no delimiter"));
        await().atMost(WAIT).until(() -> in.counters().dropped() == 1);
        assertThat(target.calls).isEmpty();
        assertThat(channel.replies).isEmpty();
        assertThat(events.count("messageDropped")).isEqualTo(1);
        assertAccountBalances(in);
    }

    @ParameterizedTest(name = "several per task: {0}")
    @ValueSource(booleans = {false, true})
    void aDeliveryTheExecutorRefusesNowOrLaterIsDeadLetteredAndItsPermitComesBack(boolean severalPerTask)
            throws Exception {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        executor.severalPerTask = severalPerTask;
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(1).build(), SocketType.PULL, executor, deadLetters);
        executor.refuse = true;
        channel.push("refused");
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 1);
        executor.refuse = false;
        channel.push("rejected later");
        executor.rejectNext();
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 2);
        channel.push("accepted");
        executor.runNext();
        assertThat(in.counters().delivered()).isEqualTo(1);
        assertThat(target.calls).containsExactly("accepted");
        assertThat(deadLetters.letters).containsExactly(Message.of("refused"), Message.of("rejected later"));
        assertAccountBalances(in);
    }

    @Test
    void aRequestThatIsNeverDeliveredStillGetsThePolicysAnswer() {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        executor.refuse = true;
        Inflow in = start(settings(SocketType.REP).maxConcurrent(1).build(), SocketType.ROUTER, executor, deadLetters);
        channel.push(Message.of("peer", "", "refused"));
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 1);
        assertThat(channel.replies).as("the requester is not left waiting").containsExactly(Message.of("peer", "", ""));
        assertThat(deadLetters.letters).as("the body, without envelope").containsExactly(Message.of("refused"));
    }

    @Test
    void concurrentDeliveriesAreBoundedByThePermits() throws Exception {
        Fakes.ManualExecutor executor = new Fakes.ManualExecutor();
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(2).build(), SocketType.PULL, executor, null);
        channel.push("a", "b", "c");
        await().atMost(WAIT).until(() -> executor.tasks.size() == 2);
        await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> executor.tasks.size() == 2);
        assertThat(in.counters().received()).as("the third waits in the loop for a permit").isEqualTo(3);
        executor.runNext();
        await().atMost(WAIT).until(() -> executor.tasks.size() == 2);
        executor.runNext();
        executor.runNext();
        assertThat(in.counters().delivered()).isEqualTo(3);
    }

    @Test
    void underLoadATaskDeliversMessageAfterMessageAndTasksStayWithinTheConcurrency() throws Exception {
        Fakes.CountingThreads executor = new Fakes.CountingThreads();
        CountDownLatch go = new CountDownLatch(1);
        target.behaviour = body -> {
            go.await(10, TimeUnit.SECONDS);
            return null;
        };
        // a task waits up to the poll interval for the next message: long here, so that none ends early
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(2).poll(Duration.ofSeconds(2)).build(),
                SocketType.PULL, executor, null);
        for (int i = 0; i < 20; i++) {
            channel.push("m" + i);
        }
        await().atMost(WAIT).until(() -> in.counters().received() >= 3);
        go.countDown();
        await().atMost(WAIT).until(() -> in.counters().delivered() == 20);
        assertThat(executor.started.get()).as("tasks for 20 messages, 2 at a time").isBetween(1, 2);
        assertThat(target.calls).hasSize(20);
        assertAccountBalances(in);
    }

    @Test
    void stopDeliversWhatWasAlreadyReceivedWithinTheDrainTimeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        target.behaviour = body -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).drainTimeout(Duration.ofSeconds(10)));
        for (int i = 0; i < 10; i++) {
            channel.push("m" + i);
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(() -> in.stop(true), "stopper");
        stopper.start();
        await().atMost(WAIT).until(in::isStopping);
        release.countDown();
        stopper.join(WAIT.toMillis());
        assertThat(stopper.isAlive()).isFalse();
        assertThat(in.counters().delivered()).isEqualTo(10);
        assertThat(in.counters().failed()).isZero();
        assertThat(events.lines).containsExactly("drained 10/0/0");
        assertAccountBalances(in);
    }

    @Test
    void whatIsNotDeliveredByTheDrainDeadlineIsDeadLettered() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        target.behaviour = body -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).drainTimeout(Duration.ofSeconds(5))
                .stopSlack(Duration.ofSeconds(1)));
        for (int i = 0; i < 10; i++) {
            channel.push("m" + i);
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread stopper = new Thread(() -> in.stop(true), "stopper");
        stopper.start();
        await().atMost(WAIT).until(in::isStopping);
        clock.advanceMillis(5001);
        release.countDown();
        stopper.join(WAIT.toMillis());
        assertThat(stopper.isAlive()).isFalse();
        assertThat(target.calls).containsExactly("m0");
        assertThat(in.counters().deadLettered()).isEqualTo(9);
        assertThat(events.lines).as("one summary, not a line per message").containsExactly("drained 1/9/0");
        assertAccountBalances(in);
    }

    @Test
    void noListenerCallStartsAfterStopReturned() throws Exception {
        clock.pausesWait = true;
        target.behaviour = body -> failing();
        Inflow in = start(settings(SocketType.PULL).maxConcurrent(2).maxRetries(3).retryIntervalMs(60_000)
                .drainTimeout(Duration.ofMillis(100)).stopSlack(Duration.ofSeconds(2)).build(), SocketType.PULL,
                new Fakes.Threads(), null);
        channel.push("retried");
        await().atMost(WAIT).until(() -> clock.pauses.size() == 1);
        assertThat(in.stop(true)).isTrue();
        assertThat(target.invocations).as("the retry due after stop never started").hasValue(1);
        assertThat(in.isClosed()).isTrue();
        assertThat(in.counters().dropped()).isEqualTo(1);
        assertThat(events.lines).contains("messageDropped stopped before retry 2");
        assertAccountBalances(in);
    }

    @Test
    void aListenerStuckAtStopIsInterruptedWhenTheSettingsSaySo() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        target.behaviour = body -> {
            entered.countDown();
            never.await();
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).drainTimeout(Duration.ofMillis(100))
                .stopSlack(Duration.ZERO).interruptWait(Duration.ofSeconds(5)));
        channel.push("stuck");
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        assertThat(in.stop(true)).isTrue();
        assertThat(events.count("interrupting 1")).isEqualTo(1);
        assertThat(events.count("stillRunning")).isZero();
        assertThat(in.counters().failed()).as("the interrupted call failed").isEqualTo(1);
        assertAccountBalances(in);
    }

    @Test
    void aListenerIgnoringTheInterruptIsReportedAndNothingIsDeliveredAfterStop() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        target.behaviour = body -> {
            entered.countDown();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a badly behaved listener
                }
            }
            return null;
        };
        Inflow in = startOrdered(settings(SocketType.PULL).drainTimeout(Duration.ofMillis(100))
                .stopSlack(Duration.ZERO).interruptWait(Duration.ofMillis(200)));
        channel.push("stuck", "queued");
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        assertThat(in.stop(true)).isFalse();
        assertThat(events.count("interrupting 1")).isEqualTo(1);
        assertThat(events.count("stillRunning 1")).isEqualTo(1);
        assertThat(in.counters().deadLettered()).as("the queued message is given up").isEqualTo(1);
        release.countDown();
        await().atMost(WAIT).until(() -> in.counters().delivered() == 1);
        assertThat(target.calls).containsExactly("stuck");
        assertAccountBalances(in);
    }

    @Test
    void stopFromInsideAListenerCallClosesTheGateAndReturnsAtOnce() {
        AtomicReference<Inflow> self = new AtomicReference<>();
        CountDownLatch known = new CountDownLatch(1);
        List<Boolean> result = new CopyOnWriteArrayList<>();
        target.behaviour = body -> {
            if (body.get(0).text().equals("stop")) {
                known.await(10, TimeUnit.SECONDS);
                result.add(self.get().stop(true));
            }
            return null;
        };
        // both queued before the loop starts: "after" is already received when stop begins
        channel.push("stop", "after");
        Inflow in = startOrdered(settings(SocketType.PULL));
        self.set(in);
        known.countDown();
        await().atMost(WAIT).until(() -> in.counters().deadLettered() == 1);
        assertThat(result).containsExactly(false);
        assertThat(target.calls).containsExactly("stop");
        assertThat(in.isClosed()).isTrue();
        assertAccountBalances(in);
    }

    private static Message failing() {
        throw new IllegalStateException("the listener failed");
    }

    /** A message as a socket hands it out: every frame refers to its connection's properties. */
    private static Message received(PeerMetadata metadata, String... frames) {
        Message m = new Message();
        for (int i = 0; i < frames.length; i++) {
            m.add(Frame.wrap(frames[i].getBytes(java.nio.charset.StandardCharsets.UTF_8), i < frames.length - 1,
                    metadata));
        }
        return m;
    }

    @Test
    void theConnectionsPropertiesReachTheTargetWithTheBodyOnEveryPath() {
        PeerMetadata alice = PeerMetadata.of(Map.of(PeerMetadata.USER_ID, "alice", PeerMetadata.SOCKET_TYPE, "REQ"));
        PeerMetadata bob = PeerMetadata.of(Map.of(PeerMetadata.USER_ID, "bob"));
        List<String> seen = new CopyOnWriteArrayList<>();
        target.behaviour = body -> {
            seen.add(body.get(0).text() + "=" + body.property(PeerMetadata.USER_ID).orElse("?") + "/"
                    + body.property(PeerMetadata.SOCKET_TYPE).orElse("-"));
            return Message.of("ok");
        };
        // a ROUTER under REP semantics, its envelope split off, delivered concurrently
        start(settings(SocketType.REP).maxConcurrent(2).build(), SocketType.ROUTER, new Fakes.Threads(), null);
        channel.push(received(alice, "id-a", "", "from-alice"), received(bob, "id-b", "", "from-bob"));
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).containsExactlyInAnyOrder("from-alice=alice/REQ", "from-bob=bob/-");
        await().atMost(WAIT).until(() -> channel.replies.size() == 2);
        assertThat(channel.replies).containsExactlyInAnyOrder(Message.of("id-a", "", "ok"), Message.of("id-b", "", "ok"));
    }

    @Test
    void aRepSocketsBodyKeepsItsPropertiesOnTheOrderedPath() {
        PeerMetadata carol = PeerMetadata.of(Map.of(PeerMetadata.USER_ID, "carol"));
        List<String> seen = new CopyOnWriteArrayList<>();
        target.behaviour = body -> {
            seen.add(body.property(PeerMetadata.USER_ID).orElse("?"));
            return null;
        };
        start(settings(SocketType.REP).maxConcurrent(0).build(), SocketType.REP, null, null);
        channel.push(received(carol, "body"), Message.of("made-here"));
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("carol", "?");
    }
}
