package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RaLog;
import io.zconn.ra.SecurityInflow;
import io.zconn.ra.SocketSettings;
import io.zconn.ra.WorkManagerExecutor;
import io.zconn.ra.stats.ActivationStats;
import io.zconn.ra.stats.StatsMBeans;
import io.zconn.support.AllowListZapHandler;
import io.zconn.support.DeadLetters;
import io.zconn.support.DeliveryExecutor;
import io.zconn.support.DeliveryCounters;
import io.zconn.support.DeliverySettings;
import io.zconn.support.Envelope;
import io.zconn.support.Inbox;
import io.zconn.support.Inflow;
import io.zconn.support.ReplyPolicy;
import io.zconn.support.ZapDomains;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One endpoint activation: opens the socket (a ROUTER underneath for REP, so that several requests
 * are answered concurrently, each reply going back along its envelope) and the dead-letter socket,
 * and runs the shared delivery layer ({@link Inflow}) over them: its receive loop as long-running
 * work, deliveries as WorkManager work (at most {@code maxConcurrentDeliveries} at a time, or one
 * at a time on the loop when ordered), each attempt an MDB endpoint call ({@link EndpointTarget}),
 * reported under the adapter's message codes ({@link ActivationEvents}).
 *
 * <p>No message is lost silently: every message taken from the socket ends up
 * {@linkplain #deliveredCount() delivered}, or {@linkplain #failedCount() failed} and then either
 * {@linkplain #deadLetteredCount() dead-lettered} or {@linkplain #droppedCount() dropped} with a
 * numbered log line ({@code received = delivered + failed + in progress},
 * {@code failed = dead-lettered + dropped}). {@link #stop()} drains what the socket already
 * received (delivering until the shutdown timeout, dead-lettering or dropping the rest), then closes
 * the gate through which every listener invocation passes: once it returns, no invocation starts.
 * The receive loop survives any exception (exponential back-off, one log line per failure streak);
 * only a {@link VirtualMachineError} ends it, and marks the activation {@linkplain #isFailed() failed}.
 */
public final class ZmqActivation {
    /** Extra time stop() gives the loop and the deliveries after the shutdown timeout. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(1);
    /** How long start() waits for the server to show that it sets up security contexts. */
    static final Duration SECURITY_PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** The ZAP handler key of the server's realm: activations of one domain share one handler. */
    private static final String CONTAINER_REALM_KEY = "zconn:container-realm";

    private final Context context;
    private final WorkManagerExecutor executor;
    private final MessageEndpointFactory factory;
    private final ZmqActivationSpec spec;
    private final long shutdownTimeoutMs;
    private final SocketSettings settings;
    private final ReplyPolicy replyPolicy;
    private final String name;
    private final DeliveryCounters counters = new DeliveryCounters();
    private Socket socket;
    private DeadLetters deadLetters;
    private volatile Inflow inflow;
    private volatile EndpointTarget target;
    private UnaryOperator<Inbox> inboxWrapper = UnaryOperator.identity();
    long backoffInitialMs = 100;
    long backoffMaxMs = 30_000;
    private boolean stopped;
    private ZapRegistrar zapRegistrar;
    private ZapDomains.Registration zapRegistration;
    private volatile ContainerRealmZapHandler containerRealm;
    private final ActivationStats stats;
    private StatsMBeans.Registration mbean;

    /**
     * @param context           engine context
     * @param executor          WorkManager executor
     * @param factory           endpoint factory from the container
     * @param spec              validated activation spec
     * @param shutdownTimeoutMs how long {@link #stop()} keeps delivering what was received
     * @throws ResourceException when the spec is invalid
     */
    public ZmqActivation(Context context, WorkManagerExecutor executor, MessageEndpointFactory factory,
                         ZmqActivationSpec spec, long shutdownTimeoutMs) throws ResourceException {
        this.context = context;
        this.executor = executor;
        this.factory = factory;
        this.spec = spec;
        this.shutdownTimeoutMs = shutdownTimeoutMs;
        this.settings = spec.settings();
        try {
            this.replyPolicy = ReplyPolicy.parse("replyOnFailure", spec.getReplyOnFailure());
        } catch (IllegalArgumentException e) {
            throw new ResourceException(e.getMessage(), e);
        }
        this.name = endpointName(factory) + " <- " + settings;
        this.stats = new ActivationStats(name, counters, this::lastEndpointOrNull, this::isFailed);
        // readiness: a connecting activation with no peer receives nothing
        stats.requirePeers(settings.bind() ? 0 : 1);
    }

    /**
     * Registers an activation's ZAP handler (its allow-list, or the server's realm) with the adapter
     * (see {@code ZmqResourceAdapter#registerZapHandler}).
     */
    @FunctionalInterface
    public interface ZapRegistrar {
        /**
         * @param domain  the ZAP domain
         * @param key     what the handler is made from: activations of a domain share a handler when their keys are equal
         * @param handler makes the handler (for the first registration of the domain)
         * @return the registration
         * @throws ResourceException when it cannot be registered
         */
        ZapDomains.Registration register(String domain, Object key, Supplier<? extends ZapHandler> handler)
                throws ResourceException;
    }

    /** @param registrar where this activation's ZAP allow-list goes (set before {@link #start()}) */
    public void zapRegistrar(ZapRegistrar registrar) {
        this.zapRegistrar = registrar;
    }

    /** For tests: wraps how the loop receives (set before {@link #start()}). */
    void wrapReceiver(UnaryOperator<Inbox> wrapper) {
        this.inboxWrapper = wrapper;
    }

    private static String endpointName(MessageEndpointFactory f) {
        try {
            Class<?> c = f.getEndpointClass();
            if (c != null) {
                return c.getSimpleName();
            }
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container
        }
        try {
            String n = f.getActivationName();
            if (n != null) {
                return n;
            }
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container
        }
        return "endpoint";
    }

    /**
     * Opens the socket and starts the receive loop.
     *
     * @throws ResourceException when the socket cannot be opened (e.g. the port is taken)
     */
    public void start() throws ResourceException {
        Class<?> endpointClass = null;
        try {
            endpointClass = factory.getEndpointClass();
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container: the listener is found on the endpoint itself
        }
        ListenerInvoker invoker;
        try {
            invoker = new ListenerInvoker(endpointClass);
        } catch (IllegalArgumentException e) {
            throw new ResourceException(e.getMessage(), e);
        }
        boolean batch = ListenerInvoker.isBatchListener(endpointClass);
        if (batch && ReplyPolicy.canReply(settings.type())) {
            throw new ResourceException(name + ": a ZmqBatchListener takes one-way messages: use a PULL or SUB "
                    + "activation, not " + settings.type());
        }
        AllowListZapHandler.Config allowList = spec.allowList();
        if (allowList != null) {
            if (zapRegistrar == null) {
                throw new ResourceException(name + ": a ZAP allow-list needs the resource adapter's ZAP handler");
            }
            String domain = settings.security().zapDomain().orElse("");
            ZapDomains.Registration r = zapRegistrar.register(domain, allowList, allowList::handler);
            synchronized (this) {
                zapRegistration = r;
            }
            RaLog.zapAllowList(name, domain, allowList.describe());
        }
        DeliveryExecutor deliveries = startSecurityInflow();
        try {
            // watched before it binds or connects, so its first connection is counted
            SocketType engineType = settings.type() == SocketType.REP ? SocketType.ROUTER : null;
            socket = settings.open(context, engineType, stats::watch);
            String dl = spec.getDeadLetterEndpoint();
            if (dl != null && !dl.isBlank()) {
                deadLetters = DeadLetters.push(context, dl, spec.getLinger());
            }
        } catch (RuntimeException | LinkageError e) {
            closeSockets();
            throw new ResourceException("cannot open " + settings + ": " + e.getMessage(), e);
        }
        boolean ordered = Boolean.TRUE.equals(spec.getOrderedDelivery());
        // a batch listener takes what the socket holds, up to maxBatch per call; as the peer's User-Id, one each
        int maxBatch = batch && !spec.runsAsUserId() ? spec.getMaxBatch() : 1;
        DeliverySettings delivery = DeliverySettings.builder(settings.type())
                .maxBatch(maxBatch)
                .maxConcurrent(ordered ? 0 : spec.getMaxConcurrentDeliveries())
                .maxRetries(spec.getMaxRetries())
                .retryIntervalMs(spec.getRetryInterval())
                .replyPolicy(replyPolicy)
                .drainTimeout(Duration.ofMillis(shutdownTimeoutMs))
                .stopSlack(STOP_SLACK)
                .backoff(backoffInitialMs, backoffMaxMs)
                .build();
        Socket s = socket;
        // endpoints are reused between deliveries, but not when each delivery runs as its peer's User-Id
        EndpointTarget t = new EndpointTarget(factory, invoker, name,
                spec.runsAsUserId() ? 0 : ordered ? 1 : spec.getMaxConcurrentDeliveries());
        target = t;
        Inflow in = Inflow.builder(delivery)
                .channel(inboxWrapper.apply(stats.counting(s::recvMessage)), s::send, s.type())
                .target(t)
                .executor(deliveries)
                .deadLetters(deadLetters)
                .events(new ActivationEvents(name))
                .counters(counters)
                .build();
        try {
            in.start(executor);
        } catch (RejectedExecutionException e) {
            closeSockets();
            throw new ResourceException("the WorkManager refused the receive loop of " + name, e);
        }
        inflow = in;
        StatsMBeans.Registration r = StatsMBeans.register(StatsMBeans.ACTIVATION, name, stats);
        synchronized (this) {
            mbean = r;
        }
        RaLog.activationStarted(name);
    }

    /**
     * zapContainerRealm and runAsUserId: checks that the server sets up security contexts for the
     * adapter's work, registers the server's realm as the ZAP handler of the activation's domain.
     *
     * @return what runs the deliveries: as the peer's User-Id when runAsUserId is set
     * @throws ResourceException when the server does not provide security inflow (nothing registered then)
     */
    private DeliveryExecutor startSecurityInflow() throws ResourceException {
        if (!spec.containerRealm() && !spec.runsAsUserId()) {
            return new PooledDeliveries(executor);
        }
        SecurityInflow security = new SecurityInflow(executor);
        String missing = security.probe(SECURITY_PROBE_TIMEOUT);
        if (missing != null) {
            closeSockets();
            throw new ResourceException(name + ": zapContainerRealm and runAsUserId need the server's security "
                    + "inflow for the adapter's work, which it does not provide: " + missing + ". On WildFly: "
                    + "wm-security=true and wm-elytron-security-domain on the resource adapter.");
        }
        if (spec.containerRealm()) {
            if (zapRegistrar == null) {
                throw new ResourceException(name + ": zapContainerRealm needs the resource adapter's ZAP handler");
            }
            String domain = settings.security().zapDomain().orElse("");
            ContainerRealmZapHandler handler = new ContainerRealmZapHandler(security, name,
                    Duration.ofMillis(spec.getZapContainerRealmTimeout()));
            ZapDomains.Registration r = zapRegistrar.register(domain, CONTAINER_REALM_KEY, () -> handler);
            synchronized (this) {
                zapRegistration = r;
            }
            containerRealm = handler;
            RaLog.containerRealm(name, domain);
        }
        if (!spec.runsAsUserId()) {
            return new PooledDeliveries(executor);
        }
        RaLog.runAsUserId(name);
        return new RunAsUserId(executor);
    }

    /**
     * Runs deliveries as WorkManager work, a piece of work delivering several messages in a row under load
     * ({@link DeliveryExecutor#deliversSeveralPerTask()}): no {@code scheduleWork} per message.
     */
    private record PooledDeliveries(WorkManagerExecutor executor) implements DeliveryExecutor {
        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected) {
            executor.schedule(task, onRejected);
        }

        @Override
        public boolean deliversSeveralPerTask() {
            return true;
        }
    }

    /** Runs each delivery as work whose security context is the peer's User-Id (when it has one). */
    private record RunAsUserId(WorkManagerExecutor executor) implements DeliveryExecutor {
        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected) {
            executor.schedule(task, onRejected);
        }

        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected, Envelope request) {
            String userId = request.metadata().get(PeerMetadata.USER_ID).orElse("");
            if (userId.isEmpty()) {
                executor.schedule(task, onRejected);
            } else {
                executor.schedule(task, onRejected, List.of(SecurityInflow.caller(userId)));
            }
        }
    }

    /**
     * @return PLAIN clients the server's realm accepted, refused, and could not check (zapContainerRealm;
     *         zeros otherwise, and for an activation sharing the handler another activation of its domain made)
     */
    public long[] containerRealmCounts() {
        ContainerRealmZapHandler h = containerRealm;
        return h == null ? new long[3] : new long[] {h.accepted(), h.refused(), h.failed()};
    }

    /**
     * Stops the activation. Idempotent; returns within about {@code shutdownTimeout} + 3 s:
     * <ol>
     * <li>the loop stops taking new messages and drains those the socket already received: they are
     *     delivered while the shutdown timeout lasts, then dead-lettered or dropped (counted, ZCONNRA0042);</li>
     * <li>running deliveries get the rest of the timeout (+1 s) to finish;</li>
     * <li>the invocation gate closes: from then on no listener invocation starts (a delivery or retry
     *     not yet started is dead-lettered or dropped instead); invocations still running are reported
     *     (ZCONNRA0044) and release their endpoint when they return;</li>
     * <li>the sockets close.</li>
     * </ol>
     */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        Inflow in = inflow;
        if (in != null) {
            in.stop(true);
        }
        EndpointTarget t = target;
        if (t != null) {
            t.close();
        }
        closeSockets();
        StatsMBeans.Registration r;
        synchronized (this) {
            r = mbean;
            mbean = null;
        }
        if (r != null) {
            r.close();
        }
        RaLog.activationStopped(name);
    }

    private synchronized void closeSockets() {
        if (socket != null) {
            socket.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (zapRegistration != null) {
            zapRegistration.close();
            zapRegistration = null;
        }
    }

    /** @return messages taken from the socket */
    public long receivedCount() {
        return counters.received();
    }

    /** @return messages delivered successfully */
    public long deliveredCount() {
        return counters.delivered();
    }

    /**
     * @return messages that could not be delivered (listener failed on every attempt, WorkManager
     *         rejected the delivery, malformed request, deactivation); each is also counted as
     *         dead-lettered or dropped
     */
    public long failedCount() {
        return counters.failed();
    }

    /** @return failed messages handed to the dead-letter socket */
    public long deadLetteredCount() {
        return counters.deadLettered();
    }

    /** @return failed messages neither delivered nor dead-lettered (each logged, ZCONNRA0040/0041) */
    public long droppedCount() {
        return counters.dropped();
    }

    /** @return listener calls that were retries */
    public long retriedCount() {
        return counters.retried();
    }

    /** @return this activation's statistics (also its MBean {@code io.zconn:type=Activation}) */
    public ActivationStats stats() {
        return stats;
    }

    /** @return the name of its statistics MBean, or null when it is not registered */
    public synchronized javax.management.ObjectName mbeanName() {
        return mbean == null ? null : mbean.name();
    }

    private String lastEndpointOrNull() {
        try {
            return lastEndpoint();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @return whether {@link #stop()} has begun */
    boolean isStopping() {
        Inflow in = inflow;
        return in != null && in.isStopping();
    }

    /**
     * @param option an option
     * @param <T>    its type
     * @return the option's value on the activation's socket (for tests and monitoring)
     */
    public <T> T socketOption(ZmqOption<T> option) {
        return socket.getOption(option);
    }

    /** @return whether the receive loop died of a fatal error (ZCONNRA0043); redeploy to recover */
    public boolean isFailed() {
        Inflow in = inflow;
        return in != null && in.isFailed();
    }

    /** @return the activation spec */
    public ZmqActivationSpec spec() {
        return spec;
    }

    /** @return the last endpoint bound (with the real port for {@code tcp://*:*}), or null */
    public String lastEndpoint() {
        return socket == null ? null : socket.getOption(ZmqOption.LAST_ENDPOINT);
    }

    @Override
    public String toString() {
        return "ZmqActivation[" + name + "]";
    }
}
