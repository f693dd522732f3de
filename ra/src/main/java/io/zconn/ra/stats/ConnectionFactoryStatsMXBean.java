package io.zconn.ra.stats;

/**
 * What one zconn connection factory (one {@code ZmqManagedConnectionFactory}) has done since it
 * was created, over all its connections; registered as
 * {@code io.zconn:type=ConnectionFactory,name=<socket type, mode and endpoints>}. Read-only; the
 * counts only grow. Bytes are frame payloads (a multipart message counts all its frames).
 */
public interface ConnectionFactoryStatsMXBean {
    /** @return the factory's description (socket type, bind or connect, endpoints, mechanism) */
    String getDescription();

    /**
     * @return messages handed to a socket ({@code send}, the request of {@code request}, and sends
     *         after a commit)
     */
    long getMessagesSent();

    /** @return bytes of the messages sent */
    long getBytesSent();

    /** @return sends that failed (timeout, closed or broken socket); the message was not sent */
    long getSendsFailed();

    /** @return messages taken from a socket ({@code receive} and the reply of {@code request}) */
    long getMessagesReceived();

    /** @return bytes of the messages received */
    long getBytesReceived();

    /** @return sends made inside a JTA transaction and held until it completes ({@code sendOnCommit}) */
    long getHeldForCommit();

    /** @return held messages sent after their transaction committed */
    long getSentAfterCommit();

    /** @return held messages discarded because their transaction did not commit */
    long getDiscardedOnRollback();

    /** @return held messages whose send after the commit failed (lost, logged ZCONNRA0025) */
    long getFailedAfterCommit();

    // ---- peers: from the sockets' connection events and Socket.peers() ----

    /**
     * @return peers attached now to the factory's open sockets (handshake done; for PUB, subscribed
     *         peers only), summed over its pooled and shared sockets
     */
    int getPeersConnected();

    /** @return connections made or accepted by the factory's sockets (CONNECTED and ACCEPTED events) */
    long getConnects();

    /** @return connections lost other than by the factory's own close (DISCONNECTED events) */
    long getDisconnects();

    /** @return reconnect attempts scheduled by the factory's connecting sockets (CONNECT_RETRIED events) */
    long getReconnects();

    // ---- readiness and the HWM: Socket.peers() and Socket.metrics() ----

    /**
     * @return the peers the factory needs to be ready: its {@code requirePeers} per socket (0 when unset)
     */
    int getRequiredPeers();

    /**
     * @return whether the factory is ready: {@code requirePeers} is unset, or every socket it has open has at least that many peers attached (a factory with no socket open yet is ready: its first send waits for the peers itself)
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
