package io.zconn.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one peer of a socket (one pipe: an accepted connection, a connected endpoint, an inproc
 * peer) has carried so far, as part of a {@link SocketMetrics} snapshot. Counts are whole messages
 * and their bytes (all frames, payload only), counted once where they enter a pipe: "out" is what
 * the socket queued for the peer, "in" is what arrived from the peer (delivered or still queued).
 * Subscriptions travel as messages too (SUB/XSUB out, PUB/XPUB in).
 *
 * @param endpoint       the endpoint this peer came through, as bound or connected (with the real
 *                       port for {@code tcp://*:*}); empty for internal pipes (the ZAP client)
 * @param remoteAddress  the peer's address as an endpoint ({@code tcp://10.0.0.7:41234},
 *                       {@code ipc:///path}); empty when unknown (inproc, not connected yet)
 * @param routingId      the routing id the socket knows the peer by (ROUTER: the one it routes by);
 *                       empty when none; the accessor returns a copy
 * @param peerType       the peer's socket type name as announced in its handshake; empty when unknown
 * @param connected      whether a peer is behind this pipe now (a connecting socket keeps its pipe
 *                       while it reconnects)
 * @param messagesIn     messages received from the peer
 * @param bytesIn        bytes of those messages
 * @param messagesOut    messages queued for the peer
 * @param bytesOut       bytes of those messages
 * @param queuedIn       received messages the application has not read yet (exact)
 * @param queuedOut      queued messages the peer side (the connection, or an inproc peer socket)
 *                       has not taken yet; the reader tells its progress every 64 messages and
 *                       whenever it finds the queue empty, so this may over-count by up to 63
 *                       (for instance when an inproc peer stopped reading right at its last message)
 * @param hwmIn          the receive high-water mark of this pipe in messages, 0 for none
 * @param hwmOut         the send high-water mark of this pipe in messages, 0 for none
 * @param hwmDrops       messages not sent to this peer because it was at its HWM (PUB, XPUB, ROUTER
 *                       without ROUTER_MANDATORY drop them)
 * @param hwmRefusals    sends refused (would block) because this peer was at its HWM (ROUTER with
 *                       ROUTER_MANDATORY, STREAM); a blocking send counts each try
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode compare its contents
public record PeerMetrics(String endpoint, String remoteAddress, byte[] routingId, String peerType, boolean connected,
                          long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                          long queuedIn, long queuedOut, long hwmIn, long hwmOut,
                          long hwmDrops, long hwmRefusals) {

    /** Checks and copies the components. */
    public PeerMetrics {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        routingId = routingId == null ? new byte[0] : routingId.clone();
        Objects.requireNonNull(peerType, "peerType");
    }

    /** @return the routing id (a copy), empty when none */
    @Override
    public byte[] routingId() {
        return routingId.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerMetrics p && endpoint.equals(p.endpoint) && remoteAddress.equals(p.remoteAddress)
                && Arrays.equals(routingId, p.routingId) && peerType.equals(p.peerType) && connected == p.connected
                && messagesIn == p.messagesIn && bytesIn == p.bytesIn && messagesOut == p.messagesOut
                && bytesOut == p.bytesOut && queuedIn == p.queuedIn && queuedOut == p.queuedOut && hwmIn == p.hwmIn
                && hwmOut == p.hwmOut && hwmDrops == p.hwmDrops && hwmRefusals == p.hwmRefusals;
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, remoteAddress, Arrays.hashCode(routingId), messagesIn, messagesOut);
    }

    @Override
    public String toString() {
        return "PeerMetrics[" + endpoint + (remoteAddress.isEmpty() ? "" : " <-> " + remoteAddress)
                + (routingId.length == 0 ? "" : " id=" + Frame.wrap(routingId))
                + (connected ? "" : " (not connected)")
                + " in=" + messagesIn + "/" + bytesIn + "B out=" + messagesOut + "/" + bytesOut + "B"
                + " queued in=" + queuedIn + "/" + hwmIn + " out=" + queuedOut + "/" + hwmOut
                + " hwmDrops=" + hwmDrops + " hwmRefusals=" + hwmRefusals + "]";
    }
}
