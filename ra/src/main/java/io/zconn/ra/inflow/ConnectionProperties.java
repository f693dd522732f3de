package io.zconn.ra.inflow;

import io.zconn.engine.PeerMetadata;
import io.zconn.ra.api.ZmqMessage;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The listener API's properties of the connections an activation receives from, decoded once per
 * connection instead of once per message: the engine gives every frame of a connection the same
 * {@link PeerMetadata} instance, so a small cache keyed by that instance's identity serves each
 * message of a connection the map made for its first message. Bounded: a fixed number of slots,
 * one connection each (a connection that lands on a taken slot replaces its occupant, which is
 * decoded again when it comes back); safe for concurrent deliveries (a slot holds an immutable entry).
 */
final class ConnectionProperties {
    /** Slots by default: a power of two. */
    static final int DEFAULT_SLOTS = 64;
    private static final ZmqMessage NONE = ZmqMessage.of(new byte[0]);

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    private record Entry(PeerMetadata metadata, ZmqMessage template) {
    }

    ConnectionProperties() {
        this(DEFAULT_SLOTS);
    }

    /** @param slots how many connections are remembered at most (a power of two) */
    ConnectionProperties(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.slots = new AtomicReferenceArray<>(slots);
        this.mask = slots - 1;
    }

    /**
     * @param metadata the properties of the connection a message came over
     * @return a message (with no meaningful frames) whose properties are those, for
     *         {@link ZmqMessage#withPropertiesOf}
     */
    @SuppressWarnings("ReferenceEquality") // a connection is its metadata instance; equal values of two connections are decoded each
    ZmqMessage of(PeerMetadata metadata) {
        if (metadata.isEmpty()) {
            return NONE;
        }
        int i = System.identityHashCode(metadata) & mask;
        Entry e = slots.get(i);
        if (e != null && e.metadata() == metadata) {
            return e.template();
        }
        ZmqMessage t = NONE.withProperties(metadata.asMap());
        slots.set(i, new Entry(metadata, t));
        return t;
    }
}
