package io.zconn.engine;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of what a socket has carried and met so far, from {@link Socket#metrics()}: totals
 * since the socket was created (peers that have gone included) and one {@link PeerMetrics} per
 * peer attached now. The counters are always on: they are kept where each message passes once
 * (the pipe between the socket and its peer) with plain or opaque stores, no locks and no
 * allocation per message. A snapshot is immutable; the counts in it are read one after the other
 * while traffic goes on, so they are each exact but not taken at one instant.
 *
 * @param type              the socket's type
 * @param messagesIn        messages received from all peers, including those still queued
 * @param bytesIn           bytes of those messages (payload of every frame)
 * @param messagesOut       messages queued for all peers (a PUB message to three subscribers counts
 *                          three times, as it is queued three times)
 * @param bytesOut          bytes of those messages
 * @param hwmDrops          messages not queued for a peer because it was at its HWM (PUB, XPUB,
 *                          ROUTER without ROUTER_MANDATORY)
 * @param sendsRefused      sends that returned EAGAIN or {@code false} (HWM reached or no peer to
 *                          send to, within the timeout given)
 * @param reconnects        connections re-established by {@code connect()}ed endpoints after an
 *                          earlier one of theirs had completed its handshake (a peer restart)
 * @param connectRetries    connection attempts scheduled again after one failed or dropped
 *                          ({@link SocketEvent.Type#CONNECT_RETRIED})
 * @param handshakeFailures ZMTP handshakes that failed (protocol errors, mechanism mismatches,
 *                          authentication refusals, peers that went away or were too slow)
 * @param peers             the peers attached now, in the order they were attached
 * @param spilledOut        SWAP: messages waiting in the spill files of the peers attached now
 *                          (part of their {@link PeerMetrics#queuedOut()}); 0 without SWAP
 * @param spilledBytesOut   SWAP: payload bytes of those messages
 * @param spilledTotalOut   SWAP: messages ever written to spill files (peers gone included)
 * @param spillLost         SWAP: messages dropped because a spill file was found corrupt while
 *                          being read back (peers gone included; each logged at ERROR)
 */
public record SocketMetrics(SocketType type, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                            long hwmDrops, long sendsRefused, long reconnects, long connectRetries,
                            long handshakeFailures, List<PeerMetrics> peers,
                            long spilledOut, long spilledBytesOut, long spilledTotalOut, long spillLost) {

    /** Checks and copies the components. */
    public SocketMetrics {
        Objects.requireNonNull(type, "type");
        peers = List.copyOf(peers);
    }

    /**
     * A snapshot without SWAP figures (all 0), as before SWAP was counted.
     *
     * @param type              see the record's components
     * @param messagesIn        see the record's components
     * @param bytesIn           see the record's components
     * @param messagesOut       see the record's components
     * @param bytesOut          see the record's components
     * @param hwmDrops          see the record's components
     * @param sendsRefused      see the record's components
     * @param reconnects        see the record's components
     * @param connectRetries    see the record's components
     * @param handshakeFailures see the record's components
     * @param peers             see the record's components
     */
    public SocketMetrics(SocketType type, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                         long hwmDrops, long sendsRefused, long reconnects, long connectRetries,
                         long handshakeFailures, List<PeerMetrics> peers) {
        this(type, messagesIn, bytesIn, messagesOut, bytesOut, hwmDrops, sendsRefused, reconnects, connectRetries,
                handshakeFailures, peers, 0, 0, 0, 0);
    }
}
