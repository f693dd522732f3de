package io.zconn.osgi.internal;

import io.zconn.engine.SocketEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one socket's monitor told so far: its tcp/ipc peers (from a completed handshake to the
 * disconnection), counts of events by type, and the last event. Bounded: at most
 * {@link #MAX_PEERS} peers are tracked by address; further ones are only counted. Thread-safe.
 */
final class SocketActivity {
    /** Peers tracked by address at most; the socket's {@code peers()} still counts them all. */
    static final int MAX_PEERS = 1024;

    /**
     * A peer seen by the monitor.
     *
     * @param address   its address ({@code tcp://ip:port}), or the endpoint when the engine does not know it
     * @param endpoint  the endpoint it came through
     * @param since     when its handshake completed
     * @param metrics   per-peer figures known here (none: {@code zconn:stats} adds the engine's
     *                  {@code Socket.metrics()} at the time it prints)
     */
    record Peer(String address, String endpoint, Instant since, Map<String, Long> metrics) {
    }

    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private final Map<SocketEvent.Type, Long> counts = new EnumMap<>(SocketEvent.Type.class);
    private long untracked;
    private long dropped;
    private SocketEvent last;
    private Instant lastAt;

    synchronized void record(SocketEvent e) {
        counts.merge(e.type(), 1L, Long::sum);
        last = e;
        lastAt = Instant.now();
        String key = e.peerAddress() != null ? e.peerAddress() : e.endpoint();
        switch (e.type()) {
            case HANDSHAKE_SUCCEEDED -> {
                if (peers.size() < MAX_PEERS || peers.containsKey(key)) {
                    peers.put(key, new Peer(key, e.endpoint(), lastAt, Map.of()));
                } else {
                    untracked++;
                }
            }
            case DISCONNECTED -> {
                if (peers.remove(key) == null && untracked > 0) {
                    untracked--;
                }
            }
            case MONITOR_STOPPED -> {
                peers.clear();
                untracked = 0;
            }
            case EVENTS_DROPPED -> dropped += e.value();
            default -> {
                // counted only
            }
        }
    }

    /** @return the tracked peers, oldest first */
    synchronized List<Peer> peers() {
        return new ArrayList<>(peers.values());
    }

    /** @return peers that completed a handshake but are not tracked by address ({@link #MAX_PEERS}) */
    synchronized long untrackedPeers() {
        return untracked;
    }

    /** @return how many events of that type came */
    synchronized long count(SocketEvent.Type type) {
        return counts.getOrDefault(type, 0L);
    }

    /** @return events the engine dropped because they were not taken in time */
    synchronized long droppedEvents() {
        return dropped;
    }

    /** @return the last event, or null */
    synchronized SocketEvent last() {
        return last;
    }

    /** @return when the last event came, or null */
    synchronized Instant lastAt() {
        return lastAt;
    }
}
