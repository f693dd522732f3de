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
 *                       has not taken yet, in memory and, with {@link ZmqOption#SWAP}, on disk (so it
 *                       may exceed {@code hwmOut}; {@code spilledOut} of them are on disk); the reader
 *                       tells its progress in memory every 64 messages and whenever it finds the
 *                       queue empty, so this may over-count by up to 63 (for instance when an inproc
 *                       peer stopped reading right at its last message)
 * @param hwmIn          the receive high-water mark of this pipe in messages, 0 for none
 * @param hwmOut         the send high-water mark of this pipe in messages, 0 for none
 * @param hwmDrops       messages not sent to this peer because it was at its HWM (PUB, XPUB, ROUTER
 *                       without ROUTER_MANDATORY drop them)
 * @param hwmRefusals    sends refused (would block) because this peer was at its HWM (ROUTER with
 *                       ROUTER_MANDATORY, STREAM); a blocking send counts each try
 * @param spilledOut     SWAP: messages for the peer that wait in the spill file now (part of
 *                       {@code queuedOut}; exact); 0 without SWAP
 * @param spilledBytesOut SWAP: payload bytes of those messages (the file also holds 9 bytes of
 *                       header per frame, and keeps records already read until it has been emptied)
 * @param spilledTotalOut SWAP: messages for the peer ever written to the spill file (part of
 *                       {@code messagesOut})
 * @param spillLost      SWAP: messages of the spill file dropped, not sent, because the file was
 *                       found corrupt while being read back (logged at ERROR)
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals and hashCode compare its contents
public record PeerMetrics(String endpoint, String remoteAddress, byte[] routingId, String peerType, boolean connected,
                          long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                          long queuedIn, long queuedOut, long hwmIn, long hwmOut,
                          long hwmDrops, long hwmRefusals,
                          long spilledOut, long spilledBytesOut, long spilledTotalOut, long spillLost) {

    /** Checks and copies the components. */
    public PeerMetrics {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        routingId = routingId == null ? new byte[0] : routingId.clone();
        Objects.requireNonNull(peerType, "peerType");
    }

    /**
     * A peer without SWAP figures (all 0), as before SWAP was counted.
     *
     * @param endpoint      see the record's components
     * @param remoteAddress see the record's components
     * @param routingId     see the record's components
     * @param peerType      see the record's components
     * @param connected     see the record's components
     * @param messagesIn    see the record's components
     * @param bytesIn       see the record's components
     * @param messagesOut   see the record's components
     * @param bytesOut      see the record's components
     * @param queuedIn      see the record's components
     * @param queuedOut     see the record's components
     * @param hwmIn         see the record's components
     * @param hwmOut        see the record's components
     * @param hwmDrops      see the record's components
     * @param hwmRefusals   see the record's components
     */
    public PeerMetrics(String endpoint, String remoteAddress, byte[] routingId, String peerType, boolean connected,
                       long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                       long queuedIn, long queuedOut, long hwmIn, long hwmOut,
                       long hwmDrops, long hwmRefusals) {
        this(endpoint, remoteAddress, routingId, peerType, connected, messagesIn, bytesIn, messagesOut, bytesOut,
                queuedIn, queuedOut, hwmIn, hwmOut, hwmDrops, hwmRefusals, 0, 0, 0, 0);
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
                && hwmOut == p.hwmOut && hwmDrops == p.hwmDrops && hwmRefusals == p.hwmRefusals
                && spilledOut == p.spilledOut && spilledBytesOut == p.spilledBytesOut
                && spilledTotalOut == p.spilledTotalOut && spillLost == p.spillLost;
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
                + " hwmDrops=" + hwmDrops + " hwmRefusals=" + hwmRefusals
                + (spilledTotalOut == 0 && spillLost == 0 ? "" : " spilled=" + spilledOut + "/" + spilledBytesOut
                        + "B total=" + spilledTotalOut + " lost=" + spillLost)
                + "]";
    }
}
