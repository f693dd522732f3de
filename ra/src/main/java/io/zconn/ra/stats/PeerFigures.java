package io.zconn.ra.stats;

/**
 * The figures an activation and a connection factory both report about their sockets' peers:
 * connections from the sockets' events and {@code Socket.peers()}, queues and the HWM from
 * {@code Socket.metrics()}. Part of both MXBean interfaces; each says what "its sockets" are.
 */
public interface PeerFigures {
    /** @return peers attached now to the sockets (handshake done; for PUB, subscribed peers only) */
    int getPeersConnected();

    /** @return connections made or accepted by the sockets (CONNECTED and ACCEPTED events) */
    long getConnects();

    /** @return connections lost other than by the owner's own close (DISCONNECTED events) */
    long getDisconnects();

    /** @return reconnect attempts scheduled by connecting sockets (CONNECT_RETRIED events) */
    long getReconnects();

    /** @return the peers each socket needs for the owner to be ready (see {@code isReady()}) */
    int getRequiredPeers();

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

    /**
     * @return the fullest queue (in or out) of any peer now, in percent of its HWM (0 when unbounded;
     *         at most 100: with SWAP, what lies past the HWM is in {@link #getSpilledOut()})
     */
    int getQueueFillPercent();

    /** @return peers with a queue (in or out) at its HWM now */
    int getPeersAtHwm();

    /** @return SWAP: messages waiting in the spill files of the peers attached now (part of QueuedOut) */
    long getSpilledOut();

    /** @return SWAP: payload bytes of the messages waiting in spill files now */
    long getSpilledBytesOut();

    /** @return SWAP: messages lost because a spill file was found corrupt when read back, since start */
    long getSpillLost();
}
