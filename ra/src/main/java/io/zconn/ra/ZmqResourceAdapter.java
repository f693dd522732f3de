package io.zconn.ra;

import io.zconn.engine.Context;
import io.zconn.engine.ZapHandler;
import io.zconn.support.AllowListZapHandler;
import io.zconn.support.ZapDomains;
import io.zconn.ra.inflow.ZmqActivation;
import io.zconn.ra.inflow.ZmqActivationSpec;
import io.zconn.ra.outbound.SharedSockets;
import io.zconn.ra.stats.ActivationTotals;
import io.zconn.ra.stats.JcaStatistics;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.jboss.jca.core.spi.statistics.Statistics;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/**
 * The zconn resource adapter: owns one engine {@link Context} whose I/O loops run as long-running
 * work on the server's WorkManager, the shared bound outbound sockets, and the inbound activations.
 * {@link #stop()} deactivates everything, closes the context and waits until every piece of work
 * it started has returned.
 */
@Connector(
        displayName = "zconn",
        description = "ZeroMQ for Jakarta EE: send through a connection factory, receive with message-driven beans",
        vendorName = "zconn",
        eisType = "ZeroMQ",
        version = "0.1",
        licenseRequired = false,
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction,
        reauthenticationSupport = false)
public class ZmqResourceAdapter implements ResourceAdapter, Serializable, Statistics {
    private static final long serialVersionUID = 1L;

    @ConfigProperty(description = "Number of engine I/O threads (each a long-running WorkManager work item); "
            + "one serves thousands of connections.", defaultValue = "1")
    private Integer ioThreads = 1;

    @ConfigProperty(description = "How long (ms) stop and deactivation wait for running deliveries and I/O work "
            + "to return.", defaultValue = "10000")
    private Integer shutdownTimeout = 10_000;

    private transient volatile Context context;
    private transient volatile WorkManagerExecutor executor;
    private transient volatile SharedSockets shared;
    private transient volatile TransactionSynchronizationRegistry transactions;
    private transient volatile ZapDomains zap;
    private final transient Map<Key, ZmqActivation> activations = new ConcurrentHashMap<>();
    private final transient ActivationTotals totals = new ActivationTotals();
    private transient volatile JcaStatistics statistics;
    private final transient Set<Runnable> onStop = ConcurrentHashMap.newKeySet();

    /** Creates the adapter; the server configures it and then calls {@link #start}. */
    public ZmqResourceAdapter() {
    }

    @Override
    public void start(BootstrapContext bootstrap) throws ResourceAdapterInternalException {
        Objects.requireNonNull(bootstrap, "bootstrap");
        WorkManagerExecutor ex = new WorkManagerExecutor(bootstrap, "zconn");
        this.executor = ex;
        this.context = Context.builder().ioThreads(ioThreads).executor(ex).build();
        this.shared = new SharedSockets();
        this.transactions = bootstrap.getTransactionSynchronizationRegistry();
        this.zap = new ZapDomains();
        RaLog.adapterStarted(ioThreads, true);
    }

