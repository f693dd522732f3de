package io.zconn.ra.outbound;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketListener;
import io.zconn.engine.SocketType;
import io.zconn.ra.SocketSettings;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionException.Reason;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqConnectionListener;
import io.zconn.ra.stats.ConnectionFactoryStats;
import io.zconn.ra.stats.JcaStatistics;
import io.zconn.ra.stats.StatsMBeans;
import io.zconn.support.Lists;
import io.zconn.support.OptionParser;
import io.zconn.support.SecuritySettings;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.jboss.jca.core.spi.statistics.Statistics;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.ObjectName;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import javax.security.auth.Subject;

/**
 * Makes managed connections for one configured socket.
 *
 * <p><b>Pooled or shared.</b> With {@code bind=false} (connect, the default) every managed
 * connection owns its own socket, and the server's pool keeps those sockets (and their TCP
 * connections) for reuse. With {@code bind=true} the socket owns its port, so all managed connections
 * of this configuration share one socket inside the adapter: sends from many threads are safe, and
 * {@link ZmqConnection#request} calls on a shared REQ/DEALER socket take turns. A shared socket stays
 * bound until the adapter stops.
 *
 * <p>Socket types: PUSH, PUB, PAIR (send); PULL, SUB (receive); REQ, DEALER (request/reply; DEALER
 * also plain send/receive).
 *
 * <p><b>Transactions.</b> ZeroMQ cannot take part in two-phase commit, so the adapter declares
 * {@code NoTransaction} and does not pretend otherwise. Instead, with {@code sendOnCommit=true} (the
 * default), a {@code send} made inside a JTA transaction is held, per transaction, by an interposed
 * {@code Synchronization} registered with the server's {@code TransactionSynchronizationRegistry}:
 * the held messages are sent in order after the transaction commits, and discarded when it rolls
 * back. After commit means best effort and at most once: a send that fails then is logged
 * ({@code ZCONNRA0025}) and counted, and a crash between commit and send loses the messages. At most
 * {@code maxTransactionMessages} messages are held per transaction; one more fails the send. Sends
 * outside a transaction, {@code receive} and {@code request} are immediate.
 *
 * <p>Outside a container, {@link #createConnectionFactory()} gives a factory backed by a small
 * built-in pool and an engine context of zconn's own threads; {@link #close()} ends it.
 */
@ConnectionDefinition(
        connectionFactory = ZmqConnectionFactory.class,
        connectionFactoryImpl = ZmqConnectionFactoryImpl.class,
        connection = ZmqConnection.class,
        connectionImpl = ZmqConnectionImpl.class)
