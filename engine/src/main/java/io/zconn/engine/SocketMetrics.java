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
 */
public record SocketMetrics(SocketType type, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                            long hwmDrops, long sendsRefused, long reconnects, long connectRetries,
                            long handshakeFailures, List<PeerMetrics> peers) {

    /** Checks and copies the components. */
    public SocketMetrics {
        Objects.requireNonNull(type, "type");
        peers = List.copyOf(peers);
    }
}
