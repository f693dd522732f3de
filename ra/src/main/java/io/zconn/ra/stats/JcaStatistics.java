package io.zconn.ra.stats;

import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * zconn's counters as an IronJacamar {@link StatisticsPlugin}, which WildFly shows, once
 * {@code statistics-enabled=true}, as the runtime attributes of
 * {@code .../statistics=statistics/connection-definitions=<pool>/statistics=extended} (a connection
 * factory's) and {@code .../statistics=statistics/statistics=extended} (the adapter's sums over its
 * activations). Every value is a {@code long}. The counters always run (they cost a few
 * nanoseconds); {@link #setEnabled} only records what the server asked. {@link #clear()} does
 * nothing: the counters are cumulative, like the MBeans that show them too.
 */
public final class JcaStatistics implements StatisticsPlugin {
    private static final long serialVersionUID = 1L;

    /** The metrics of one activation, by name, that the adapter sums (MBean attribute names). */
    public static final Map<String, ToLongFunction<ActivationStatsMXBean>> ACTIVATION_METRICS = activationMetrics();

    private final transient Map<String, Metric> metrics;
    private volatile boolean enabled = true;

    private record Metric(String description, LongSupplier value) {
    }

    private JcaStatistics(Map<String, Metric> metrics) {
        this.metrics = Collections.unmodifiableMap(metrics);
    }

    /**
     * @param s a connection factory's counters
     * @return its statistics
     */
    public static JcaStatistics of(ConnectionFactoryStats s) {
        Map<String, Metric> m = new LinkedHashMap<>();
        m.put("MessagesSent", new Metric("Messages handed to a socket", s::getMessagesSent));
        m.put("BytesSent", new Metric("Bytes of the messages sent", s::getBytesSent));
        m.put("SendsFailed", new Metric("Sends that failed (timeout, closed or broken socket)", s::getSendsFailed));
        m.put("MessagesReceived", new Metric("Messages received (receive, replies to request)",
                s::getMessagesReceived));
        m.put("BytesReceived", new Metric("Bytes of the messages received", s::getBytesReceived));
        m.put("HeldForCommit", new Metric("Sends held until their JTA transaction completes", s::getHeldForCommit));
        m.put("SentAfterCommit", new Metric("Held messages sent after the commit", s::getSentAfterCommit));
        m.put("DiscardedOnRollback", new Metric("Held messages discarded because the transaction did not commit",
                s::getDiscardedOnRollback));
        m.put("FailedAfterCommit", new Metric("Held messages whose send after the commit failed (ZCONNRA0025)",
                s::getFailedAfterCommit));
        m.put("PeersConnected", new Metric("Peers attached now to the factory's open sockets", s::getPeersConnected));
        m.put("Connects", new Metric("Connections made or accepted by the factory's sockets", s::getConnects));
        m.put("Disconnects", new Metric("Connections lost other than by the factory's own close", s::getDisconnects));
        m.put("Reconnects", new Metric("Reconnect attempts scheduled by the factory's sockets", s::getReconnects));
        m.put("Ready", new Metric("1 when ready: requirePeers unset, or every open socket has that many peers",
                () -> s.isReady() ? 1 : 0));
        m.put("RequiredPeers", new Metric("Peers each socket needs to be ready (requirePeers)", s::getRequiredPeers));
        m.put("HwmDrops", new Metric("Messages not queued for a peer at its HWM (PUB, XPUB, ROUTER)", s::getHwmDrops));
        m.put("SendsRefused", new Metric("Sends refused: a peer at its HWM or no peer, within the timeout",
                s::getSendsRefused));
        m.put("QueuedIn", new Metric("Received messages not read yet, over the peers now", s::getQueuedIn));
        m.put("QueuedOut", new Metric("Messages queued for the peers now, not yet taken", s::getQueuedOut));
        m.put("QueueFillPercent", new Metric("The fullest peer queue now, in percent of its HWM",
                s::getQueueFillPercent));
        m.put("PeersAtHwm", new Metric("Peers with a queue at its HWM now", s::getPeersAtHwm));
        m.put("SpilledOut", new Metric("SWAP: messages waiting in spill files now (part of QueuedOut)",
                s::getSpilledOut));
        m.put("SpilledBytesOut", new Metric("SWAP: payload bytes waiting in spill files now", s::getSpilledBytesOut));
        m.put("SpillLost", new Metric("SWAP: messages lost from spill files found corrupt", s::getSpillLost));
        return new JcaStatistics(m);
    }

    /**
     * @param totals the adapter's sums over its activations
     * @return the adapter's statistics
     */
    public static JcaStatistics of(ActivationTotals totals) {
        Map<String, Metric> m = new LinkedHashMap<>();
        m.put("Activations", new Metric("Endpoint activations running", totals::running));
        Map<String, String> descriptions = Map.ofEntries(
                Map.entry("MessagesReceived", "Messages taken from the activations' sockets"),
                Map.entry("BytesReceived", "Bytes of the messages taken from the activations' sockets"),
                Map.entry("Delivered", "Messages whose listener call succeeded"),
                Map.entry("Failed", "Messages not delivered (dead-lettered or dropped)"),
                Map.entry("Retried", "Listener calls that were retries"),
                Map.entry("DeadLettered", "Failed messages sent to a dead-letter endpoint"),
                Map.entry("Dropped", "Failed messages neither delivered nor dead-lettered (each logged)"),
                Map.entry("Replied", "Replies queued on the activations' sockets"),
                Map.entry("InFlight", "Messages received and not yet delivered or failed"),
                Map.entry("PeersConnected", "Peers attached now to the activations' sockets"),
                Map.entry("Connects", "Connections made or accepted by the activations' sockets"),
                Map.entry("Disconnects", "Connections lost other than by an activation's own close"),
                Map.entry("Reconnects", "Reconnect attempts scheduled by the activations' sockets"),
                Map.entry("HwmDrops", "Messages not queued for a peer at its HWM (ROUTER replies)"),
                Map.entry("SendsRefused", "Sends (replies) refused: a peer at its HWM or gone"),
                Map.entry("QueuedIn", "Received messages not taken by the receive loops yet"),
                Map.entry("QueuedOut", "Replies queued for the peers now, not yet taken"),
                Map.entry("PeersAtHwm", "Peers with a queue at its HWM now"),
                Map.entry("SpilledOut", "SWAP: replies waiting in spill files now (part of QueuedOut)"),
                Map.entry("SpillLost", "SWAP: replies lost from spill files found corrupt"));
        for (Map.Entry<String, ToLongFunction<ActivationStatsMXBean>> e : ACTIVATION_METRICS.entrySet()) {
            ToLongFunction<ActivationStatsMXBean> f = e.getValue();
            m.put(e.getKey(), new Metric(descriptions.get(e.getKey()) + ", summed over the activations",
                    () -> totals.sum(f)));
        }
        m.put("QueueFillPercent", new Metric("The fullest peer queue of any activation now, in percent of its HWM",
                () -> totals.max(ActivationStatsMXBean::getQueueFillPercent)));
        m.put("ActivationsNotReady", new Metric("Activations running and not ready (connecting without a peer, "
                + "or their receive loop failed)", () -> totals.count(a -> !a.isReady())));
        return new JcaStatistics(m);
    }

    private static Map<String, ToLongFunction<ActivationStatsMXBean>> activationMetrics() {
        Map<String, ToLongFunction<ActivationStatsMXBean>> m = new LinkedHashMap<>();
        m.put("MessagesReceived", ActivationStatsMXBean::getMessagesReceived);
        m.put("BytesReceived", ActivationStatsMXBean::getBytesReceived);
        m.put("Delivered", ActivationStatsMXBean::getDelivered);
        m.put("Failed", ActivationStatsMXBean::getFailed);
        m.put("Retried", ActivationStatsMXBean::getRetried);
        m.put("DeadLettered", ActivationStatsMXBean::getDeadLettered);
        m.put("Dropped", ActivationStatsMXBean::getDropped);
        m.put("Replied", ActivationStatsMXBean::getReplied);
        m.put("InFlight", ActivationStatsMXBean::getInFlight);
        m.put("PeersConnected", ActivationStatsMXBean::getPeersConnected);
        m.put("Connects", ActivationStatsMXBean::getConnects);
        m.put("Disconnects", ActivationStatsMXBean::getDisconnects);
        m.put("Reconnects", ActivationStatsMXBean::getReconnects);
        m.put("HwmDrops", ActivationStatsMXBean::getHwmDrops);
        m.put("SendsRefused", ActivationStatsMXBean::getSendsRefused);
        m.put("QueuedIn", ActivationStatsMXBean::getQueuedIn);
        m.put("QueuedOut", ActivationStatsMXBean::getQueuedOut);
        m.put("PeersAtHwm", ActivationStatsMXBean::getPeersAtHwm);
        m.put("SpilledOut", ActivationStatsMXBean::getSpilledOut);
        m.put("SpillLost", ActivationStatsMXBean::getSpillLost);
        return Collections.unmodifiableMap(m);
    }

    /**
     * @return the metrics whose final counts an adapter keeps when an activation stops (not the
     *         gauges InFlight, PeersConnected, QueuedIn, QueuedOut, PeersAtHwm and SpilledOut)
     */
    public static List<ToLongFunction<ActivationStatsMXBean>> cumulativeActivationMetrics() {
        List<ToLongFunction<ActivationStatsMXBean>> l = new ArrayList<>(ACTIVATION_METRICS.values());
        l.remove(ACTIVATION_METRICS.get("InFlight"));
        for (String gauge : List.of("PeersConnected", "QueuedIn", "QueuedOut", "PeersAtHwm", "SpilledOut")) {
            l.remove(ACTIVATION_METRICS.get(gauge));
        }
        return l;
    }

    @Override
    public Set<String> getNames() {
        return metrics.keySet();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class getType(String name) {
        return metrics.containsKey(name) ? long.class : null;
    }

    @Override
    public String getDescription(String name) {
        Metric m = metrics.get(name);
        return m == null ? null : m.description();
    }

    @Override
    public String getDescription(String name, Locale locale) {
        return getDescription(name);
    }

    @Override
    public Object getValue(String name) {
        Metric m = metrics.get(name);
        return m == null ? null : m.value().getAsLong();
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean v) {
        enabled = v;
    }

    @Override
    public void clear() {
        // cumulative counters, shared with the MBeans: not reset
    }
}
