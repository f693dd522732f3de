package io.zconn.osgi.internal;

import io.zconn.engine.Message;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.SocketMonitor;
import io.zconn.osgi.SocketInfo;
import io.zconn.support.DeliveryCounters;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Console commands {@code zconn:list}, {@code zconn:send}, {@code zconn:stats} and
 * {@code zconn:monitor}, registered the Gogo way (service properties only, no shell API import),
 * which both Felix Gogo and the Karaf console pick up. Output goes to {@code System.out}, which
 * both shells redirect to the session that runs the command.
 */
@Component(service = ZconnCommands.class, property = {
    "osgi.command.scope=zconn",
    "osgi.command.function=list",
    "osgi.command.function=send",
    "osgi.command.function=stats",
    "osgi.command.function=monitor"
})
public final class ZconnCommands {
    /** {@code zconn:monitor}'s default bound on events. */
    static final int MONITOR_MAX_EVENTS = 10_000;
    /** {@code zconn:monitor}'s default bound on time (s). */
    static final long MONITOR_MAX_SECONDS = 600;
    /** Events waiting for the console at most; more are counted as lost. */
    static final int MONITOR_QUEUE = 256;

    private final SocketManager manager;

    @Activate
    public ZconnCommands(@Reference SocketManager manager) {
        this.manager = manager;
    }

    /** @return one line per managed socket: name, type, state, endpoints (or error), listeners */
    public String list() {
        StringBuilder sb = new StringBuilder(String.format("%-20s %-7s %-7s %-9s %s%n",
                "NAME", "TYPE", "STATE", "LISTENERS", "ENDPOINTS / ERROR"));
        for (SocketInfo s : manager.sockets()) {
            sb.append(String.format("%-20s %-7s %-7s %-9d %s%n", s.name(), s.type(), s.state(), s.listeners(),
                    s.state() == SocketInfo.State.ACTIVE ? String.join(", ", s.endpoints())
                            : s.error() == null ? "" : s.error()));
        }
        return sb.toString();
    }

    /**
     * Sends a message, one frame per argument.
     *
     * @param name   the socket's name
     * @param frames the frames, as UTF-8
     * @return what happened
     */
    public String send(String name, String... frames) {
        Optional<Socket> s = manager.lookup(name);
        if (s.isEmpty()) {
            return "no active socket named '" + name + "'";
        }
        if (frames.length == 0) {
            return "nothing to send: give at least one frame";
        }
        if (!s.get().send(Message.of(frames), Duration.ofSeconds(2))) {
            return "not sent: socket '" + name + "' cannot send now (no peer, or high-water mark reached)";
        }
        manager.managed(name).ifPresent(ManagedSocket::countSent);
        return "sent " + frames.length + " frame(s) on '" + name + "'";
    }

    /**
     * Figures of every managed socket: one row per socket (state, peers now, the delivery's
     * counters, listener failures, connection history since it was opened, and the engine's
     * messages dropped and sends refused at the HWM and reconnects), then one indented
     * {@code peer} row per peer, ending in the engine's {@code key=value} per-peer figures
     * (messages and bytes in and out, queues against the HWMs, HWM drops and refusals).
     *
     * @return the table
     */
    public String stats() {
        return stats(manager.managedSockets());
    }

    /**
     * @param name a socket's name
     * @return {@link #stats()} of that socket only
     */
    public String stats(String name) {
        Optional<ManagedSocket> ms = manager.managed(name);
        return ms.isEmpty() ? "no socket named '" + name + "'" : stats(List.of(ms.get()));
    }

    private static final String STATS_ROW = "%-20s %-8s %5s %9s %9s %7s %7s %7s %7s %7s %7s %7s %8s %7s %7s%n";

