package io.zconn.engine;

import java.util.Locale;
import java.util.Set;

/**
 * The ZeroMQ socket types, with the peer types each may talk to (ZMTP 3.x, rfc.zeromq.org/spec/37).
 * The name of each constant is the value of the ZMTP {@code Socket-Type} metadata property.
 */
public enum SocketType {
    /** Exclusive pair: one peer, bidirectional. */
    PAIR("PAIR"),
    /** Publisher: fans out to subscribers whose subscriptions match. */
    PUB("SUB", "XSUB"),
    /** Subscriber: receives what matches its subscriptions. */
    SUB("PUB", "XPUB"),
    /** Request: strict send/receive alternation, load-balanced. */
    REQ("REP", "ROUTER"),
    /** Reply: strict receive/send alternation, fair-queued. */
    REP("REQ", "DEALER"),
    /** Asynchronous request: load-balances sends, fair-queues receives. */
    DEALER("REP", "DEALER", "ROUTER"),
    /** Asynchronous reply: routes by peer routing id. */
    ROUTER("REQ", "DEALER", "ROUTER"),
    /** Pipeline downstream: fair-queues receives. */
    PULL("PUSH"),
    /** Pipeline upstream: load-balances sends. */
    PUSH("PULL"),
    /** Extended publisher: also receives subscriptions. */
    XPUB("SUB", "XSUB"),
    /** Extended subscriber: sends subscriptions as messages. */
    XSUB("PUB", "XPUB"),
    /**
     * Raw tcp (no ZMTP): talks to any tcp peer. Each message is {@code [routing id, data]}; an empty
     * data frame announces a connection or a disconnection (STREAM_NOTIFY), and sending one closes
     * that connection.
     */
    STREAM;

    @SuppressWarnings("ImmutableEnumChecker") // Set.of: unmodifiable
    private final Set<String> peers;

    SocketType(String... peers) {
        this.peers = Set.of(peers);
    }

    /**
     * @param peer the peer's socket type
     * @return whether a socket of this type may talk to a peer of the given type
     */
    public boolean isCompatibleWith(SocketType peer) {
        return peers.contains(peer.name());
    }

    /**
     * @param peerTypeName the peer's {@code Socket-Type} as sent on the wire
     * @return whether a socket of this type may talk to that peer
     */
    public boolean isCompatibleWith(String peerTypeName) {
        return peers.contains(peerTypeName);
    }

    /**
     * Parses a socket type name, case-insensitively.
     *
     * @param name e.g. {@code "push"} or {@code "PUSH"}
     * @return the type
     * @throws ZmqException (EINVAL) naming the value when it is not a socket type
     */
    public static SocketType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ZmqException(Errno.EINVAL, "unknown socket type '" + name + "'");
        }
    }
}
