package io.zconn.ra.health;

import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import javax.management.Attribute;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The zconn health checks' logic: reads the resource adapter's statistics MBeans
 * ({@code io.zconn:type=Activation,*} and {@code io.zconn:type=ConnectionFactory,*}) by attribute
 * name, with no class of the adapter, and judges them.
 *
 * <p>Readiness: UP when every activation and every connection factory is ready (its MBean's
 * {@code Ready} attribute): an activation is ready when its socket is open, its receive loop runs and,
 * when it connects, at least one peer is attached (a bound one is ready at once); a connection factory
 * is ready when {@code requirePeers} is unset, or every socket it has open has that many peers (one
 * with no socket open yet is ready: its first send waits for the peers itself). Messages dropped or
 * refused at the HWM and queues at their HWM never make it DOWN: they are ZeroMQ's flow control, as
 * libzmq users expect, and are reported in the data. A peer whose heartbeat went stale
 * ({@code HEARTBEAT_IVL}/{@code HEARTBEAT_TIMEOUT} options) is disconnected by the engine, so it no
 * longer counts as attached. With no zconn MBean at all the checks are UP (nothing to judge).
 *
 * <p>Liveness: DOWN only when an activation's receive loop died of a fatal error ({@code LoopFailed},
 * ZCONNRA0043): it recovers only by a redeploy or restart.
 */
public final class ZconnHealth {
    /** The checks' name. */
    public static final String NAME = "zconn";
    /** Pattern of the activations' MBeans. */
    static final String ACTIVATIONS = "io.zconn:type=Activation,*";
    /** Pattern of the connection factories' MBeans. */
    static final String CONNECTION_FACTORIES = "io.zconn:type=ConnectionFactory,*";
    private static final String[] ATTRIBUTES = {"Ready", "LoopFailed", "PeersConnected", "RequiredPeers",
        "Reconnects", "HwmDrops", "SendsRefused", "QueueFillPercent", "PeersAtHwm"};

    private ZconnHealth() {
    }

    /**
     * What one MBean says.
     *
     * @param key        the data key: {@code activation <name>} or {@code connection factory <name>}
     * @param ready      its {@code Ready} attribute (true when the adapter does not have it)
     * @param loopFailed its {@code LoopFailed} attribute (activations; false when absent)
     * @param summary    the data value: UP or DOWN, then peers and HWM figures
     */
    public record Entry(String key, boolean ready, boolean loopFailed, String summary) {
    }

    /**
     * @param server where the adapter registered its MBeans (the platform MBean server)
     * @return one entry per activation and connection factory, by name
     */
    public static List<Entry> read(MBeanServer server) {
        List<Entry> entries = new ArrayList<>();
        read(server, ACTIVATIONS, "activation ", entries);
        read(server, CONNECTION_FACTORIES, "connection factory ", entries);
        return entries;
    }

    private static void read(MBeanServer server, String pattern, String kind, List<Entry> into) {
        TreeSet<ObjectName> names;
        try {
            names = new TreeSet<>(server.queryNames(new ObjectName(pattern), null));
        } catch (JMException e) {
            throw new IllegalStateException(pattern, e);
        }
        for (ObjectName n : names) {
            Map<String, Object> a = new LinkedHashMap<>();
            try {
                for (Object o : server.getAttributes(n, ATTRIBUTES)) {
                    Attribute at = (Attribute) o;
                    a.put(at.getName(), at.getValue());
                }
            } catch (InstanceNotFoundException e) {
                continue; // unregistered meanwhile (the activation stopped)
            } catch (JMException | RuntimeException e) {
                a.put("error", e.toString());
            }
            into.add(entry(kind + name(n), a));
        }
    }

    private static String name(ObjectName n) {
        String v = n.getKeyProperty("name");
        if (v == null) {
            return n.toString();
        }
        try {
            return v.startsWith("\"") ? ObjectName.unquote(v) : v;
        } catch (IllegalArgumentException e) {
            return v;
        }
    }

    private static Entry entry(String key, Map<String, Object> a) {
        boolean loopFailed = Boolean.TRUE.equals(a.get("LoopFailed"));
        boolean ready = !loopFailed && !Boolean.FALSE.equals(a.get("Ready"));
        StringBuilder s = new StringBuilder(ready ? "UP" : "DOWN");
        if (loopFailed) {
            s.append(" (receive loop failed, ZCONNRA0043: redeploy)");
        } else if (!ready) {
            s.append(" (fewer peers than required)");
        }
        s.append(": peers ").append(a.getOrDefault("PeersConnected", "?"));
        Object required = a.get("RequiredPeers");
        if (required instanceof Number r && r.intValue() > 0) {
            s.append('/').append(r);
        }
        append(s, "reconnects", a.get("Reconnects"));
        append(s, "hwmDrops", a.get("HwmDrops"));
        append(s, "sendsRefused", a.get("SendsRefused"));
        Object fill = a.get("QueueFillPercent");
        if (fill != null) {
            s.append(", queue ").append(fill).append("% of HWM");
        }
        append(s, "peersAtHwm", a.get("PeersAtHwm"));
        append(s, "error", a.get("error"));
        return new Entry(key, ready, loopFailed, s.toString());
    }

    private static void append(StringBuilder s, String label, Object value) {
        if (value != null) {
            s.append(", ").append(label).append(' ').append(value);
        }
    }

    /**
     * @param server where the adapter registered its MBeans
     * @return the readiness response: DOWN when an activation or a connection factory is not ready
     */
    public static HealthCheckResponse readiness(MBeanServer server) {
        List<Entry> entries = read(server);
        return response(entries, entries.stream().allMatch(Entry::ready));
    }

    /**
     * @param server where the adapter registered its MBeans
     * @return the liveness response: DOWN when an activation's receive loop failed
     */
    public static HealthCheckResponse liveness(MBeanServer server) {
        List<Entry> entries = read(server);
        return response(entries, entries.stream().noneMatch(Entry::loopFailed));
    }

    private static HealthCheckResponse response(List<Entry> entries, boolean up) {
        Map<String, Object> data = new LinkedHashMap<>();
        long activations = entries.stream().filter(e -> e.key().startsWith("activation ")).count();
        data.put("activations", activations);
        data.put("connectionFactories", entries.size() - activations);
        data.put("notReady", entries.stream().filter(e -> !e.ready()).count());
        for (Entry e : entries) {
            data.put(e.key(), e.summary());
        }
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
