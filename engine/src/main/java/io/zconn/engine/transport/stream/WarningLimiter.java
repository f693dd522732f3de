package io.zconn.engine.transport.stream;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps per-connection WARNING lines from flooding the log: a storm of 10,000 peers that each get
 * dropped would otherwise write 10,000 lines. Each {@link Kind} of warning has its own budget of
 * {@code perInterval} lines per interval (one limiter per context); past it, lines of that kind
 * are only counted, and one summary line ("suppressed K similar warnings ... in the last T s")
 * reports them when the interval ends. The summary is written by the next warning of that kind
 * after the interval, or by a one-shot task on a timer the caller already has (an event loop),
 * or by {@link #flush()} when the transport shuts down; this class starts no thread.
 *
 * <p>Memory is bounded by construction: one fixed-size window per kind, whatever the number of
 * peers. Thread-safe: engines on every event loop of the context share one limiter.
 */
final class WarningLimiter {
    /** What a per-connection warning is about: each kind has its own budget. */
    enum Kind {
        /** The handshake was refused, timed out or broke the protocol. */
        HANDSHAKE("handshake failed"),
        /** A frame or command broke the protocol or a limit (MAXMSGSIZE). */
        PROTOCOL("protocol error"),
        /** Heartbeat timeout or the peer's heartbeat TTL expired. */
        HEARTBEAT("heartbeat expired"),
        /** The peer sent an ERROR command. */
        PEER_ERROR("peer sent ERROR"),
        /** Out of memory, an {@code Error} or an unexpected exception on the connection. */
        FAILURE("failure");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** Runs a task once after a delay, on a timer that already exists (not a new thread). */
    @FunctionalInterface
    interface Timer {
        /**
         * @param task       to run once
         * @param delayNanos after this long
         * @throws RuntimeException if it cannot be scheduled (the summary then waits for the next
         *                          warning of its kind or for {@link #flush()})
         */
        void schedule(Runnable task, long delayNanos);
    }

    private static final class Window {
        long start;
        int logged;
        long suppressed;
        boolean flushScheduled;
    }

    private final System.Logger log;
    private final String subject;
    private final int perInterval;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<Kind, Window> windows = new EnumMap<>(Kind.class);

    /**
     * @param log           where the lines go
     * @param subject       what the warnings are about, at the start of a summary line
     * @param perInterval   lines of one kind written per interval before they are only counted
     * @param intervalNanos the interval
     * @param clock         monotonic time in nanoseconds ({@link System#nanoTime()})
     */
    WarningLimiter(System.Logger log, String subject, int perInterval, long intervalNanos, LongSupplier clock) {
        if (perInterval < 1 || intervalNanos <= 0) {
            throw new IllegalArgumentException("perInterval " + perInterval + ", intervalNanos " + intervalNanos);
        }
        this.log = log;
        this.subject = subject;
        this.perInterval = perInterval;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        for (Kind kind : Kind.values()) {
            windows.put(kind, new Window());
        }
    }

    /**
     * Writes a WARNING line, or counts it if its kind has used up its budget for this interval.
     *
     * @param kind    what it is about
     * @param message the line (built only if written)
     * @param thrown  its stack trace, or null
     * @param timer   to write the summary when the interval ends, or null to leave it to the next
     *                warning of this kind or to {@link #flush()}
     */
    void warn(Kind kind, Supplier<String> message, Throwable thrown, Timer timer) {
        Window w = windows.get(kind);
        String summary;
        boolean write;
        long flushIn = -1;
        synchronized (w) {
            long now = clock.getAsLong();
            summary = rollOver(kind, w, now);
            write = w.logged < perInterval;
            if (write) {
                w.logged++;
            } else {
                w.suppressed++;
                if (timer != null && !w.flushScheduled) {
                    w.flushScheduled = true;
                    flushIn = Math.max(0, w.start + intervalNanos - now);
                }
            }
        }
        if (summary != null) {
            log.log(System.Logger.Level.WARNING, summary);
        }
        if (write) {
            if (thrown != null) {
                log.log(System.Logger.Level.WARNING, message.get(), thrown);
            } else {
                log.log(System.Logger.Level.WARNING, message.get());
            }
        }
        if (flushIn >= 0) {
            schedule(kind, timer, flushIn);
        }
    }

    /** Writes the summary of every kind with suppressed lines now (the transport is shutting down). */
    void flush() {
        long now = clock.getAsLong();
        for (Kind kind : Kind.values()) {
            Window w = windows.get(kind);
            String summary;
            synchronized (w) {
                summary = w.suppressed > 0 ? summary(kind, w.suppressed, now - w.start) : null;
                w.start = now;
                w.logged = 0;
                w.suppressed = 0;
            }
            if (summary != null) {
                log.log(System.Logger.Level.WARNING, summary);
            }
        }
    }

    private void schedule(Kind kind, Timer timer, long delayNanos) {
        try {
            timer.schedule(() -> timerFired(kind, timer), delayNanos);
        } catch (RuntimeException e) {
            // e.g. the event loop is shutting down: the next warning or flush() writes the summary
            Window w = windows.get(kind);
            synchronized (w) {
                w.flushScheduled = false;
            }
        }
    }

    private void timerFired(Kind kind, Timer timer) {
        Window w = windows.get(kind);
        String summary;
        long again = -1;
        synchronized (w) {
            w.flushScheduled = false;
            long now = clock.getAsLong();
            summary = rollOver(kind, w, now);
            if (summary == null && w.suppressed > 0) {
                // fired before the interval ended: the summary is still due at its end
                w.flushScheduled = true;
                again = Math.max(0, w.start + intervalNanos - now);
            }
        }
        if (summary != null) {
            log.log(System.Logger.Level.WARNING, summary);
        }
        if (again >= 0) {
            schedule(kind, timer, again);
        }
    }

    /** Starts a new interval if the current one is over; returns its summary if it suppressed lines. */
    private String rollOver(Kind kind, Window w, long now) {
        if (w.logged == 0 && w.suppressed == 0) {
            w.start = now; // an interval begins with its first warning
            return null;
        }
        long elapsed = now - w.start;
        if (elapsed < intervalNanos) {
            return null;
        }
        String summary = w.suppressed > 0 ? summary(kind, w.suppressed, elapsed) : null;
        w.start = now;
        w.logged = 0;
        w.suppressed = 0;
        return summary;
    }

    private String summary(Kind kind, long suppressed, long elapsedNanos) {
        return String.format(Locale.ROOT, "%s: suppressed %d similar warnings (%s) in the last %d s",
                subject, suppressed, kind.label, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(elapsedNanos + 500_000_000L)));
    }
}