    private static String stats(List<ManagedSocket> sockets) {
        StringBuilder sb = new StringBuilder(String.format(STATS_ROW, "NAME", "STATE", "PEERS", "RECEIVED",
                "DELIVERED", "FAILED", "DEAD", "DROPPED", "SENT", "L-FAIL", "DISCONN", "HS-FAIL", "HWM-DROP",
                "REFUSED", "RECONN"));
        for (ManagedSocket s : sockets) {
            DeliveryCounters c = s.counters();
            SocketActivity a = s.activity();
            int peers = s.peers();
            SocketMetrics m = s.state() == SocketInfo.State.ACTIVE ? metrics(s.socket()) : null;
            sb.append(String.format(STATS_ROW, s.name(), s.state(), peers < 0 ? "-" : Integer.toString(peers),
                    c.received(), c.delivered(), c.failed(), c.deadLettered(), c.dropped(), c.replied(),
                    s.listenerFailures(), a.count(SocketEvent.Type.DISCONNECTED),
                    m == null ? SocketHealth.handshakeFailures(a) : m.handshakeFailures(),
                    m == null ? "-" : Long.toString(m.hwmDrops()), m == null ? "-" : Long.toString(m.sendsRefused()),
                    m == null ? "-" : Long.toString(m.reconnects())));
            if (s.state() != SocketInfo.State.ACTIVE) {
                continue;
            }
            peerRows(sb, a, m == null ? List.of() : m.peers());
        }
        return sb.toString();
    }

    /** @return the socket's metrics, or null when it is gone or closed meanwhile */
    private static SocketMetrics metrics(Socket socket) {
        if (socket == null) {
            return null;
        }
        try {
            return socket.metrics();
        } catch (RuntimeException closedMeanwhile) {
            return null;
        }
    }

    /**
     * One row per peer the monitor saw (matched to the engine's figures by address, or by endpoint
     * when the address is unknown), then one per peer only the engine knows (inproc peers, pipes of
     * connected endpoints between connections), at most {@link SocketActivity#MAX_PEERS} in all.
     */
    private static void peerRows(StringBuilder sb, SocketActivity a, List<PeerMetrics> engine) {
        Map<String, ArrayDeque<PeerMetrics>> byKey = new HashMap<>();
        for (PeerMetrics pm : engine) {
            if (!pm.endpoint().isEmpty()) { // internal pipes (the ZAP client) are no peers
                byKey.computeIfAbsent(key(pm), k -> new ArrayDeque<>()).add(pm);
            }
        }
        Set<PeerMetrics> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        int rows = 0;
        for (SocketActivity.Peer p : a.peers()) {
            ArrayDeque<PeerMetrics> q = byKey.get(p.address());
            PeerMetrics pm = q == null ? null : q.poll();
            Map<String, Long> figures = new LinkedHashMap<>(p.metrics());
            if (pm != null) {
                shown.add(pm);
                figures.putAll(figures(pm));
            }
            peerRow(sb, p.address(), p.endpoint(), p.since().toString(), figures);
            rows++;
        }
        long more = a.untrackedPeers();
        for (PeerMetrics pm : engine) {
            if (pm.endpoint().isEmpty() || shown.contains(pm)) {
                continue;
            }
            if (rows >= SocketActivity.MAX_PEERS) {
                more++;
                continue;
            }
            peerRow(sb, key(pm), pm.endpoint(), "-", figures(pm));
            rows++;
        }
        if (more > 0) {
            sb.append("  ").append(more).append(" more peer(s)").append(System.lineSeparator());
        }
    }

    private static void peerRow(StringBuilder sb, String address, String endpoint, String since,
                                Map<String, Long> figures) {
        sb.append("  peer ").append(address).append(" on ").append(endpoint).append(" since ").append(since);
        for (Map.Entry<String, Long> f : figures.entrySet()) {
            sb.append(' ').append(f.getKey()).append('=').append(f.getValue());
        }
        sb.append(System.lineSeparator());
    }

    /** @return how the monitor names that peer: its address, or its endpoint when the address is unknown */
    private static String key(PeerMetrics pm) {
        return pm.remoteAddress().isEmpty() ? pm.endpoint() : pm.remoteAddress();
    }

