package io.zconn.support;

import io.zconn.engine.SocketType;

import java.util.List;

/**
 * What the delivery layer reports, one method per event. The layer decides <em>when</em> an event
 * happens and how often it is reported (e.g. once per receive-failure streak); each integration
 * decides how it is logged, so that its documented message codes stay what they are (the resource
 * adapter's {@code ZCONNRA00nn} through java.util.logging, the bundle's {@code ZCONN-13n} through
 * {@link System.Logger}). There are no default methods on purpose: an event added here must be
 * mapped by every integration, or the build fails.
 */
public interface DeliveryEvents {
    /**
     * The receive loop failed; reported once per failure streak.
     *
     * @param cause   the first failure of the streak
     * @param firstMs the first pause
     * @param maxMs   the largest pause
     */
    void receiveFailing(Throwable cause, long firstMs, long maxMs);

    /**
     * @param failures failures in the streak that just ended
     * @param millis   how long the streak lasted
     */
    void receiveRecovered(int failures, long millis);

    /**
     * The receive loop died of a fatal error (a {@link VirtualMachineError}, the context terminated
     * while running): nothing more is received until the integration starts it again.
     *
     * @param error the error
     */
    void loopFailed(Throwable error);

    /** The receive loop was interrupted while running (not by stop): nothing more is received. */
    void loopInterrupted();

    /**
     * @param attempt the attempt that failed (1 = first delivery)
     * @param cause   what the target threw
     */
    void attemptFailed(int attempt, Throwable cause);

    /**
     * A message's delivery failed on every attempt; it is dead-lettered or dropped next. For a batch,
     * reported once: every message of it failed, each is dead-lettered or dropped next.
     *
     * @param attempts    attempts made
     * @param failedSoFar failed messages so far
     * @param cause       the last failure
     */
    void deliveryFailed(int attempts, long failedSoFar, Throwable cause);

    /** @param endpoint the dead-letter endpoint a failed message was sent to */
    void deadLettered(String endpoint);

    /**
     * @param endpoint     the dead-letter endpoint
     * @param droppedSoFar dropped messages so far
     * @param reason       why it could not be sent (a Throwable or a text)
     */
    void deadLetterFailed(String endpoint, long droppedSoFar, Object reason);

    /**
     * A failed message was dropped: there is no dead-letter endpoint.
     *
     * @param reason       why it was not delivered
     * @param droppedSoFar dropped messages so far
     * @param cause        the failure, or null
     */
    void messageDropped(String reason, long droppedSoFar, Throwable cause);

    /**
     * Summary of a stop that handled messages already received (reported instead of one line each).
     *
     * @param delivered    delivered while stopping
     * @param deadLettered dead-lettered while stopping
     * @param dropped      dropped while stopping
     * @param millis       how long the stop took
     */
    void drained(long delivered, long deadLettered, long dropped, long millis);

    /** Stop gave up waiting for the receive loop or the running deliveries. */
    void stopTimedOut();

    /**
     * Stop interrupts the threads still in a listener call (only when the settings ask for it).
     *
     * @param threads the threads
     * @param afterMs how long after stop began
     */
    void interrupting(List<Thread> threads, long afterMs);

    /**
     * Listener calls still running when stop returns; no new call starts, these finish on their own.
     *
     * @param threads the threads running them
     */
    void stillRunning(List<Thread> threads);

    /** @param cause why a reply could not be queued */
    void replyFailed(Throwable cause);

    /**
     * A listener returned a reply on a socket that cannot send one; reported once.
     *
     * @param type the socket's role
     */
    void replyIgnored(SocketType type);
}
