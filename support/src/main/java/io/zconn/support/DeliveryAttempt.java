package io.zconn.support;

import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One message's delivery: the target is called through the {@link Gate} (no call starts once it is
 * closed), retried as the settings say, and the request answered under the {@link ReplyPolicy};
 * a message that is not delivered goes to the {@link Disposal}. Every path counts the message once:
 * delivered, or failed (then dead-lettered or dropped).
 */
final class DeliveryAttempt {
    private final DeliverySettings settings;
    private final DeliveryTarget target;
    private final Outbox outbox;
    private final Gate gate;
    private final Disposal disposal;
    private final DeliveryCounters counters;
    private final DeliveryEvents events;
    private final DeliveryClock clock;
    private volatile boolean replyIgnoredReported;

    DeliveryAttempt(DeliverySettings settings, DeliveryTarget target, Outbox outbox, Gate gate, Disposal disposal,
                    DeliveryCounters counters, DeliveryEvents events, DeliveryClock clock) {
        this.settings = settings;
        this.target = target;
        this.outbox = outbox;
        this.gate = gate;
        this.disposal = disposal;
        this.counters = counters;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Delivers with retries. A {@link VirtualMachineError} from the target is thrown on, the message
     * not yet counted: the caller gives it up ({@link #giveUp}) and ends loudly.
     *
     * @param envelope the request's envelope and body
     */
    void deliver(Envelope envelope) {
        Message body = envelope.body();
        Message[] reply = new Message[1];
        Outcome o = attempts(() -> reply[0] = target.deliver(body));
        if (o.stopped()) {
            giveUp(envelope, o.stopReason(), o.last(), o.made() == 0);
        } else if (o.delivered()) {
            counters.countDelivered();
            reply(envelope, reply[0], false);
        } else {
            long n = counters.countFailed();
            events.deliveryFailed(o.made(), n, o.last());
            reply(envelope, null, target.answers());
            disposal.abandonCounted(body, "the listener failed " + o.made() + " time(s)", o.last(), false);
        }
    }

    /**
     * Delivers a batch in one listener call per attempt, with the retries of a single message: the
     * whole batch is retried; when every attempt failed, each of its messages is counted as failed
     * and dead-lettered or dropped (one {@code deliveryFailed} report for the batch). Batches are for
     * one-way roles: no replies. A {@link VirtualMachineError} from the target is thrown on, the
     * messages not yet counted: the caller gives them up ({@link #giveUpBatch}).
     *
     * @param batch the messages, in arrival order
     */
    void deliverBatch(List<Envelope> batch) {
        List<Message> bodies = new ArrayList<>(batch.size());
        for (Envelope e : batch) {
            bodies.add(e.body());
        }
        List<Message> view = Collections.unmodifiableList(bodies);
        Outcome o = attempts(() -> {
            target.deliverBatch(view);
            return null;
        });
        if (o.stopped()) {
            giveUpBatch(batch, o.stopReason(), o.last(), o.made() == 0);
        } else if (o.delivered()) {
            counters.countDelivered(batch.size());
        } else {
            long n = 0;
            for (int i = 0; i < batch.size(); i++) {
                n = counters.countFailed();
            }
            events.deliveryFailed(o.made(), n, o.last());
            String reason = "the listener failed " + o.made() + " time(s) on a batch of " + batch.size();
            for (Envelope e : batch) {
                disposal.abandonCounted(e.body(), reason, o.last(), false);
            }
        }
    }

    /** One listener call (its reply, if any, is kept by the caller). */
    @FunctionalInterface
    private interface Call {
        Message call() throws Exception;
    }

    /**
     * How the attempts ended: delivered, stopped by the gate before an attempt, or failed each time.
     *
     * @param delivered whether an attempt succeeded
     * @param stopped   whether the gate closed before an attempt ({@code made} attempts were made)
     * @param made      attempts made
     * @param last      the last failure, or null
     */
    private record Outcome(boolean delivered, boolean stopped, int made, Throwable last) {
        String stopReason() {
            return "stopped before " + (made == 0 ? "delivery" : "retry " + (made + 1));
        }
    }

    /**
     * The attempts of one delivery, single or batch: up to maxRetries + 1 calls inside the gate,
     * counting retries and reporting each failure, paused by retryInterval (woken early when the
     * gate closes). A {@link VirtualMachineError} from the call is thrown on.
     */
    private Outcome attempts(Call call) {
        int attempts = settings.maxRetries() + 1;
        Throwable last = null;
        int made = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (!gate.enter()) {
                return new Outcome(false, true, made, last);
            }
            made++;
            if (attempt > 1) {
                counters.countRetried();
            }
            boolean ok = false;
            try {
                call.call();
                ok = true;
            } catch (Throwable t) {
                last = t;
                events.attemptFailed(attempt, t);
                if (t instanceof VirtualMachineError v) {
                    throw v;
                }
            } finally {
                gate.exit();
            }
            if (ok) {
                return new Outcome(true, false, made, last);
            }
            if (attempt == attempts || gate.pastDrainDeadline()) {
                break;
            }
            // wakes early when the gate closes: the retry then finds it closed and gives the message up
            pause();
        }
        return new Outcome(false, false, made, last);
    }

    /**
     * @param batch  messages that will not be delivered
     * @param reason why
     * @param cause  the failure, or null
     * @param quiet  true while draining at stop
     */
    void giveUpBatch(List<Envelope> batch, String reason, Throwable cause, boolean quiet) {
        for (Envelope e : batch) {
            giveUp(e, reason, cause, quiet);
        }
    }

    private void pause() {
        try {
            clock.pause(settings.retryIntervalMs(), gate.closedSignal());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A message that will not be delivered: the requester gets the policy's answer for a failed
     * request, the message goes to the {@link Disposal}.
     *
     * @param envelope the request
     * @param reason   why
     * @param cause    the failure, or null
     * @param quiet    true while draining at stop (the summary reports it)
     */
    void giveUp(Envelope envelope, String reason, Throwable cause, boolean quiet) {
        reply(envelope, null, target.answers());
        disposal.abandon(envelope.body(), reason, cause, quiet);
    }

    /**
     * Answers a request as the {@link ReplyPolicy} says.
     *
     * @param failed whether a listener that returns replies failed (or never ran)
     */
    private void reply(Envelope envelope, Message reply, boolean failed) {
        SocketType role = settings.role();
        if (!ReplyPolicy.canReply(role)) {
            if (reply != null && !replyIgnoredReported) {
                replyIgnoredReported = true;
                events.replyIgnored(role);
            }
            return;
        }
        Message answer = settings.replyPolicy().answer(role, reply, failed);
        if (answer == null) {
            return;
        }
        Duration timeout = gate.isClosed() ? Duration.ZERO : settings.replyTimeout();
        try {
            if (outbox.send(envelope.join(answer), timeout)) {
                counters.countReplied();
            } else {
                events.replyFailed(new ZmqException(Errno.EAGAIN, "reply not queued within " + timeout.toMillis()
                        + " ms"));
            }
        } catch (ZmqException e) {
            if (!gate.isClosed()) {
                events.replyFailed(e);
            }
        } catch (RuntimeException e) {
            events.replyFailed(e);
        }
    }
}