    /** @return the {@code key=value} figures of a peer row, in a fixed order */
    static Map<String, Long> figures(PeerMetrics pm) {
        Map<String, Long> f = new LinkedHashMap<>();
        if (!pm.connected()) {
            f.put("connected", 0L);
        }
        f.put("in", pm.messagesIn());
        f.put("in-bytes", pm.bytesIn());
        f.put("out", pm.messagesOut());
        f.put("out-bytes", pm.bytesOut());
        f.put("queued-in", pm.queuedIn());
        f.put("hwm-in", pm.hwmIn());
        f.put("queued-out", pm.queuedOut());
        f.put("hwm-out", pm.hwmOut());
        f.put("hwm-drops", pm.hwmDrops());
        f.put("refused", pm.hwmRefusals());
        if (pm.spilledOut() != 0) { // SWAP: messages (and their bytes) waiting on disk, part of queued-out
            f.put("spilled", pm.spilledOut());
            f.put("spilled-bytes", pm.spilledBytesOut());
        }
        if (pm.spillLost() != 0) { // SWAP: messages lost from a spill file found corrupt
            f.put("spill-lost", pm.spillLost());
        }
        return f;
    }

    /**
     * Prints a socket's events as they happen until Ctrl-C, the session closes, the socket closes,
     * {@value #MONITOR_MAX_EVENTS} events or {@value #MONITOR_MAX_SECONDS} s.
     *
     * @param name the socket's name
     * @return why it stopped
     */
    public String monitor(String name) {
        return monitor(name, MONITOR_MAX_EVENTS, MONITOR_MAX_SECONDS);
    }

    /**
     * {@link #monitor(String)} for at most {@code maxEvents} events.
     *
     * @param name      the socket's name
     * @param maxEvents events to print at most
     * @return why it stopped
     */
    public String monitor(String name, int maxEvents) {
        return monitor(name, maxEvents, MONITOR_MAX_SECONDS);
    }

    /**
     * {@link #monitor(String)} for at most {@code maxEvents} events and {@code seconds}.
     *
     * @param name      the socket's name
     * @param maxEvents events to print at most
     * @param seconds   how long at most
     * @return why it stopped
     */
    public String monitor(String name, int maxEvents, long seconds) {
        return monitor(name, maxEvents, seconds, System.out);
    }

    /** The command, writing to {@code out} (for tests). */
    String monitor(String name, int maxEvents, long seconds, PrintStream out) {
        if (maxEvents <= 0 || seconds <= 0) {
            return "usage: zconn:monitor <name> [max-events > 0] [seconds > 0]";
        }
        Optional<Socket> s = manager.lookup(name);
        if (s.isEmpty()) {
            return "no active socket named '" + name + "'";
        }
        BlockingQueue<SocketEvent> queue = new ArrayBlockingQueue<>(MONITOR_QUEUE);
        AtomicLong lost = new AtomicLong();
        int printed = 0;
        String why;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        SocketMonitor m;
        try {
            m = s.get().monitor(e -> {
                if (!queue.offer(e)) {
                    lost.incrementAndGet();
                }
            });
        } catch (RuntimeException closedMeanwhile) {
            return "no active socket named '" + name + "'";
        }
        try (m) {
            out.println("monitoring socket '" + name + "' for at most " + maxEvents + " event(s) or " + seconds
                    + " s; Ctrl-C stops");
            out.flush();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    why = seconds + " s elapsed";
                    break;
                }
                SocketEvent e = queue.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
                if (e == null) {
                    if (out.checkError()) {
                        why = "output closed";
                        break;
                    }
                    continue;
                }
                out.println(Instant.now() + " " + e);
                printed++;
                if (out.checkError()) {
                    why = "output closed";
                    break;
                }
                if (e.type() == SocketEvent.Type.MONITOR_STOPPED) {
                    why = "socket closed";
                    break;
                }
                if (printed >= maxEvents) {
                    why = maxEvents + " event(s) printed";
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        long l = lost.get() + m.droppedEvents();
        return "stopped monitoring '" + name + "': " + why + " (" + printed + " event(s)"
                + (l > 0 ? ", " + l + " lost: the console was slower than the socket" : "") + ")";
    }
}
