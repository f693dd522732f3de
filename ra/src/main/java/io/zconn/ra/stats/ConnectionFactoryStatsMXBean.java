package io.zconn.ra.stats;

/**
 * What one zconn connection factory (one {@code ZmqManagedConnectionFactory}) has done since it
 * was created, over all its connections; registered as
 * {@code io.zconn:type=ConnectionFactory,name=<socket type, mode and endpoints>}. Read-only; the
 * counts only grow. Bytes are frame payloads (a multipart message counts all its frames).
 */
public interface ConnectionFactoryStatsMXBean extends PeerFigures {
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

    // ---- readiness (the peer and HWM figures are PeerFigures') ----

    /**
     * @return whether the factory is ready: {@code requirePeers} is unset, or every socket it has open has at least that many peers attached (a factory with no socket open yet is ready: its first send waits for the peers itself)
     */
    boolean isReady();
}