    @Override
    public void stop() {
        WorkManagerExecutor stopping = executor;
        if (stopping != null) {
            stopping.stopping();
        }
        for (Key k : new ArrayList<>(activations.keySet())) {
            ZmqActivation a = activations.remove(k);
            if (a != null) {
                stopActivation(a);
            }
        }
        for (Runnable r : new ArrayList<>(onStop)) {
            onStop.remove(r);
            r.run();
        }
        SharedSockets s = shared;
        if (s != null) {
            s.closeAll();
        }
        Context c = context;
        if (c != null) {
            c.close();
        }
        WorkManagerExecutor ex = executor;
        if (ex != null) {
            try {
                if (!ex.awaitIdle(shutdownTimeout)) {
                    RaLog.deactivationTimedOut("zconn resource adapter (" + ex.running() + " work item(s))");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context = null;
        shared = null;
        RaLog.adapterStopped();
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof ZmqActivationSpec zspec)) {
            throw new NotSupportedException("not a zconn activation spec: " + spec);
        }
        Context c = requireStarted();
        zspec.validate();
        ZmqActivation a = new ZmqActivation(c, executor, factory, zspec, shutdownTimeout);
        a.zapRegistrar(this::registerZapHandler);
        Key key = new Key(factory, spec);
        if (activations.putIfAbsent(key, a) != null) {
            throw new NotSupportedException("endpoint already activated with this spec: " + spec);
        }
        try {
            a.start();
        } catch (ResourceException | RuntimeException e) {
            activations.remove(key);
            a.stop();
            throw e;
        }
        totals.started(a.stats());
    }

    private void stopActivation(ZmqActivation a) {
        a.stop();
        totals.stopped(a.stats(), JcaStatistics.cumulativeActivationMetrics());
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        ZmqActivation a = activations.remove(new Key(factory, spec));
        if (a != null) {
            stopActivation(a);
        }
    }

    /**
     * Makes an allow-list the ZAP handler of a domain in the adapter's context (an activation's
     * {@code zapCurveKeys}, {@code zapCurveKeysDirectory}, {@code zapPlainUsersFile}). The context's
     * handler routes each request by its ZAP domain; while at least one allow-list is registered, a
     * request of a domain without one is refused. Activations of one domain share it when their
     * allow-lists are configured alike; a different allow-list for a domain in use is refused.
     *
     * @param domain the ZAP domain
     * @param config the allow-list
     * @return the registration, to close when the activation stops
     * @throws ResourceException when the lists cannot be read or the domain has another allow-list
     */
    public ZapDomains.Registration registerZap(String domain, AllowListZapHandler.Config config)
            throws ResourceException {
        return registerZapHandler(domain, config, config::handler);
    }

    /**
     * Makes a handler the ZAP handler of a domain in the adapter's context, as
     * {@link #registerZap} does for an allow-list (and for an activation's {@code zapContainerRealm}).
     *
     * @param domain  the ZAP domain
     * @param key     what the handler is made from: registrations of a domain share the handler when their keys
     *                are equal, and are refused when they differ
     * @param handler makes the handler (for the first registration of the domain)
     * @return the registration, to close when the activation stops
     * @throws ResourceException when the handler cannot be made or the domain has another handler
     */
    public ZapDomains.Registration registerZapHandler(String domain, Object key,
                                                      Supplier<? extends ZapHandler> handler)
            throws ResourceException {
        Context c = requireStarted();
        ZapDomains z = zap;
        synchronized (z) {
            ZapDomains.Registration r;
            try {
                r = z.register(domain, key, handler);
            } catch (IllegalArgumentException e) {
                throw new InvalidPropertyException(e.getMessage());
            } catch (IllegalStateException e) {
                throw new ResourceException(e.getMessage(), e);
            }
            c.setZapHandler(z);
            return () -> {
                synchronized (z) {
                    r.close();
                    if (z.isEmpty() && c.getZapHandler() == z && !c.isClosed()) {
                        c.setZapHandler(null);
                    }
                }
            };
        }
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return null;
    }

    /**
     * @return the engine context
     * @throws ResourceAdapterInternalException when not started
     */
    public Context requireStarted() throws ResourceAdapterInternalException {
        Context c = context;
        if (c == null || c.isClosed()) {
            throw new ResourceAdapterInternalException("the zconn resource adapter is not started");
        }
        return c;
    }

    /** @return the shared bound sockets (null when stopped) */
    public SharedSockets sharedSockets() {
        return shared;
    }

    /**
     * @return the server's transaction synchronization registry (from the bootstrap context), or null
     *         when the server has none or the adapter is not started
     */
    public TransactionSynchronizationRegistry transactionSynchronizationRegistry() {
        return transactions;
    }

    /** @return the active activations (for monitoring and tests) */
    public List<ZmqActivation> activations() {
        return List.copyOf(activations.values());
    }

    /**
     * IronJacamar's statistics hook: WildFly shows these sums over the adapter's activations (running
     * and stopped since it started) under {@code statistics=extended} of the deployment's
     * resource-adapter statistics. Per activation, read the {@code io.zconn:type=Activation} MBeans.
     *
     * @return the adapter's statistics
     */
    @Override
    public StatisticsPlugin getStatistics() {
        JcaStatistics s = statistics;
        if (s == null) {
            s = JcaStatistics.of(totals);
            statistics = s;
        }
        return s;
    }

    /**
     * @param action run once when the adapter stops (e.g. a connection factory's MBean unregistering:
     *               the server tells connection factories nothing when it undeploys them)
     */
    public void closeOnStop(Runnable action) {
        onStop.add(action);
    }

    /** @return the sums over the activations (for monitoring and tests) */
    public ActivationTotals activationTotals() {
        return totals;
    }

    /** @return number of engine I/O threads */
    public Integer getIoThreads() {
        return ioThreads;
    }

    /** @param ioThreads number of engine I/O threads (1 to 64) */
    public void setIoThreads(Integer ioThreads) {
        this.ioThreads = ioThreads;
    }

    /** @return stop/deactivation wait in ms */
    public Integer getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** @param shutdownTimeout stop/deactivation wait in ms */
    public void setShutdownTimeout(Integer shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Adapters are equal when configured alike (the spec asks for JavaBean equality). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ZmqResourceAdapter r && Objects.equals(ioThreads, r.ioThreads)
                && Objects.equals(shutdownTimeout, r.shutdownTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ioThreads, shutdownTimeout);
    }

    /** Identity of one activation: the factory and spec objects themselves. */
    private record Key(MessageEndpointFactory factory, ActivationSpec spec) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.factory == factory && k.spec == spec;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(factory) * 31 + System.identityHashCode(spec);
        }
    }
}
