package io.zconn.support;

import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The receive loop: owns the socket's receiving side, waits at most {@code poll} at a time, takes
 * the envelope off each message ({@link Envelope}) and hands it to the {@link Dispatcher}. It
 * survives any exception (exponential {@link Backoff}, one report per failure streak and one on
 * recovery); only a {@link VirtualMachineError}, or the context terminated under it while running,
 * ends it, and marks it {@linkplain #isFailed() failed}. Once stop begins it drains what the socket
 * already holds until the drain deadline (plus the slack), when asked to.
 */
final class Receiver implements Runnable {
    private final DeliverySettings settings;
    private final SocketType socketType;
    private final Inbox inbox;
    private final Dispatcher dispatcher;
    private final DeliveryAttempt attempt;
    private final Disposal disposal;
    private final Gate gate;
    private final DeliveryCounters counters;
    private final DeliveryEvents events;
    private final DeliveryClock clock;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean drainSocket = true;
    private volatile boolean failed;

    /**
     * @param socketType the type of the socket messages come from: a REP socket keeps the envelope
     *                   itself; otherwise the role's rules split it
     */
    Receiver(DeliverySettings settings, SocketType socketType, Inbox inbox, Dispatcher dispatcher,
             DeliveryAttempt attempt, Disposal disposal, Gate gate, DeliveryCounters counters, DeliveryEvents events,
             DeliveryClock clock) {
        this.settings = settings;
        this.socketType = socketType;
        this.inbox = inbox;
        this.dispatcher = dispatcher;
        this.attempt = attempt;
        this.disposal = disposal;
        this.gate = gate;
        this.counters = counters;
        this.events = events;
        this.clock = clock;
    }

    /** @param drain whether, once stop begins, what the socket already holds is delivered (else left in it) */
    void drainSocket(boolean drain) {
        this.drainSocket = drain;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs(), clock);
        try {
            while (!gate.isStopping()) {
                Message m;
                try {
                    m = inbox.receive(settings.poll());
                } catch (ZmqException e) {
                    if (gate.isStopping()) {
                        break;
                    }
                    if (e.errno() == Errno.ETERM) {
                        // the socket or context was closed under a running loop: say so, loudly
                        failed = true;
                        events.loopFailed(e);
                        break;
                    }
                    failing(backoff, e);
                    continue;
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    failing(backoff, e);
                    continue;
                }
                if (backoff.failures() > 0) {
                    events.receiveRecovered(backoff.failures(), backoff.streakMillis());
                    backoff.reset();
                }
                if (m != null) {
                    accept(m);
                }
            }
            if (drainSocket) {
                drain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!gate.isStopping()) {
                failed = true;
                events.loopInterrupted();
            }
        } catch (VirtualMachineError e) {
            failed = true;
            events.loopFailed(e);
            throw e;
        } finally {
            done.countDown();
        }
    }

    private void failing(Backoff backoff, Throwable e) throws InterruptedException {
        if (backoff.failures() == 0) {
            events.receiveFailing(e, settings.backoffInitialMs(), settings.backoffMaxMs());
        }
        clock.pause(backoff.fail(), gate.stopSignal());
    }

    /** After stop began: deliver what the socket already holds until the deadline (+ slack); dispatch gives up the rest. */
    private void drain() throws InterruptedException {
        long end = drainEnd();
        while (end - clock.nanoTime() > 0) {
            Message m;
            try {
                m = inbox.receive(Duration.ZERO);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                return;
            }
            if (m == null) {
                return;
            }
            accept(m);
        }
    }

    private long drainEnd() {
        return gate.drainDeadline() + settings.stopSlack().toNanos();
    }

    /**
     * After the gate closed: whatever the socket still holds (e.g. the loop is stuck in an ordered
     * delivery) is read and given up, quietly (the stop's summary reports it).
     *
     * @param millis at most this long
     */
    void abandonRemaining(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (end - System.nanoTime() > 0) {
            Message m;
            try {
                m = inbox.receive(Duration.ZERO);
            } catch (RuntimeException e) {
                return;
            }
            if (m == null) {
                return;
            }
            Envelope envelope = envelopeOf(m);
            if (envelope != null) {
                attempt.giveUp(envelope, "stopped before it could be delivered", null, true);
            }
        }
    }

    private void accept(Message m) throws InterruptedException {
        Envelope envelope = envelopeOf(m);
        if (envelope == null) {
            return;
        }
        if (settings.batches()) {
            // gives up what it took itself, whatever happens
            dispatcher.dispatchBatch(envelope, this::nextHeld);
            return;
        }
        try {
            dispatcher.dispatch(envelope);
        } catch (InterruptedException | VirtualMachineError e) {
            attempt.giveUp(envelope, "the receive loop was interrupted or failed", e, false);
            throw e;
        } catch (RuntimeException | Error e) {
            attempt.giveUp(envelope, "dispatch failed", e, false);
        }
    }

    /**
     * @return the next message the socket already holds (no waiting), or null when it holds none; a
     *         failure to receive ends the batch (the loop's next receive meets it again and reports it)
     */
    private Envelope nextHeld() {
        while (true) {
            Message m;
            try {
                m = inbox.receive(Duration.ZERO);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                return null;
            }
            if (m == null) {
                return null;
            }
            Envelope envelope = envelopeOf(m);
            if (envelope != null) {
                return envelope;
            }
        }
    }

    /** Counts a message received and takes its envelope off; a malformed one is given up (null). */
    private Envelope envelopeOf(Message m) {
        counters.countReceived();
        Envelope envelope = socketType == SocketType.REP ? Envelope.none(m) : Envelope.split(settings.role(), m);
        if (envelope == null) {
            disposal.abandon(m, "malformed " + settings.role() + " request (no empty delimiter frame)", null, false);
        }
        return envelope;
    }

    /**
     * @param nanos how long to wait
     * @return whether the loop has ended
     * @throws InterruptedException when interrupted
     */
    boolean awaitDone(long nanos) throws InterruptedException {
        return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** @return whether the loop died of a fatal error or an interrupt while running */
    boolean isFailed() {
        return failed;
    }
}
