package io.zconn.ra.stats;

/**
 * What one endpoint activation (one message-driven bean's socket) has done since it started;
 * registered as {@code io.zconn:type=Activation,name=<bean <- socket>} while the activation runs.
 * Read-only. The account has no silent loss: {@code MessagesReceived = Delivered + Failed + InFlight}
 * and {@code Failed = DeadLettered + Dropped}.
 */
public interface ActivationStatsMXBean extends PeerFigures {
    /** @return the activation's description (bean, socket type, bind or connect, endpoints) */
    String getDescription();

    /** @return the endpoint the socket bound last (with the real port for {@code tcp://*:*}), or null */
    String getLastEndpoint();

    /** @return messages taken from the socket */
    long getMessagesReceived();

    /** @return bytes of the messages taken from the socket (for REP, with the routing envelope) */
    long getBytesReceived();

    /** @return messages whose listener call succeeded */
    long getDelivered();

    /** @return messages not delivered (every attempt failed, work rejected, malformed, deactivated) */
    long getFailed();

    /** @return listener calls that were retries of a failed call */
    long getRetried();

    /** @return failed messages sent to the dead-letter endpoint */
    long getDeadLettered();

    /** @return failed messages neither delivered nor dead-lettered (each logged) */
    long getDropped();

    /** @return replies queued on the socket */
    long getReplied();

    /** @return messages received and not yet delivered or failed (queued for, or in, a listener call) */
    long getInFlight();

    /** @return whether the receive loop died of a fatal error (ZCONNRA0043); redeploy to recover */
    boolean isLoopFailed();

    // ---- readiness (the peer and HWM figures are PeerFigures') ----

    /**
     * @return whether the activation is ready: its socket is open, its receive loop runs, and at least
     *         {@link #getRequiredPeers()} peers are attached (1 when its socket connects, 0 when it binds)
     */
    boolean isReady();
}
