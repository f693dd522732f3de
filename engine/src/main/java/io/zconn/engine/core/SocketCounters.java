package io.zconn.engine.core;

import io.zconn.engine.PeerMetrics;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.SocketType;
import io.zconn.engine.pipe.Pipe;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A socket's own counters (the per-message ones live in its pipes, see {@link Pipe#messagesOut()}):
 * events that are rare next to messages, counted with atomics from whichever thread meets them
 * (I/O threads for connections and handshakes, application threads for refused sends), and the
 * totals of pipes that have gone, added under the socket's lock when they leave it.
 */
public final class SocketCounters {
    private final AtomicLong sendsRefused = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong connectRetries = new AtomicLong();
    private final AtomicLong handshakeFailures = new AtomicLong();
    // totals of departed pipes, under the socket's lock
    private long goneMessagesIn;
    private long goneBytesIn;
    private long goneMessagesOut;
    private long goneBytesOut;
    private long goneHwmDrops;
    private long goneSpilledTotal;
    private long goneSpillLost;

    SocketCounters() {
    }

    /** A send returned EAGAIN (or false): HWM reached or no peer, within its timeout. */
    void sendRefused() {
        sendsRefused.incrementAndGet();
    }

    /** A connected endpoint made a new connection after an earlier one had completed its handshake. */
    public void reconnected() {
        reconnects.incrementAndGet();
    }

    /** A connection attempt was scheduled again. */
    public void connectRetried() {
        connectRetries.incrementAndGet();
    }

    /** A ZMTP handshake failed. */
    public void handshakeFailed() {
        handshakeFailures.incrementAndGet();
    }

    /** Adds a pipe that leaves the socket to the totals; caller holds the socket's lock. */
    void retire(Pipe p) {
        goneMessagesIn += p.messagesIn();
        goneBytesIn += p.bytesIn();
        goneMessagesOut += p.messagesOut();
        goneBytesOut += p.bytesOut();
        goneHwmDrops += p.hwmDrops();
        goneSpilledTotal += p.spilledTotalOut();
        goneSpillLost += p.spillLostOut();
    }

    /**
     * Builds a snapshot; caller holds the socket's lock.
     *
     * @param type  the socket's type
     * @param pipes the socket's pipes now
     * @return the snapshot
     */
    SocketMetrics snapshot(SocketType type, Collection<Pipe> pipes) {
        long msgsIn = goneMessagesIn;
        long bytesIn = goneBytesIn;
        long msgsOut = goneMessagesOut;
        long bytesOut = goneBytesOut;
        long drops = goneHwmDrops;
        long spilled = 0;
        long spilledBytes = 0;
        long spilledTotal = goneSpilledTotal;
        long spillLost = goneSpillLost;
        List<PeerMetrics> peers = new ArrayList<>(pipes.size());
        for (Pipe p : pipes) {
            PeerMetrics m = peer(p);
            peers.add(m);
            msgsIn += m.messagesIn();
            bytesIn += m.bytesIn();
            msgsOut += m.messagesOut();
            bytesOut += m.bytesOut();
            drops += m.hwmDrops();
            spilled += m.spilledOut();
            spilledBytes += m.spilledBytesOut();
            spilledTotal += m.spilledTotalOut();
            spillLost += m.spillLost();
        }
        return new SocketMetrics(type, msgsIn, bytesIn, msgsOut, bytesOut, drops, sendsRefused.get(),
                reconnects.get(), connectRetries.get(), handshakeFailures.get(), peers,
                spilled, spilledBytes, spilledTotal, spillLost);
    }

    private static PeerMetrics peer(Pipe p) {
        String endpoint = p.attachment() instanceof EndpointHandle h && h.endpoint() != null ? h.endpoint()
                : p.endpoint() != null ? p.endpoint() : "";
        String remote = p.remoteAddress();
        String peerType = p.peerSocketType();
        return new PeerMetrics(endpoint, remote == null ? "" : remote, p.routingId(), peerType == null ? "" : peerType,
                p.connected() && !p.isTerminated(), p.messagesIn(), p.bytesIn(), p.messagesOut(), p.bytesOut(),
                p.depthIn(), p.depthOut(), p.hwmIn(), p.hwmOut(), p.hwmDrops(), p.hwmRefusals(),
                p.spilledOut(), p.spilledBytesOut(), p.spilledTotalOut(), p.spillLostOut());
    }
}
