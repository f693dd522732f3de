package io.zconn.engine;

import java.util.List;

/**
 * The JMX view of a socket's {@link SocketMetrics}, registered as
 * {@code io.zconn:type=Socket,name="<name>"} when {@link ZmqOption#MBEAN_NAME} is set, and
 * unregistered when the socket closes. Each attribute reads a fresh snapshot. Peers appear as an
 * array of composite values with the attributes of {@link Peer}.
 */
public interface SocketMXBean {
    /** @return the socket type's name */
    String getType();

    /** @return whether the socket is closed (its totals stay readable) */
    boolean isClosed();

    /** @return see {@link SocketMetrics#messagesIn()} */
    long getMessagesIn();

    /** @return see {@link SocketMetrics#bytesIn()} */
    long getBytesIn();

    /** @return see {@link SocketMetrics#messagesOut()} */
    long getMessagesOut();

    /** @return see {@link SocketMetrics#bytesOut()} */
    long getBytesOut();

    /** @return see {@link SocketMetrics#hwmDrops()} */
    long getHwmDrops();

    /** @return see {@link SocketMetrics#sendsRefused()} */
    long getSendsRefused();

    /** @return see {@link SocketMetrics#reconnects()} */
    long getReconnects();

    /** @return see {@link SocketMetrics#connectRetries()} */
    long getConnectRetries();

    /** @return see {@link SocketMetrics#handshakeFailures()} */
    long getHandshakeFailures();

    /** @return see {@link SocketMetrics#spilledOut()} */
    long getSpilledOut();

    /** @return see {@link SocketMetrics#spilledBytesOut()} */
    long getSpilledBytesOut();

    /** @return see {@link SocketMetrics#spilledTotalOut()} */
    long getSpilledTotalOut();

    /** @return see {@link SocketMetrics#spillLost()} */
    long getSpillLost();

    /** @return the number of peers attached now */
    int getPeerCount();

    /** @return one entry per peer attached now */
    List<Peer> getPeers();

    /** One peer, as in {@link PeerMetrics}; JMX clients see it as a composite value. */
    interface Peer {
        /** @return see {@link PeerMetrics#endpoint()} */
        String getEndpoint();

        /** @return see {@link PeerMetrics#remoteAddress()} */
        String getRemoteAddress();

        /** @return the routing id as text when printable, else as hex; empty when none */
        String getRoutingId();

        /** @return see {@link PeerMetrics#peerType()} */
        String getPeerType();

        /** @return see {@link PeerMetrics#connected()} */
        boolean isConnected();

        /** @return see {@link PeerMetrics#messagesIn()} */
        long getMessagesIn();

        /** @return see {@link PeerMetrics#bytesIn()} */
        long getBytesIn();

        /** @return see {@link PeerMetrics#messagesOut()} */
        long getMessagesOut();

        /** @return see {@link PeerMetrics#bytesOut()} */
        long getBytesOut();

        /** @return see {@link PeerMetrics#queuedIn()} */
        long getQueuedIn();

        /** @return see {@link PeerMetrics#queuedOut()}: with SWAP it includes the messages on disk */
        long getQueuedOut();

        /** @return see {@link PeerMetrics#hwmIn()} */
        long getHwmIn();

        /** @return see {@link PeerMetrics#hwmOut()} */
        long getHwmOut();

        /** @return see {@link PeerMetrics#hwmDrops()} */
        long getHwmDrops();

        /** @return see {@link PeerMetrics#hwmRefusals()} */
        long getHwmRefusals();

        /** @return see {@link PeerMetrics#spilledOut()} */
        long getSpilledOut();

        /** @return see {@link PeerMetrics#spilledBytesOut()} */
        long getSpilledBytesOut();

        /** @return see {@link PeerMetrics#spilledTotalOut()} */
        long getSpilledTotalOut();

        /** @return see {@link PeerMetrics#spillLost()} */
        long getSpillLost();
    }
}
