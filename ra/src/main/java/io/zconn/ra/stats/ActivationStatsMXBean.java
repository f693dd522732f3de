package io.zconn.ra.stats;

/**
 * What one endpoint activation (one message-driven bean's socket) has done since it started;
 * registered as {@code io.zconn:type=Activation,name=<bean <- socket>} while the activation runs.
 * Read-only. The account has no silent loss: {@code MessagesReceived = Delivered + Failed + InFlight}
 * and {@code Failed = DeadLettered + Dropped}.
 */
public interface ActivationStatsMXBean {
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

    // ---- peers: from the socket's connection events and Socket.peers() ----

    /** @return peers attached now to the activation's socket (handshake done) */
    int getPeersConnected();

    /** @return connections made or accepted by the socket (CONNECTED and ACCEPTED events) */
    long getConnects();

    /** @return connections lost other than by the activation's own close (DISCONNECTED events) */
    long getDisconnects();

    /** @return reconnect attempts scheduled (CONNECT_RETRIED events; a connecting socket only) */
    long getReconnects();

    // ---- readiness and the HWM: Socket.peers() and Socket.metrics() ----

    /**
     * @return the peers the activation needs to be ready: 1 when its socket connects (a connecting socket with no peer receives nothing), 0 when it binds
     */
    int getRequiredPeers();

    /**
     * @return whether the activation is ready: its socket is open, its receive loop runs, and at least {@link #getRequiredPeers()} peers are attached
     */
    boolean isReady();

    /** @return messages not queued for a peer because it was at its HWM (PUB, XPUB, ROUTER), since start */
    long getHwmDrops();

    /**
     * @return sends that returned EAGAIN or false (a peer at its HWM, or no peer to send to, within
     *         the timeout), since start
     */
    long getSendsRefused();

    /** @return received messages not read yet, over the peers attached now */
    long getQueuedIn();

    /** @return messages queued for the peers attached now and not yet taken by them */
    long getQueuedOut();

    /** @return the fullest queue (in or out) of any peer now, in percent of its HWM (0 when unbounded) */
    int getQueueFillPercent();

    /** @return peers with a queue (in or out) at its HWM now */
    int getPeersAtHwm();
}
