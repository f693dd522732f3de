package io.zconn.support;

import io.zconn.engine.Frame;
import io.zconn.engine.Message;

import java.time.Duration;

/**
 * The end of a message that will not be delivered: counted as failed, then handed to the
 * dead-letter endpoint or, when there is none or it cannot take it, counted and reported as dropped.
 * Never silent.
 */
final class Disposal {
    private final DeadLetters deadLetters;
    private final Gate gate;
    private final DeliveryCounters counters;
    private final DeliveryEvents events;
    private final Duration timeout;

    /**
     * @param deadLetters where failed messages go, or null
     * @param gate        the lifecycle (no waiting for room while stopping)
     * @param counters    the account
     * @param events      the reports
     * @param timeout     how long a dead letter may wait for room while running
     */
    Disposal(DeadLetters deadLetters, Gate gate, DeliveryCounters counters, DeliveryEvents events, Duration timeout) {
        this.deadLetters = deadLetters;
        this.gate = gate;
        this.counters = counters;
        this.events = events;
        this.timeout = timeout;
    }

    /**
     * Counts a message as failed, then dead-letters or drops it.
     *
     * @param body   the message (without envelope when it had one)
     * @param reason why it is not delivered
     * @param cause  the failure, or null
     * @param quiet  true while draining at stop: the stop's summary reports it, not a line each
     */
    void abandon(Message body, String reason, Throwable cause, boolean quiet) {
        counters.countFailed();
        abandonCounted(body, reason, cause, quiet);
    }

    /** As {@link #abandon}, for a message already counted as failed. */
    void abandonCounted(Message body, String reason, Throwable cause, boolean quiet) {
        DeadLetters dl = deadLetters;
        if (dl == null) {
            long n = counters.countDropped();
            if (!quiet) {
                events.messageDropped(reason, n, cause);
            }
            return;
        }
        Object problem;
        Duration wait = gate.isStopping() ? Duration.ZERO : timeout;
        try {
            Message out = new Message(body.frames());
            if (out.isEmpty()) {
                out.add(Frame.EMPTY);
            }
            if (dl.send(out, wait)) {
                counters.countDeadLettered();
                if (!quiet) {
                    events.deadLettered(dl.endpoint());
                }
                return;
            }
            problem = "no connected dead-letter peer with room within " + wait.toMillis() + " ms (" + reason + ")";
        } catch (RuntimeException e) {
            problem = e;
        }
        long n = counters.countDropped();
        events.deadLetterFailed(dl.endpoint(), n, problem);
    }
}
