package io.zconn.engine.transport.stream;

import io.zconn.engine.transport.stream.WarningLimiter.Kind;
import org.junit.jupiter.api.Test;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-connection WARNING budget, on a clock and a timer the test drives (no waiting, no threads). */
class WarningLimiterTest {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);

    private final List<String> lines = new ArrayList<>();
    private final List<Throwable> thrown = new ArrayList<>();
    private final List<Scheduled> timers = new ArrayList<>();
    private long now = 1_000_000_000L;

    private final WarningLimiter limiter = new WarningLimiter(new CapturingLogger(), "dropping connections", 3,
            INTERVAL, () -> now);
    private final WarningLimiter.Timer timer = (task, delay) -> timers.add(new Scheduled(task, now + delay));

    private record Scheduled(Runnable task, long at) {
    }

    /** Runs the timer tasks due by now, as an event loop would. */
    private void runDueTimers() {
        List<Scheduled> due = new ArrayList<>();
        timers.removeIf(s -> s.at() <= now && due.add(s));
        due.forEach(s -> s.task().run());
    }

    private void drop(Kind kind, int peer) {
        limiter.warn(kind, () -> "dropping connection " + peer, null, timer);
    }

    @Test
    void stormOfTenThousandDropsWritesTheBudgetAndOneSummary() {
        for (int i = 0; i < 10_000; i++) {
            drop(Kind.HANDSHAKE, i);
        }
        assertThat(lines).containsExactly("dropping connection 0", "dropping connection 1", "dropping connection 2");
        assertThat(timers).as("one timer for the whole storm").hasSize(1);
        assertThat(timers.get(0).at()).isEqualTo(now + INTERVAL);
        now += INTERVAL;
        runDueTimers();
        assertThat(lines).hasSize(4).last().isEqualTo(
                "dropping connections: suppressed 9997 similar warnings (handshake failed) in the last 10 s");
    }

    @Test
    void fewWarningsAreAllWrittenAndNeedNoSummary() {
        for (int i = 0; i < 3; i++) {
            drop(Kind.PROTOCOL, i);
        }
        assertThat(lines).hasSize(3);
        assertThat(timers).isEmpty();
        limiter.flush();
        assertThat(lines).hasSize(3);
    }

    @Test
    void eachKindHasItsOwnBudget() {
        for (int i = 0; i < 5; i++) {
            drop(Kind.HANDSHAKE, i);
            drop(Kind.HEARTBEAT, 100 + i);
        }
        assertThat(lines).containsExactly("dropping connection 0", "dropping connection 100",
                "dropping connection 1", "dropping connection 101", "dropping connection 2", "dropping connection 102");
        now += INTERVAL;
        runDueTimers();
        assertThat(lines.subList(6, lines.size())).containsExactlyInAnyOrder(
                "dropping connections: suppressed 2 similar warnings (handshake failed) in the last 10 s",
                "dropping connections: suppressed 2 similar warnings (heartbeat expired) in the last 10 s");
    }

    @Test
    void theNextIntervalHasAFreshBudget() {
        for (int i = 0; i < 4; i++) {
            drop(Kind.HANDSHAKE, i);
        }
        now += INTERVAL;
        runDueTimers();
        lines.clear();
        for (int i = 0; i < 4; i++) {
            drop(Kind.HANDSHAKE, 10 + i);
        }
        assertThat(lines).containsExactly("dropping connection 10", "dropping connection 11", "dropping connection 12");
    }

    @Test
    void withoutATimerTheNextWarningAfterTheIntervalWritesTheSummary() {
        for (int i = 0; i < 5; i++) {
            limiter.warn(Kind.PEER_ERROR, () -> "peer error", null, null);
        }
        assertThat(lines).hasSize(3);
        now += INTERVAL - 1;
        limiter.warn(Kind.PEER_ERROR, () -> "still within the interval", null, null);
        assertThat(lines).hasSize(3);
        now += 2 * INTERVAL;
        limiter.warn(Kind.PEER_ERROR, () -> "after it", null, null);
        assertThat(lines.subList(3, lines.size())).containsExactly(
                "dropping connections: suppressed 3 similar warnings (peer sent ERROR) in the last 30 s", "after it");
    }

    @Test
    void aTimerThatCannotScheduleLeavesTheSummaryToTheNextWarningOrFlush() {
        WarningLimiter.Timer refusing = (task, delay) -> {
            throw new IllegalStateException("event loop shutting down");
        };
        for (int i = 0; i < 5; i++) {
            limiter.warn(Kind.FAILURE, () -> "failure", null, refusing);
        }
        assertThat(lines).hasSize(3);
        now += 1;
        limiter.flush();
        assertThat(lines).last().isEqualTo("dropping connections: suppressed 2 similar warnings (failure) in the last 1 s");
    }

    @Test
    void flushAtShutdownWritesEveryPendingSummaryOnce() {
        for (int i = 0; i < 4; i++) {
            drop(Kind.HANDSHAKE, i);
        }
        limiter.flush();
        assertThat(lines).hasSize(4).last().asString().contains("suppressed 1 similar warnings (handshake failed)");
        now += INTERVAL;
        runDueTimers();
        limiter.flush();
        assertThat(lines).as("nothing is reported twice").hasSize(4);
    }

    @Test
    void aTimerFiringEarlyReschedulesTheSummaryForTheEndOfTheInterval() {
        for (int i = 0; i < 4; i++) {
            drop(Kind.HANDSHAKE, i);
        }
        Scheduled s = timers.remove(0);
        s.task().run(); // early: the interval is not over
        assertThat(lines).hasSize(3);
        assertThat(timers).singleElement().satisfies(t -> assertThat(t.at()).isEqualTo(s.at()));
        now += INTERVAL;
        runDueTimers();
        assertThat(lines).hasSize(4);
    }

    @Test
    void theStackTraceGoesWithAWrittenLineAndTheMessageIsBuiltOnlyIfWritten() {
        int[] built = new int[1];
        Supplier<String> message = () -> {
            built[0]++;
            return "unexpected failure";
        };
        RuntimeException cause = new RuntimeException("boom");
        for (int i = 0; i < 5; i++) {
            limiter.warn(Kind.FAILURE, message, cause, timer);
        }
        assertThat(built[0]).isEqualTo(3);
        assertThat(thrown).containsExactly(cause, cause, cause);
    }

    /** Records what would be written at WARNING. */
    private final class CapturingLogger implements System.Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable t) {
            assertThat(level).isEqualTo(Level.WARNING);
            lines.add(msg);
            if (t != null) {
                thrown.add(t);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                    (Throwable) null);
        }
    }
}
