package io.zconn.support;

import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One socket's inbound delivery, the same for the resource adapter and the bundle, assembled from
 * parts with one job each: the {@link Receiver} (the receive loop), the {@link Dispatcher} (a
 * bounded hand-over to the delivery executor, or in order on the loop), the {@link DeliveryAttempt}
 * (the listener call through the {@link Gate}, retries, the reply) and the {@link Disposal}
 * (dead letter or drop, never silent). The integration plugs in its {@link DeliveryTarget},
 * {@link DeliveryExecutor}, {@link DeadLetters} and {@link DeliveryEvents} (its numbered log lines).
 *
 * <p>Batches ({@link DeliverySettings#maxBatch()} above 1, one-way roles): a listener call
 * ({@link DeliveryTarget#deliverBatch}) takes the message that started it and what the socket already
 * holds when the delivery can start, up to {@code maxBatch}; it never waits for a batch to fill, so
 * batching adds no latency: under light load batches hold one message, under load they grow. A batch
 * is retried as a whole and, when it failed, each of its messages is dead-lettered or dropped.
 *
 * <p>No message is lost silently: every message taken from the socket ends up delivered, or failed
 * and then dead-lettered or dropped with a report ({@link DeliveryCounters}).
 *
 * <p>{@link #stop(boolean)}:
 * <ol>
 * <li>the loop stops taking new messages and (when asked) drains those the socket already holds:
 *     delivered until the drain timeout, then given up (dead-lettered or dropped);</li>
 * <li>running deliveries get the rest of the drain timeout plus the slack to finish;</li>
 * <li>the gate closes: from then on no listener call starts (a delivery or retry not yet started is
 *     given up instead);</li>
 * <li>when the settings ask for it, the threads still in a listener call are interrupted and waited
 *     for; those still running are reported and finish on their own;</li>
 * <li>what the socket still holds is given up; one summary line reports what stop handled.</li>
 * </ol>
 * Once it returns, no listener call starts; it returns within about drain timeout + 2 × slack +
 * interrupt wait + 1 s.
 */
public final class Inflow {
    /** How long stop reads and gives up what the socket still holds, at most (ms). */
    private static final long ABANDON_MS = 1000;

    private final DeliverySettings settings;
    private final DeliveryCounters counters;
    private final DeliveryEvents events;
    private final DeliveryClock clock;
    private final Gate gate;
    private final Dispatcher dispatcher;
    private final Receiver receiver;
    private volatile boolean loopStarted;

    private Inflow(Builder b) {
        this.settings = b.settings;
        this.counters = b.counters;
        this.events = b.events;
        this.clock = b.clock;
        this.gate = new Gate(clock);
        Disposal disposal = new Disposal(b.deadLetters, gate, counters, events, settings.deadLetterTimeout());
        DeliveryAttempt attempt = new DeliveryAttempt(settings, b.target, b.outbox, gate, disposal, counters, events,
                clock);
        this.dispatcher = new Dispatcher(settings, b.executor, attempt, gate);
        this.receiver = new Receiver(settings, b.socketType, b.inbox, dispatcher, attempt, disposal, gate, counters,
                events, clock);
    }

    /**
     * @param settings how to deliver
     * @return a builder
     */
    public static Builder builder(DeliverySettings settings) {
        return new Builder(settings);
    }

    /**
     * Starts the receive loop.
     *
     * @param loopRunner runs the loop (long-running work, or a thread of its own)
     * @throws RejectedExecutionException when the runner refuses it
     */
    public void start(Executor loopRunner) {
        loopRunner.execute(receiver);
        loopStarted = true;
    }

    /**
     * Stops; idempotent (a second call returns false at once). Called from inside a listener call,
     * it closes the gate and returns at once (it cannot wait for itself).
     *
     * @param drainSocket whether to deliver what the socket already holds (true when the socket is
     *                    about to close); false leaves it in the socket for a later delivery
     * @return whether everything ended in time: the loop, the deliveries and every listener call
     */
    public boolean stop(boolean drainSocket) {
        long t0 = clock.nanoTime();
        long deadline = t0 + settings.drainTimeout().toNanos();
        receiver.drainSocket(drainSocket);
        if (!gate.beginStop(deadline)) {
            return false;
        }
        if (gate.isInvoking()) {
            gate.close();
            dispatcher.shutdown();
            return false;
        }
        long wall0 = System.nanoTime();
        long before = counters.delivered();
        long dlBefore = counters.deadLettered();
        long dropBefore = counters.dropped();
        long slack = settings.stopSlack().toNanos();
        boolean clean = true;
        boolean idle = true;
        List<Thread> still = List.of();
        try {
            long end = wall0 + settings.drainTimeout().toNanos() + slack;
            clean = !loopStarted || receiver.awaitDone(end - System.nanoTime());
            idle = dispatcher.awaitIdle(end - System.nanoTime());
            still = gate.close();
            dispatcher.shutdown();
            if (!idle) {
                // deliveries waiting to retry wake up now and give their message up
                idle = dispatcher.awaitIdle(slack);
            }
            still = gate.invoking();
            long interruptMs = settings.interruptWait().toMillis();
            if (!still.isEmpty() && interruptMs > 0) {
                events.interrupting(still, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall0));
                for (Thread t : still) {
                    t.interrupt();
                }
                long iEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(interruptMs);
                gate.awaitNoneInvoking(interruptMs);
                clean = !loopStarted || receiver.awaitDone(iEnd - System.nanoTime());
                idle = dispatcher.awaitIdle(iEnd - System.nanoTime());
                still = gate.invoking();
            }
            if (!clean || !idle) {
                events.stopTimedOut();
            }
            if (!still.isEmpty()) {
                events.stillRunning(still);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gate.close();
            dispatcher.shutdown();
            clean = false;
        }
        if (drainSocket) {
            receiver.abandonRemaining(ABANDON_MS);
        }
        long d = counters.delivered() - before;
        long dl = counters.deadLettered() - dlBefore;
        long dr = counters.dropped() - dropBefore;
        if (d + dl + dr > 0) {
            events.drained(d, dl, dr, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall0));
        }
        return clean && idle && still.isEmpty();
    }

    /** @return the account of this delivery */
    public DeliveryCounters counters() {
        return counters;
    }

    /** @return whether the receive loop died of a fatal error; start a new delivery to recover */
    public boolean isFailed() {
        return receiver.isFailed();
    }

    /** @return whether stop has begun */
    public boolean isStopping() {
        return gate.isStopping();
    }

    /** @return whether no listener call starts any more (a multi-listener target checks between listeners) */
    public boolean isClosed() {
        return gate.isClosed();
    }

    /** Assembles an {@link Inflow}. */
    public static final class Builder {
        private final DeliverySettings settings;
        private Inbox inbox;
        private Outbox outbox;
        private SocketType socketType;
        private DeliveryTarget target;
        private DeliveryExecutor executor;
        private DeadLetters deadLetters;
        private DeliveryEvents events;
        private DeliveryCounters counters = new DeliveryCounters();
        private DeliveryClock clock = DeliveryClock.SYSTEM;

        private Builder(DeliverySettings settings) {
            this.settings = Objects.requireNonNull(settings);
        }

        /**
         * Receives from and replies on this socket.
         *
         * @param socket the socket
         * @return this
         */
        public Builder socket(Socket socket) {
            this.inbox = socket::recvMessage;
            this.outbox = socket::send;
            this.socketType = socket.type();
            return this;
        }

        /**
         * @param in        where messages come from
         * @param out       where replies go
         * @param typeOfSocket the type of the socket behind them (REP keeps envelopes itself)
         * @return this
         */
        public Builder channel(Inbox in, Outbox out, SocketType typeOfSocket) {
            this.inbox = in;
            this.outbox = out;
            this.socketType = typeOfSocket;
            return this;
        }

        /**
         * @param t the listener call
         * @return this
         */
        public Builder target(DeliveryTarget t) {
            this.target = t;
            return this;
        }

        /**
         * @param e runs deliveries; not needed when ordered
         * @return this
         */
        public Builder executor(DeliveryExecutor e) {
            this.executor = e;
            return this;
        }

        /**
         * @param d where failed messages go; null: they are dropped (counted and reported)
         * @return this
         */
        public Builder deadLetters(DeadLetters d) {
            this.deadLetters = d;
            return this;
        }

        /**
         * @param e the integration's reports
         * @return this
         */
        public Builder events(DeliveryEvents e) {
            this.events = e;
            return this;
        }

        /**
         * @param c the account (default: a new one)
         * @return this
         */
        public Builder counters(DeliveryCounters c) {
            this.counters = c;
            return this;
        }

        /**
         * @param c the clock (default: {@link DeliveryClock#SYSTEM})
         * @return this
         */
        public Builder clock(DeliveryClock c) {
            this.clock = c;
            return this;
        }

        /** @return the inflow, not started */
        public Inflow build() {
            Objects.requireNonNull(inbox, "socket or channel");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(counters, "counters");
            Objects.requireNonNull(clock, "clock");
            return new Inflow(this);
        }
    }
}
