package io.zconn.ra.stats;

import io.zconn.engine.Message;
import io.zconn.support.DeliveryCounters;
import io.zconn.support.Inbox;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The statistics of one activation: the delivery layer's {@link DeliveryCounters} (the same
 * instance the layer counts in, nothing copied) plus the bytes taken from the socket, counted by
 * {@link #counting(Inbox)} on the receive loop.
 */
public final class ActivationStats extends SocketFigures implements ActivationStatsMXBean {
    private final String description;
    private final DeliveryCounters counters;
    private final LongAdder bytesReceived = new LongAdder();
    private final Supplier<String> lastEndpoint;
    private final BooleanSupplier loopFailed;

    /**
     * @param description  the activation's description
     * @param counters     the delivery layer's counters of this activation
     * @param lastEndpoint the socket's last endpoint
     * @param loopFailed   whether the receive loop died
     */
    public ActivationStats(String description, DeliveryCounters counters, Supplier<String> lastEndpoint,
                           BooleanSupplier loopFailed) {
        super(new PeerStats(description));
        this.description = description;
        this.counters = counters;
        this.lastEndpoint = lastEndpoint;
        this.loopFailed = loopFailed;
    }

    /**
     * @param inbox how the receive loop takes messages
     * @return the same, counting the bytes of each message taken
     */
    public Inbox counting(Inbox inbox) {
        return timeout -> {
            Message m = inbox.receive(timeout);
            if (m != null) {
                bytesReceived.add(m.contentSize());
            }
            return m;
        };
    }

    /**
     * Counts the peers of the activation's socket from now on (its connection events and
     * {@link io.zconn.engine.Socket#peers()}); the watch ends when the socket closes.
     *
     * @param socket the activation's socket, just opened
     */
    public void watch(io.zconn.engine.Socket socket) {
        peers.watch(socket);
    }

    @Override
    public boolean isReady() {
        return !loopFailed.getAsBoolean() && peers.sockets() > 0 && peers.peersConnected() >= getRequiredPeers();
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String getLastEndpoint() {
        return lastEndpoint.get();
    }

    @Override
    public long getMessagesReceived() {
        return counters.received();
    }

    @Override
    public long getBytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long getDelivered() {
        return counters.delivered();
    }

    @Override
    public long getFailed() {
        return counters.failed();
    }

    @Override
    public long getRetried() {
        return counters.retried();
    }

    @Override
    public long getDeadLettered() {
        return counters.deadLettered();
    }

    @Override
    public long getDropped() {
        return counters.dropped();
    }

    @Override
    public long getReplied() {
        return counters.replied();
    }

    @Override
    public long getInFlight() {
        // read in this order, so that a message finishing between the reads is never counted negative
        long done = counters.delivered() + counters.failed();
        return Math.max(0, counters.received() - done);
    }

    @Override
    public boolean isLoopFailed() {
        return loopFailed.getAsBoolean();
    }
}
