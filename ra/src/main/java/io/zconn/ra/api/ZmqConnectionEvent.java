package io.zconn.ra.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to one network connection of a connection factory's socket; see
 * {@link ZmqConnectionListener}. Immutable.
 */
public final class ZmqConnectionEvent {
    /** The kinds of event (libzmq's socket monitor events of the same names). */
    public enum Type {
        /** A connecting socket made a connection (ZMQ_EVENT_CONNECTED). */
        CONNECTED,
        /** A bound socket accepted a connection (ZMQ_EVENT_ACCEPTED). */
        ACCEPTED,
        /** A connection ended other than by the adapter closing the socket (ZMQ_EVENT_DISCONNECTED). */
        DISCONNECTED,
        /** A connecting socket scheduled its next connection attempt (ZMQ_EVENT_CONNECT_RETRIED). */
        RECONNECT_SCHEDULED
    }

    private final Type type;
    private final String endpoint;
    private final String peerAddress;

    /**
     * @param type        the kind of event
     * @param endpoint    the socket's endpoint it concerns (as configured, or as bound)
     * @param peerAddress the peer's address, or null when not known
     */
    public ZmqConnectionEvent(Type type, String endpoint, String peerAddress) {
        this.type = Objects.requireNonNull(type, "type");
        this.endpoint = endpoint == null ? "" : endpoint;
        this.peerAddress = peerAddress;
    }

    /** @return the kind of event */
    public Type type() {
        return type;
    }

    /** @return the endpoint the event concerns */
    public String endpoint() {
        return endpoint;
    }

    /** @return the peer's address (e.g. {@code tcp://127.0.0.1:41234}) where known */
    public Optional<String> peerAddress() {
        return Optional.ofNullable(peerAddress);
    }

    @Override
    public String toString() {
        return type + " " + endpoint + (peerAddress == null ? "" : " peer " + peerAddress);
    }
}
