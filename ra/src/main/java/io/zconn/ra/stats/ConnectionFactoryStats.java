package io.zconn.ra.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one connection factory: {@link LongAdder}s, so that concurrent senders do not
 * contend on one cache line. Counting is a few nanoseconds per message; nothing else is kept.
 */
public final class ConnectionFactoryStats extends SocketFigures implements ConnectionFactoryStatsMXBean {
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder sendsFailed = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder heldForCommit = new LongAdder();
    private final LongAdder sentAfterCommit = new LongAdder();
    private final LongAdder discardedOnRollback = new LongAdder();
    private final LongAdder failedAfterCommit = new LongAdder();
    private volatile String description;

    /** @param description the factory's description */
    public ConnectionFactoryStats(String description) {
        super(new PeerStats("connection factory"));
        this.description = description;
    }

    /** @param d the factory's description (its configuration may change until it is used) */
    public void describe(String d) {
        this.description = d;
    }

    /** @param bytes payload bytes of a message handed to a socket */
    public void sent(long bytes) {
        messagesSent.increment();
        bytesSent.add(bytes);
    }

    /** A send that failed. */
    public void sendFailed() {
        sendsFailed.increment();
    }

    /** @param bytes payload bytes of a message taken from a socket */
    public void received(long bytes) {
        messagesReceived.increment();
        bytesReceived.add(bytes);
    }

    /** A send held for its transaction. */
    public void held() {
        heldForCommit.increment();
    }

    /** A held message sent after the commit. */
    public void sentAfterCommit() {
        sentAfterCommit.increment();
    }

    /** @param n held messages discarded on rollback */
    public void discarded(int n) {
        discardedOnRollback.add(n);
    }

    /** @return failed sends after a commit so far, this one included */
    public long failedAfterCommit() {
        failedAfterCommit.increment();
        return failedAfterCommit.sum();
    }

    @Override
    public boolean isReady() {
        int required = getRequiredPeers();
        return required == 0 || peers.socketsShortOf(required) == 0;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public long getMessagesSent() {
        return messagesSent.sum();
    }

    @Override
    public long getBytesSent() {
        return bytesSent.sum();
    }

    @Override
    public long getSendsFailed() {
        return sendsFailed.sum();
    }

    @Override
    public long getMessagesReceived() {
        return messagesReceived.sum();
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long getHeldForCommit() {
        return heldForCommit.sum();
    }

    @Override
    public long getSentAfterCommit() {
        return sentAfterCommit.sum();
    }

    @Override
    public long getDiscardedOnRollback() {
        return discardedOnRollback.sum();
    }

    @Override
    public long getFailedAfterCommit() {
        return failedAfterCommit.sum();
    }

    @Override
    public String toString() {
        return "sent=" + getMessagesSent() + " (" + getBytesSent() + " B) sendsFailed=" + getSendsFailed()
                + " received=" + getMessagesReceived() + " (" + getBytesReceived() + " B) held=" + getHeldForCommit()
                + " sentAfterCommit=" + getSentAfterCommit() + " discarded=" + getDiscardedOnRollback()
                + " failedAfterCommit=" + getFailedAfterCommit() + " peersConnected=" + getPeersConnected()
                + " connects=" + getConnects() + " disconnects=" + getDisconnects() + " reconnects=" + getReconnects()
                + " hwmDrops=" + getHwmDrops() + " sendsRefused=" + getSendsRefused() + " ready=" + isReady();
    }
}
