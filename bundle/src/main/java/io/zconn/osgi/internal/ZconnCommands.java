package io.zconn.osgi.internal;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketMonitor;
import io.zconn.osgi.SocketInfo;
import io.zconn.support.DeliveryCounters;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
     * counters, listener failures, connection history since it was opened), then one indented
     * {@code peer} row per tcp/ipc peer known by its address, ending in {@code key=value} per-peer
     * figures where the engine gives them.
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

    private static final String STATS_ROW = "%-20s %-8s %5s %9s %9s %7s %7s %7s %7s %7s %7s %7s%n";

    private static String stats(List<ManagedSocket> sockets) {
        StringBuilder sb = new StringBuilder(String.format(STATS_ROW, "NAME", "STATE", "PEERS", "RECEIVED",
                "DELIVERED", "FAILED", "DEAD", "DROPPED", "SENT", "L-FAIL", "DISCONN", "HS-FAIL"));
        for (ManagedSocket s : sockets) {
            DeliveryCounters c = s.counters();
            SocketActivity a = s.activity();
            int peers = s.peers();
            sb.append(String.format(STATS_ROW, s.name(), s.state(), peers < 0 ? "-" : Integer.toString(peers),
                    c.received(), c.delivered(), c.failed(), c.deadLettered(), c.dropped(), c.replied(),
                    s.listenerFailures(), a.count(SocketEvent.Type.DISCONNECTED), SocketHealth.handshakeFailures(a)));
            if (s.state() != SocketInfo.State.ACTIVE) {
                continue;
            }
            for (SocketActivity.Peer p : a.peers()) {
                sb.append("  peer ").append(p.address()).append(" on ").append(p.endpoint())
                        .append(" since ").append(p.since());
                for (Map.Entry<String, Long> m : p.metrics().entrySet()) {
                    sb.append(' ').append(m.getKey()).append('=').append(m.getValue());
                }
                sb.append(System.lineSeparator());
            }
            if (a.untrackedPeers() > 0) {
                sb.append("  ").append(a.untrackedPeers()).append(" more peer(s)").append(System.lineSeparator());
            }
        }
        return sb.toString();
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
