package io.zconn.ra.stats;

/**
 * {@link PeerFigures} read from one {@link PeerStats}, and the peers required for readiness: the
 * part an activation's and a connection factory's statistics share.
 */
abstract class SocketFigures implements PeerFigures {
    /** The peer counters of the owner's sockets. */
    final PeerStats peers;
    private volatile int requiredPeers;

    SocketFigures(PeerStats peers) {
        this.peers = peers;
    }

    /** @return the peer counters of the owner's sockets */
    public PeerStats peers() {
        return peers;
    }

    /** @param n the peers each socket needs for the owner to be ready */
    public void requirePeers(int n) {
        this.requiredPeers = n;
    }

    @Override
    public int getRequiredPeers() {
        return requiredPeers;
    }

    @Override
    public int getPeersConnected() {
        return peers.peersConnected();
    }

    @Override
    public long getConnects() {
        return peers.connects();
    }

    @Override
    public long getDisconnects() {
        return peers.disconnects();
    }

    @Override
    public long getReconnects() {
        return peers.reconnects();
    }

    @Override
    public long getHwmDrops() {
        return peers.hwm().drops();
    }

    @Override
    public long getSendsRefused() {
        return peers.hwm().sendsRefused();
    }

    @Override
    public long getQueuedIn() {
        return peers.hwm().queuedIn();
    }

    @Override
    public long getQueuedOut() {
        return peers.hwm().queuedOut();
    }

    @Override
    public int getQueueFillPercent() {
        return peers.hwm().fillPercent();
    }

    @Override
    public int getPeersAtHwm() {
        return peers.hwm().peersAtHwm();
    }

    @Override
    public long getSpilledOut() {
        return peers.hwm().spilledOut();
    }

    @Override
    public long getSpilledBytesOut() {
        return peers.hwm().spilledBytesOut();
    }

    @Override
    public long getSpillLost() {
        return peers.hwm().spillLost();
    }
}