public class ZmqManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation,
        ValidatingManagedConnectionFactory, Statistics {
    private static final long serialVersionUID = 1L;
    private static final String TSR_JNDI = "java:comp/TransactionSynchronizationRegistry";

    /** The socket types outbound connections support. */
    public static final Set<SocketType> TYPES = EnumSet.of(SocketType.PUSH, SocketType.PUB, SocketType.PAIR,
            SocketType.PULL, SocketType.SUB, SocketType.REQ, SocketType.DEALER);

    @ConfigProperty(description = "Socket type: PUSH, PUB, PAIR, PULL, SUB, REQ or DEALER.", defaultValue = "PUSH")
    private String socketType = "PUSH";

    @ConfigProperty(description = "Endpoints, comma-separated, e.g. tcp://127.0.0.1:5556 or tcp://*:5557 "
            + "(also ipc:///path and inproc://name).")
    private String endpoints = "";

    @ConfigProperty(description = "true: bind the endpoints (one socket shared by all connections of this "
            + "factory); false: connect them (one pooled socket per managed connection).", defaultValue = "false")
    private Boolean bind = Boolean.FALSE;

    @ConfigProperty(description = "Send high-water mark (SNDHWM): messages queued per peer before sends block "
            + "or, for PUB, drop; 0 = unlimited.", defaultValue = "1000")
    private Integer sendHighWaterMark = 1000;

    @ConfigProperty(description = "Receive high-water mark (RCVHWM) per peer; 0 = unlimited.", defaultValue = "1000")
    private Integer receiveHighWaterMark = 1000;

    @ConfigProperty(description = "LINGER in ms: how long messages still queued when a socket closes are kept "
            + "for delivery; -1 = until delivered, 0 = drop.", defaultValue = "1000")
    private Integer linger = 1000;

    @ConfigProperty(description = "How long (ms) a send may block (HWM reached, no peer yet) before it fails; "
            + "-1 = forever.", defaultValue = "5000")
    private Integer sendTimeout = 5000;

    @ConfigProperty(description = "Default wait (ms) of receive() and request() without an explicit timeout; "
            + "-1 = forever.", defaultValue = "5000")
    private Integer receiveTimeout = 5000;

    @ConfigProperty(description = "First reconnect interval in ms (RECONNECT_IVL); -1 = do not reconnect.",
            defaultValue = "100")
    private Integer reconnectInterval = 100;

    @ConfigProperty(description = "Largest reconnect interval in ms for exponential back-off (RECONNECT_IVL_MAX); "
            + "0 = no back-off.", defaultValue = "0")
    private Integer reconnectIntervalMax = 0;

    @ConfigProperty(description = "SUB only: subscription prefixes, comma-separated; empty = everything.")
    private String subscriptions = "";

    @ConfigProperty(description = "Largest message (bytes, all frames) a peer may send to this factory's sockets "
            + "(MAXMSGSIZE); a peer that sends a bigger one is disconnected; -1 = unlimited (replies come "
            + "from peers the application chose; set a limit for bound PULL/SUB factories open to "
            + "untrusted peers).",
            defaultValue = "-1")
    private Long maxMessageSize = -1L;

    @ConfigProperty(description = "Further socket options as NAME=value pairs, comma-separated, NAME being any zconn/libzmq "
            + "option (e.g. TCP_KEEPALIVE=1,HEARTBEAT_IVL=5000,IMMEDIATE=true); applied after the other "
            + "properties, so they win.")
    private String options = "";

    @ConfigProperty(description = "true: a send made inside a JTA transaction is held and sent after the "
            + "transaction commits (best effort, at most once; discarded on rollback); false: sends always "
            + "leave at once. Sends outside a transaction, receive() and request() are always immediate.",
            defaultValue = "true")
    private Boolean sendOnCommit = Boolean.TRUE;

    @ConfigProperty(description = "Most messages one transaction may hold for sending on commit through this "
            + "factory; one more fails the send.", defaultValue = "10000")
    private Integer maxTransactionMessages = 10_000;

    @ConfigProperty(description = "true: this socket is a PLAIN server: each client's username and password go to the "
            + "adapter's ZAP handler (see zapPlainUsersFile); with none, every client is refused.",
            defaultValue = "false")
    private Boolean plainServer = Boolean.FALSE;

    @ConfigProperty(description = "PLAIN client: the username sent to the server (selects PLAIN security).")
    private String plainUsername = "";

    @ConfigProperty(description = "PLAIN client: the password sent with plainUsername. Confidential: never logged or "
            + "shown.", confidential = true)
    private String plainPassword = "";

    @ConfigProperty(description = "true: this socket is a CURVE server; it needs its key pair (curveSecretKey or "
            + "curveSecretKeyFile). Clients' keys are checked by the ZAP allow-list when one is "
            + "configured, otherwise every client that knows the server's public key is accepted.",
            defaultValue = "false")
    private Boolean curveServer = Boolean.FALSE;

    @ConfigProperty(description = "CURVE: this socket's public key, 40 Z85 characters; optional (derived from the secret "
            + "key, checked when given).")
    private String curvePublicKey = "";

    @ConfigProperty(description = "CURVE: this socket's secret key, 40 Z85 characters. Confidential: never logged or "
            + "shown; prefer curveSecretKeyFile.", confidential = true)
    private String curveSecretKey = "";

    @ConfigProperty(description = "CURVE: path of this socket's secret certificate file (as CZMQ zcert or pyzmq "
            + "zmq.auth.create_certificates write it), instead of curveSecretKey.")
    private String curveSecretKeyFile = "";

    @ConfigProperty(description = "CURVE client: the server's public key, 40 Z85 characters (selects CURVE security).")
    private String curveServerKey = "";

    @ConfigProperty(description = "ZAP domain (ZAP_DOMAIN) of this socket's connections; an allow-list serves one "
            + "domain.")
    private String zapDomain = "";

    @ConfigProperty(description = "NULL security with a zapDomain: refuse every connection when no ZAP handler is there "
            + "(ZAP_ENFORCE_DOMAIN).",
            defaultValue = "false")
    private Boolean zapEnforceDomain = Boolean.FALSE;

    @ConfigProperty(description = "Before the first send or request on a connection, wait until this many peers are "
            + "attached to its socket (Socket.awaitPeers; for PUB, peers that subscribed); 0 = do not wait.",
            defaultValue = "0")
    private Integer requirePeers = 0;

    @ConfigProperty(description = "How long (ms) the first send waits for requirePeers peers; then it fails with "
            + "ZmqConnectionException TIMEOUT (logged ZCONNRA0070) and the next send waits again.",
            defaultValue = "5000")
    private Integer requirePeersTimeout = 5000;

    private transient ResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;
    private transient Context ownContext;
    private transient SharedSockets ownShared;
    /** The key of this factory's {@link TxSends} in a transaction's resources; made on first use. */
    private transient volatile Object transactionKey;
    /** sendTimeout as the engine takes it, made once per value (the value the Duration was made from). */
    private transient volatile TimeoutCache sendTimeoutCache;
    private transient volatile TransactionSynchronizationRegistry jndiTransactions;
    private transient volatile boolean noJndi;
    private final transient ConnectionFactoryStats stats = new ConnectionFactoryStats(toString());
    private transient volatile JcaStatistics statistics;
    private transient StatsMBeans.Registration mbean;
    private final transient Map<ZmqConnectionListener, SocketListener> connectionListeners = new ConcurrentHashMap<>();

    /** Creates a factory with default settings. */
    public ZmqManagedConnectionFactory() {
    }

    @Override
    public Object createConnectionFactory(ConnectionManager manager) throws ResourceException {
        settings();
        registerStats();
        return new ZmqConnectionFactoryImpl(this, manager);
    }

    @Override
    public Object createConnectionFactory() throws ResourceException {
        settings();
        registerStats();
        return new ZmqConnectionFactoryImpl(this, new DefaultConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        SocketSettings s = settings();
        try {
            if (s.bind()) {
                SharedSockets registry = sharedSockets();
                SharedSockets.Shared shared = registry.acquire(context(), s);
                stats.peers().watch(shared.socket());
                return new ZmqManagedConnection(this, shared, registry);
            }
            Socket own = s.open(context(), null, stats.peers()::watch); // watched before it connects
            return new ZmqManagedConnection(this, own);
        } catch (RuntimeException e) {
            throw new ResourceException("cannot open " + s + ": " + e.getMessage(), e);
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        for (Object o : candidates) {
            if (o instanceof ZmqManagedConnection mc && mc.factory().equals(this) && mc.isUsable()) {
                return mc;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set candidates) {
        Set invalid = new HashSet<>();
        for (Object o : candidates) {
            if (o instanceof ZmqManagedConnection mc && !mc.isUsable()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    /**
     * Checks the configuration.
     *
     * @return the socket settings it describes
     * @throws InvalidPropertyException naming the bad property
     */
    public SocketSettings settings() throws InvalidPropertyException {
        SocketType type;
        try {
            type = SocketSettings.parseType(socketType, TYPES);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("socketType: " + e.getMessage());
        }
        if (Lists.split(endpoints).isEmpty()) {
            throw new InvalidPropertyException("endpoints: at least one endpoint is required for the " + type
                    + " connection factory");
        }
        if (maxMessageSize == null || maxMessageSize < -1) {
            throw new InvalidPropertyException("maxMessageSize must be >= -1, was " + maxMessageSize);
        }
        if (maxTransactionMessages == null || maxTransactionMessages < 1) {
            throw new InvalidPropertyException("maxTransactionMessages must be >= 1, was " + maxTransactionMessages);
        }
        nonNegative("requirePeers", requirePeers);
        nonNegative("requirePeersTimeout", requirePeersTimeout);
        String opts;
        try {
            opts = OptionParser.canonical("options", options);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
        return new SocketSettings(type, Lists.split(endpoints), bind != null && bind,
                nonNegative("sendHighWaterMark", sendHighWaterMark), nonNegative("receiveHighWaterMark",
                receiveHighWaterMark), atLeastMinusOne("linger", linger),
                atLeastMinusOne("reconnectInterval", reconnectInterval),
                nonNegative("reconnectIntervalMax", reconnectIntervalMax), Lists.splitKeepingEmpty(subscriptions),
                maxMessageSize, opts, SocketSettings.security(securityValues()));
    }

    private Map<SecuritySettings.Key, Object> securityValues() {
        Map<SecuritySettings.Key, Object> v = new EnumMap<>(SecuritySettings.Key.class);
        v.put(SecuritySettings.Key.PLAIN_SERVER, plainServer);
        v.put(SecuritySettings.Key.PLAIN_USERNAME, plainUsername);
        v.put(SecuritySettings.Key.PLAIN_PASSWORD, plainPassword);
        v.put(SecuritySettings.Key.CURVE_SERVER, curveServer);
        v.put(SecuritySettings.Key.CURVE_PUBLIC_KEY, curvePublicKey);
        v.put(SecuritySettings.Key.CURVE_SECRET_KEY, curveSecretKey);
        v.put(SecuritySettings.Key.CURVE_SECRET_KEY_FILE, curveSecretKeyFile);
        v.put(SecuritySettings.Key.CURVE_SERVER_KEY, curveServerKey);
        v.put(SecuritySettings.Key.ZAP_DOMAIN, zapDomain);
        v.put(SecuritySettings.Key.ZAP_ENFORCE_DOMAIN, zapEnforceDomain);
        v.values().removeIf(x -> x == null || Boolean.FALSE.equals(x));
        return v;
    }

    /**
     * Holds a send for the caller's JTA transaction, if there is one and {@code sendOnCommit} is on.
     *
     * @return true when the message is held (it is sent after the commit, or discarded), false when
     *         the caller must send it now
     * @throws ZmqConnectionException when the transaction holds {@code maxTransactionMessages}
     *                                already, or is completing
     */
    boolean holdForTransaction(ZmqManagedConnection connection, Message message) {
        if (!Boolean.TRUE.equals(sendOnCommit)) {
            return false;
        }
        TransactionSynchronizationRegistry tsr = transactions();
        if (tsr == null) {
            return false;
        }
        int status = tsr.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            return false;
        }
        if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, "cannot send while the transaction completes"
                    + " (JTA status " + status + ") through " + this + "; the message was not sent", null);
        }
        Object key = transactionKey();
        TxSends held = (TxSends) tsr.getResource(key);
        if (held == null) {
            held = new TxSends(this, maxTransactionMessages);
            tsr.registerInterposedSynchronization(held);
            tsr.putResource(key, held);
        }
        held.add(connection, message);
        stats.held();
        return true;
    }

    private Object transactionKey() {
        Object k = transactionKey;
        if (k == null) {
            synchronized (this) {
                k = transactionKey;
                if (k == null) {
                    k = new Object();
                    transactionKey = k;
                }
            }
        }
        return k;
    }

    /** A configured timeout in ms and its Duration (negative: none, wait forever). */
    private record TimeoutCache(Integer ms, Duration duration) {
    }

    /**
     * @return sendTimeout as a Duration, made once rather than per send (recomputed if the property
     *         changes); negative for none
     */
    Duration sendTimeoutDuration() {
        Integer ms = sendTimeout;
        TimeoutCache c = sendTimeoutCache;
        if (c == null || !Objects.equals(c.ms(), ms)) {
            c = new TimeoutCache(ms, ms == null || ms < 0 ? Duration.ofMillis(-1) : Duration.ofMillis(ms));
            sendTimeoutCache = c;
        }
        return c.duration();
    }

    /**
     * The server's registry: the one the adapter got from its bootstrap context, else
     * {@code java:comp/TransactionSynchronizationRegistry} from JNDI, else none (no transactions).
     * The JNDI name is a constant of the Jakarta EE platform, never user input.
     */
    @SuppressWarnings("BanJNDI")
    private TransactionSynchronizationRegistry transactions() {
        if (resourceAdapter instanceof ZmqResourceAdapter ra) {
            TransactionSynchronizationRegistry t = ra.transactionSynchronizationRegistry();
            if (t != null) {
                return t;
            }
        }
        TransactionSynchronizationRegistry t = jndiTransactions;
        if (t != null || noJndi) {
            return t;
        }
        try {
            t = (TransactionSynchronizationRegistry) new InitialContext().lookup(TSR_JNDI);
            jndiTransactions = t;
            return t;
        } catch (NoInitialContextException e) {
            noJndi = true;
            return null;
        } catch (NamingException | ClassCastException e) {
            return null;
        }
    }


    void countSentAfterCommit() {
        stats.sentAfterCommit();
    }

    void countDiscarded(int n) {
        stats.discarded(n);
    }

    long countFailedAfterCommit() {
        return stats.failedAfterCommit();
    }

    /** @return messages held for their transaction and sent after it committed */
    public long sentAfterCommit() {
        return stats.getSentAfterCommit();
    }

    /** @return messages held for their transaction and discarded because it did not commit */
    public long discardedOnRollback() {
        return stats.getDiscardedOnRollback();
    }

    /** @return messages held for a committed transaction whose send then failed (lost, ZCONNRA0025) */
    public long failedAfterCommit() {
        return stats.getFailedAfterCommit();
    }

    /** @return requirePeers, 0 when unset */
    int requiredPeers() {
        return requirePeers == null ? 0 : requirePeers;
    }

    /** @return requirePeersTimeout in ms */
    int requiredPeersTimeout() {
        return requirePeersTimeout == null ? 0 : requirePeersTimeout;
    }

    /**
     * Tells {@code listener} what happens to the connections of this factory's sockets from now on;
     * see {@link io.zconn.ra.api.ZmqConnectionFactory#addConnectionListener}.
     *
     * @param listener the application's listener
     */
    public void addConnectionListener(ZmqConnectionListener listener) {
        Objects.requireNonNull(listener, "listener");
        SocketListener adapter = e -> listener.onConnectionEvent(ConnectionEvents.of(e));
        if (connectionListeners.putIfAbsent(listener, adapter) == null) {
            stats.peers().addListener(adapter);
        }
    }

    /** @param listener a listener added before; removing one not there does nothing */
    public void removeConnectionListener(ZmqConnectionListener listener) {
        SocketListener adapter = connectionListeners.remove(listener);
        if (adapter != null) {
            stats.peers().removeListener(adapter);
        }
    }

    /** @return this factory's counters (also its MBean {@code io.zconn:type=ConnectionFactory}) */
    public ConnectionFactoryStats stats() {
        return stats;
    }

    /**
     * IronJacamar's statistics hook: WildFly shows these under
     * {@code .../connection-definitions=<pool>/statistics=extended} when statistics are enabled.
     *
     * @return this factory's statistics
     */
    @Override
    public StatisticsPlugin getStatistics() {
        JcaStatistics s = statistics;
        if (s == null) {
            s = JcaStatistics.of(stats);
            statistics = s;
        }
        return s;
    }

    /** @return the name of this factory's statistics MBean, or null when it is not registered */
    public synchronized ObjectName mbeanName() {
        return mbean == null ? null : mbean.name();
    }

    /**
     * Registers the statistics MBean once, when the server first asks for a connection factory (the
     * configuration is complete by then); the adapter's stop, or {@link #close()}, unregisters it.
     */
    private void registerStats() {
        synchronized (this) {
            if (mbean != null) {
                return;
            }
            String d = description();
            stats.describe(d);
            stats.requirePeers(requiredPeers());
            mbean = StatsMBeans.register(StatsMBeans.CONNECTION_FACTORY, d, stats);
        }
        if (resourceAdapter instanceof ZmqResourceAdapter ra) {
            ra.closeOnStop(this::unregisterStats);
        }
    }

    private void unregisterStats() {
        StatsMBeans.Registration r;
        synchronized (this) {
            r = mbean;
            mbean = null;
        }
        if (r != null) {
            r.close();
        }
    }

    /** @return socket type, bind or connect, endpoints and mechanism: the MBean's name */
    private String description() {
        return socketType + (Boolean.TRUE.equals(bind) ? " bind " : " connect ") + endpoints
                + (Boolean.TRUE.equals(curveServer) || !isBlank(curveServerKey) ? " CURVE"
                : Boolean.TRUE.equals(plainServer) || !isBlank(plainUsername) ? " PLAIN" : "");
    }

    /** @return the configured socket type, or null when it does not parse */
    SocketType socketTypeOrNull() {
        try {
            return SocketSettings.parseType(socketType, TYPES);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int nonNegative(String name, Integer v) throws InvalidPropertyException {
        if (v == null || v < 0) {
            throw new InvalidPropertyException(name + " must be >= 0, was " + v);
        }
        return v;
    }

    private static int atLeastMinusOne(String name, Integer v) throws InvalidPropertyException {
        if (v == null || v < -1) {
            throw new InvalidPropertyException(name + " must be >= -1, was " + v);
        }
        return v;
    }

    private synchronized Context context() throws ResourceAdapterInternalException {
        if (resourceAdapter instanceof ZmqResourceAdapter ra) {
            return ra.requireStarted();
        }
        if (ownContext == null) {
            ownContext = new Context();
        }
        return ownContext;
    }

    private synchronized SharedSockets sharedSockets() throws ResourceAdapterInternalException {
        if (resourceAdapter instanceof ZmqResourceAdapter ra) {
            SharedSockets s = ra.sharedSockets();
            if (s == null) {
                throw new ResourceAdapterInternalException("the zconn resource adapter is not started");
            }
            return s;
        }
        if (ownShared == null) {
            ownShared = new SharedSockets();
        }
        return ownShared;
    }

    /**
     * Outside a container only: closes the shared sockets and the engine context this factory made
     * for itself. Inside a container the adapter owns them and this does nothing.
     */
    public synchronized void close() {
        unregisterStats();
        if (ownShared != null) {
            ownShared.closeAll();
            ownShared = null;
        }
        if (ownContext != null) {
            ownContext.close();
            ownContext = null;
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** @return socket type name */
    public String getSocketType() {
        return socketType;
    }

    /** @param socketType socket type name */
    public void setSocketType(String socketType) {
        this.socketType = socketType;
    }

    /** @return endpoints, comma-separated */
    public String getEndpoints() {
        return endpoints;
    }

    /** @param endpoints endpoints, comma-separated */
    public void setEndpoints(String endpoints) {
        this.endpoints = endpoints;
    }

    /** @return whether to bind */
    public Boolean getBind() {
        return bind;
    }

    /** @param bind whether to bind */
    public void setBind(Boolean bind) {
        this.bind = bind;
    }

    /** @return SNDHWM */
    public Integer getSendHighWaterMark() {
        return sendHighWaterMark;
    }

    /** @param v SNDHWM */
    public void setSendHighWaterMark(Integer v) {
        this.sendHighWaterMark = v;
    }

    /** @return RCVHWM */
    public Integer getReceiveHighWaterMark() {
        return receiveHighWaterMark;
    }

    /** @param v RCVHWM */
    public void setReceiveHighWaterMark(Integer v) {
        this.receiveHighWaterMark = v;
    }

    /** @return LINGER ms */
    public Integer getLinger() {
        return linger;
    }

    /** @param linger LINGER ms */
    public void setLinger(Integer linger) {
        this.linger = linger;
    }

    /** @return send timeout ms */
    public Integer getSendTimeout() {
        return sendTimeout;
    }

    /** @param sendTimeout send timeout ms */
    public void setSendTimeout(Integer sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    /** @return default receive/request timeout ms */
    public Integer getReceiveTimeout() {
        return receiveTimeout;
    }

    /** @param receiveTimeout default receive/request timeout ms */
    public void setReceiveTimeout(Integer receiveTimeout) {
        this.receiveTimeout = receiveTimeout;
    }

    /** @return RECONNECT_IVL ms */
    public Integer getReconnectInterval() {
        return reconnectInterval;
    }

    /** @param v RECONNECT_IVL ms */
    public void setReconnectInterval(Integer v) {
        this.reconnectInterval = v;
    }

    /** @return RECONNECT_IVL_MAX ms */
    public Integer getReconnectIntervalMax() {
        return reconnectIntervalMax;
    }

    /** @param v RECONNECT_IVL_MAX ms */
    public void setReconnectIntervalMax(Integer v) {
        this.reconnectIntervalMax = v;
    }

    /** @return SUB prefixes, comma-separated */
    public String getSubscriptions() {
        return subscriptions;
    }

    /** @param subscriptions SUB prefixes, comma-separated */
    public void setSubscriptions(String subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** @return MAXMSGSIZE in bytes, -1 = unlimited */
    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    /** @param v MAXMSGSIZE in bytes, -1 = unlimited */
    public void setMaxMessageSize(Long v) {
        this.maxMessageSize = v;
    }

    /** @return further options, NAME=value,... */
    public String getOptions() {
        return options;
    }

    /** @param v further options, NAME=value,... */
    public void setOptions(String v) {
        this.options = v;
    }

    /** @return whether sends inside a JTA transaction wait for its commit */
    public Boolean getSendOnCommit() {
        return sendOnCommit;
    }

    /** @param v whether sends inside a JTA transaction wait for its commit */
    public void setSendOnCommit(Boolean v) {
        this.sendOnCommit = v;
    }

    /** @return most messages one transaction may hold */
    public Integer getMaxTransactionMessages() {
        return maxTransactionMessages;
    }

    /** @param v most messages one transaction may hold */
    public void setMaxTransactionMessages(Integer v) {
        this.maxTransactionMessages = v;
    }

    /** @return plainServer */
    public Boolean getPlainServer() {
        return plainServer;
    }

    /** @param v plainServer */
    public void setPlainServer(Boolean v) {
        this.plainServer = v;
    }

    /** @return plainUsername */
    public String getPlainUsername() {
        return plainUsername;
    }

    /** @param v plainUsername */
    public void setPlainUsername(String v) {
        this.plainUsername = v;
    }

    /** @return plainPassword (confidential) */
    public String getPlainPassword() {
        return plainPassword;
    }

    /** @param v plainPassword */
    public void setPlainPassword(String v) {
        this.plainPassword = v;
    }

    /** @return curveServer */
    public Boolean getCurveServer() {
        return curveServer;
    }

    /** @param v curveServer */
    public void setCurveServer(Boolean v) {
        this.curveServer = v;
    }

    /** @return curvePublicKey */
    public String getCurvePublicKey() {
        return curvePublicKey;
    }

    /** @param v curvePublicKey */
    public void setCurvePublicKey(String v) {
        this.curvePublicKey = v;
    }

    /** @return curveSecretKey (confidential) */
    public String getCurveSecretKey() {
        return curveSecretKey;
    }

    /** @param v curveSecretKey */
    public void setCurveSecretKey(String v) {
        this.curveSecretKey = v;
    }

    /** @return curveSecretKeyFile */
    public String getCurveSecretKeyFile() {
        return curveSecretKeyFile;
    }

    /** @param v curveSecretKeyFile */
    public void setCurveSecretKeyFile(String v) {
        this.curveSecretKeyFile = v;
    }

    /** @return curveServerKey */
    public String getCurveServerKey() {
        return curveServerKey;
    }

    /** @param v curveServerKey */
    public void setCurveServerKey(String v) {
        this.curveServerKey = v;
    }

    /** @return zapDomain */
    public String getZapDomain() {
        return zapDomain;
    }

    /** @param v zapDomain */
    public void setZapDomain(String v) {
        this.zapDomain = v;
    }

    /** @return zapEnforceDomain */
    public Boolean getZapEnforceDomain() {
        return zapEnforceDomain;
    }

    /** @param v zapEnforceDomain */
    public void setZapEnforceDomain(Boolean v) {
        this.zapEnforceDomain = v;
    }

    /** @return requirePeers */
    public Integer getRequirePeers() {
        return requirePeers;
    }

    /** @param v requirePeers */
    public void setRequirePeers(Integer v) {
        this.requirePeers = v;
    }

    /** @return requirePeersTimeout */
    public Integer getRequirePeersTimeout() {
        return requirePeersTimeout;
    }

    /** @param v requirePeersTimeout */
    public void setRequirePeersTimeout(Integer v) {
        this.requirePeersTimeout = v;
    }

    /** Factories are equal when all configuration properties are (and they belong to the same adapter). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ZmqManagedConnectionFactory f
                && Objects.equals(socketType, f.socketType) && Objects.equals(endpoints, f.endpoints)
                && Objects.equals(bind, f.bind) && Objects.equals(sendHighWaterMark, f.sendHighWaterMark)
                && Objects.equals(receiveHighWaterMark, f.receiveHighWaterMark) && Objects.equals(linger, f.linger)
                && Objects.equals(sendTimeout, f.sendTimeout) && Objects.equals(receiveTimeout, f.receiveTimeout)
                && Objects.equals(reconnectInterval, f.reconnectInterval)
                && Objects.equals(reconnectIntervalMax, f.reconnectIntervalMax)
                && Objects.equals(subscriptions, f.subscriptions) && Objects.equals(maxMessageSize, f.maxMessageSize)
                && Objects.equals(options, f.options) && Objects.equals(sendOnCommit, f.sendOnCommit)
                && Objects.equals(maxTransactionMessages, f.maxTransactionMessages)
                && Objects.equals(plainServer, f.plainServer)
                && Objects.equals(plainUsername, f.plainUsername) && Objects.equals(plainPassword, f.plainPassword)
                && Objects.equals(curveServer, f.curveServer) && Objects.equals(curvePublicKey, f.curvePublicKey)
                && Objects.equals(curveSecretKey, f.curveSecretKey)
                && Objects.equals(curveSecretKeyFile, f.curveSecretKeyFile)
                && Objects.equals(curveServerKey, f.curveServerKey) && Objects.equals(zapDomain, f.zapDomain)
                && Objects.equals(zapEnforceDomain, f.zapEnforceDomain)
                && Objects.equals(requirePeers, f.requirePeers) && Objects.equals(requirePeersTimeout, f.requirePeersTimeout)
                && resourceAdapter == f.resourceAdapter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(socketType, endpoints, bind, sendHighWaterMark, receiveHighWaterMark, linger, sendTimeout,
                receiveTimeout, reconnectInterval, reconnectIntervalMax, subscriptions, maxMessageSize, options,
                sendOnCommit, maxTransactionMessages, plainUsername, curveServerKey, zapDomain);
    }

    @Override
    public String toString() {
        return "ZmqManagedConnectionFactory[" + description() + "]";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
