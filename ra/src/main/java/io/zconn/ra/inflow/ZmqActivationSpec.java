package io.zconn.ra.inflow;

import io.zconn.engine.SocketType;
import io.zconn.ra.SocketSettings;
import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqListener;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.api.ZmqRequestListener;
import io.zconn.support.AllowListZapHandler;
import io.zconn.support.Lists;
import io.zconn.support.OptionParser;
import io.zconn.support.ReplyPolicy;
import io.zconn.support.SecuritySettings;

import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configures one inbound activation, i.e. one socket feeding one message-driven bean, set with
 * {@code @ActivationConfigProperty} on the MDB. PULL, SUB and PAIR deliver one-way; REP and ROUTER
 * answer each request with the listener's return value (sent to the peer that asked, along the
 * whole envelope); DEALER and PAIR send a returned value back over the same socket. A request whose
 * listener failed is answered as {@code replyOnFailure} says (see {@link io.zconn.support.ReplyPolicy}:
 * one empty frame by default). Lists are comma-separated ({@link io.zconn.support.Lists}); the
 * {@code options} property takes any libzmq option ({@link io.zconn.support.OptionParser}).
 * A {@link ZmqBatchListener} bean on a PULL or SUB activation takes up to {@code maxBatch} messages per
 * call (what the socket already holds; one transaction per call).
 *
 * <p>Security: {@code plainServer}, {@code plainUsername}/{@code plainPassword}, {@code curveServer},
 * {@code curveSecretKey} or {@code curveSecretKeyFile}, {@code curveServerKey}, {@code zapDomain}
 * ({@link io.zconn.support.SecuritySettings}); a PLAIN or CURVE server may bring a ZAP allow-list
 * ({@code zapCurveKeys}, {@code zapCurveKeysDirectory}, {@code zapPlainUsersFile}), which serves the
 * activation's {@code zapDomain} in the adapter's ZAP handler. Secrets are never logged nor shown
 * by {@link #toString()}.
 *
 * <p>The server's security, through Jakarta Connectors security inflow ({@link io.zconn.ra.SecurityInflow}):
 * {@code zapContainerRealm} has a PLAIN server's clients checked against the application server's
 * realm instead of a users file; {@code runAsUserId} runs each delivery as the peer's User-Id, so
 * that the bean's {@code getCallerPrincipal()} names the peer. Both need the server to set up
 * security contexts for the adapter's work (WildFly: {@code wm-security}); the activation does not
 * start otherwise.
 */
@Activation(messageListeners = {ZmqMessageListener.class, ZmqRequestListener.class, ZmqListener.class,
        ZmqBatchListener.class})
public class ZmqActivationSpec implements ActivationSpec, Serializable {
    private static final long serialVersionUID = 1L;
    /** The largest maxBatch: what a batch holds outside the socket stays bounded by a constant. */
    static final int MAX_BATCH = 10_000;

    /** The socket types an activation supports. */
    public static final Set<SocketType> TYPES = EnumSet.of(SocketType.PULL, SocketType.SUB, SocketType.REP,
            SocketType.ROUTER, SocketType.PAIR, SocketType.DEALER);

    @ConfigProperty(description = "Socket type: PULL, SUB, REP, ROUTER, PAIR or DEALER.", defaultValue = "PULL")
    private String socketType = "PULL";

    @ConfigProperty(description = "Endpoints, comma-separated, e.g. tcp://*:5555 (bind) or tcp://host:5556 (connect).")
    private String endpoints = "";

    @ConfigProperty(description = "true: bind the endpoints; false: connect to them.", defaultValue = "true")
    private Boolean bind = Boolean.TRUE;

    @ConfigProperty(description = "SUB only: subscription prefixes, comma-separated (UTF-8); empty = everything.")
    private String subscriptions = "";

    @ConfigProperty(description = "Receive high-water mark (RCVHWM) per peer; 0 = unlimited.", defaultValue = "1000")
    private Integer receiveHighWaterMark = 1000;

    @ConfigProperty(description = "Send high-water mark (SNDHWM) per peer for replies; 0 = unlimited.",
            defaultValue = "1000")
    private Integer sendHighWaterMark = 1000;

    @ConfigProperty(description = "How many messages may be delivered at the same time (each on a WorkManager "
            + "thread); ignored when orderedDelivery is true.", defaultValue = "4")
    private Integer maxConcurrentDeliveries = 4;

    @ConfigProperty(description = "true: deliver one message at a time, in arrival order.", defaultValue = "false")
    private Boolean orderedDelivery = Boolean.FALSE;

    @ConfigProperty(description = "The most messages one call of a ZmqBatchListener takes (PULL and SUB): what the "
            + "socket already holds when a delivery can start, never waiting for more.", defaultValue = "100")
    private Integer maxBatch = 100;

    @ConfigProperty(description = "How many times a delivery whose listener threw is retried before the message is "
            + "counted as failed (and sent to the dead-letter endpoint, if any).", defaultValue = "2")
    private Integer maxRetries = 2;

    @ConfigProperty(description = "Pause (ms) before each retry.", defaultValue = "100")
    private Integer retryInterval = 100;

    @ConfigProperty(description = "Optional endpoint a PUSH socket connects to, receiving messages whose delivery "
            + "failed (frames as received, without envelope); empty = none.")
    private String deadLetterEndpoint = "";

    @ConfigProperty(description = "LINGER in ms for replies and dead letters still queued at deactivation.",
            defaultValue = "1000")
    private Integer linger = 1000;

    @ConfigProperty(description = "First reconnect interval in ms (RECONNECT_IVL) when connecting; -1 = never.",
            defaultValue = "100")
    private Integer reconnectInterval = 100;

    @ConfigProperty(description = "Largest reconnect interval in ms (RECONNECT_IVL_MAX); 0 = no back-off.",
            defaultValue = "0")
    private Integer reconnectIntervalMax = 0;

    @ConfigProperty(description = "Largest message (bytes, all frames) a peer may send (MAXMSGSIZE); a peer that sends a "
            + "bigger one is disconnected; -1 = unlimited. The default protects the server: the receive "
            + "queue of each peer holds up to receiveHighWaterMark messages of this size.",
            defaultValue = "1048576")
    private Long maxMessageSize = 1_048_576L;

    @ConfigProperty(description = "Further socket options as NAME=value pairs, comma-separated, NAME being any zconn/libzmq "
            + "option (e.g. TCP_KEEPALIVE=1,HEARTBEAT_IVL=5000,IMMEDIATE=true); applied after the other "
            + "properties, so they win.")
    private String options = "";

    @ConfigProperty(description = "REP and ROUTER: what a request gets when its listener failed (after the retries): "
            + "EMPTY = one empty frame, so the requester is not left waiting; NONE = nothing, the requester "
            + "times out. A REP request whose listener returns nothing is always answered with one empty frame.",
            defaultValue = "EMPTY")
    private String replyOnFailure = "EMPTY";

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

    @ConfigProperty(description = "CURVE server: the allow-list of client public keys (Z85), comma-separated; any other "
            + "client is refused. Sets the adapter's ZAP handler for this activation's zapDomain.")
    private String zapCurveKeys = "";

    @ConfigProperty(description = "CURVE server: a directory of client public certificate files (*.key, as for pyzmq's "
            + "configure_curve location) whose keys the allow-list accepts; read when the activation "
            + "starts.")
    private String zapCurveKeysDirectory = "";

    @ConfigProperty(description = "PLAIN server: a properties file of username=password lines the allow-list accepts; "
            + "read when the activation starts.")
    private String zapPlainUsersFile = "";

    // --- security inflow: the server's realm decides PLAIN clients; deliveries run as the peer ---

    @ConfigProperty(description = "PLAIN server: check each client's username and password against the application "
            + "server's security realm (Jakarta Connectors security inflow: the domain the server uses for this "
            + "adapter's work, on WildFly wm-security=true with wm-elytron-security-domain); the User-Id is the "
            + "username. Instead of zapPlainUsersFile. The activation does not start when the server does not set "
            + "up security contexts for the adapter.", defaultValue = "false")
    private Boolean zapContainerRealm = Boolean.FALSE;

    @ConfigProperty(description = "zapContainerRealm: how long (ms) one check may wait for the server; a client not "
            + "checked in time is refused with ZAP status 300 (it may try again).", defaultValue = "5000")
    private Integer zapContainerRealmTimeout = 5000;

    @ConfigProperty(description = "PLAIN or CURVE server: deliver each message as its peer's User-Id (the PLAIN "
            + "username, the CURVE key in Z85), through security inflow, so that getCallerPrincipal() in the bean "
            + "names the peer (the name only: no roles from the realm). Messages without a User-Id run as before. "
            + "Needs the server's security inflow, as zapContainerRealm does; not with orderedDelivery.",
            defaultValue = "false")
    private Boolean runAsUserId = Boolean.FALSE;

    private transient ResourceAdapter resourceAdapter;

    /** Creates a spec with default settings. */
    public ZmqActivationSpec() {
    }

    @Override
    public void validate() throws InvalidPropertyException {
        settings();
        allowList();
        checkSecurityInflow();
        if (maxConcurrentDeliveries == null || maxConcurrentDeliveries < 1) {
            throw new InvalidPropertyException("maxConcurrentDeliveries must be >= 1, was " + maxConcurrentDeliveries);
        }
        if (maxBatch == null || maxBatch < 1 || maxBatch > MAX_BATCH) {
            throw new InvalidPropertyException("maxBatch must be 1 to " + MAX_BATCH + ", was " + maxBatch);
        }
        if (maxRetries == null || maxRetries < 0) {
            throw new InvalidPropertyException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (retryInterval == null || retryInterval < 0) {
            throw new InvalidPropertyException("retryInterval must be >= 0, was " + retryInterval);
        }
        try {
            ReplyPolicy.parse("replyOnFailure", replyOnFailure);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
    }

    /**
     * @return the socket settings this spec describes
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
                    + " activation");
        }
        check("receiveHighWaterMark", receiveHighWaterMark, 0);
        check("sendHighWaterMark", sendHighWaterMark, 0);
        check("linger", linger, -1);
        check("reconnectInterval", reconnectInterval, -1);
        check("reconnectIntervalMax", reconnectIntervalMax, 0);
        if (maxMessageSize == null || maxMessageSize < -1) {
            throw new InvalidPropertyException("maxMessageSize must be >= -1, was " + maxMessageSize);
        }
        String opts;
        try {
            opts = OptionParser.canonical("options", options);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
        return new SocketSettings(type, Lists.split(endpoints), bind == null || bind, sendHighWaterMark,
                receiveHighWaterMark, linger, reconnectInterval, reconnectIntervalMax,
                Lists.splitKeepingEmpty(subscriptions), maxMessageSize, opts, SocketSettings.security(securityValues()));
    }

    /**
     * @return the ZAP allow-list this activation brings (zapCurveKeys, zapCurveKeysDirectory,
     *         zapPlainUsersFile), or null when none is configured
     * @throws InvalidPropertyException when one is configured on a socket that is not a PLAIN or CURVE server
     */
    public AllowListZapHandler.Config allowList() throws InvalidPropertyException {
        AllowListZapHandler.Config c = AllowListZapHandler.Config.of(zapCurveKeys, zapCurveKeysDirectory,
                zapPlainUsersFile, List.of("zapCurveKeys", "zapCurveKeysDirectory", "zapPlainUsersFile"));
        if (c != null && !Boolean.TRUE.equals(curveServer) && !Boolean.TRUE.equals(plainServer)) {
            throw new InvalidPropertyException("zapCurveKeys, zapCurveKeysDirectory and zapPlainUsersFile need a "
                    + "server socket: set curveServer or plainServer");
        }
        return c;
    }

    /** Checks zapContainerRealm, zapContainerRealmTimeout and runAsUserId against the rest. */
    private void checkSecurityInflow() throws InvalidPropertyException {
        boolean plain = Boolean.TRUE.equals(plainServer);
        if (Boolean.TRUE.equals(zapContainerRealm)) {
            if (!plain) {
                throw new InvalidPropertyException("zapContainerRealm checks PLAIN clients: set plainServer");
            }
            if (allowList() != null) {
                throw new InvalidPropertyException("zapContainerRealm and an allow-list (zapCurveKeys, "
                        + "zapCurveKeysDirectory, zapPlainUsersFile) exclude each other: choose one");
            }
        }
        if (zapContainerRealmTimeout == null || zapContainerRealmTimeout < 1 || zapContainerRealmTimeout > 30_000) {
            throw new InvalidPropertyException("zapContainerRealmTimeout must be 1 to 30000 ms (the handshake waits "
                    + "30 s at most), was " + zapContainerRealmTimeout);
        }
        if (Boolean.TRUE.equals(runAsUserId)) {
            if (!plain && !Boolean.TRUE.equals(curveServer)) {
                throw new InvalidPropertyException("runAsUserId needs authenticated peers: set plainServer or "
                        + "curveServer");
            }
            if (Boolean.TRUE.equals(orderedDelivery)) {
                throw new InvalidPropertyException("runAsUserId runs each delivery as work of its own, which ordered "
                        + "delivery does not: use maxConcurrentDeliveries=1 instead of orderedDelivery");
            }
        }
    }

    /** @return whether the server's realm checks PLAIN clients */
    public boolean containerRealm() {
        return Boolean.TRUE.equals(zapContainerRealm);
    }

    /** @return whether deliveries run as the peer's User-Id */
    public boolean runsAsUserId() {
        return Boolean.TRUE.equals(runAsUserId);
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

    private static void check(String name, Integer v, int min) throws InvalidPropertyException {
        if (v == null || v < min) {
            throw new InvalidPropertyException(name + " must be >= " + min + ", was " + v);
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

    /** @return socket type name */
    public String getSocketType() {
        return socketType;
    }

    /** @param socketType socket type name */
    public void setSocketType(String socketType) {
        this.socketType = socketType;
    }

    /** @return endpoints */
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

    /** @return SUB prefixes */
    public String getSubscriptions() {
        return subscriptions;
    }

    /** @param subscriptions SUB prefixes, comma-separated */
    public void setSubscriptions(String subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** @return RCVHWM */
    public Integer getReceiveHighWaterMark() {
        return receiveHighWaterMark;
    }

    /** @param v RCVHWM */
    public void setReceiveHighWaterMark(Integer v) {
        this.receiveHighWaterMark = v;
    }

    /** @return SNDHWM */
    public Integer getSendHighWaterMark() {
        return sendHighWaterMark;
    }

    /** @param v SNDHWM */
    public void setSendHighWaterMark(Integer v) {
        this.sendHighWaterMark = v;
    }

    /** @return concurrent deliveries */
    public Integer getMaxConcurrentDeliveries() {
        return maxConcurrentDeliveries;
    }

    /** @param v concurrent deliveries */
    public void setMaxConcurrentDeliveries(Integer v) {
        this.maxConcurrentDeliveries = v;
    }

    /** @return ordered delivery */
    public Boolean getOrderedDelivery() {
        return orderedDelivery;
    }

    /** @param v ordered delivery */
    public void setOrderedDelivery(Boolean v) {
        this.orderedDelivery = v;
    }

    /** @return the most messages per batch listener call */
    public Integer getMaxBatch() {
        return maxBatch;
    }

    /** @param v the most messages per batch listener call */
    public void setMaxBatch(Integer v) {
        this.maxBatch = v;
    }

    /** @return retries */
    public Integer getMaxRetries() {
        return maxRetries;
    }

    /** @param v retries */
    public void setMaxRetries(Integer v) {
        this.maxRetries = v;
    }

    /** @return retry pause ms */
    public Integer getRetryInterval() {
        return retryInterval;
    }

    /** @param v retry pause ms */
    public void setRetryInterval(Integer v) {
        this.retryInterval = v;
    }

    /** @return dead-letter endpoint */
    public String getDeadLetterEndpoint() {
        return deadLetterEndpoint;
    }

    /** @param v dead-letter endpoint */
    public void setDeadLetterEndpoint(String v) {
        this.deadLetterEndpoint = v;
    }

    /** @return LINGER ms */
    public Integer getLinger() {
        return linger;
    }

    /** @param v LINGER ms */
    public void setLinger(Integer v) {
        this.linger = v;
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

    /** @return MAXMSGSIZE in bytes, -1 = unlimited */
    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    /** @param v MAXMSGSIZE in bytes, -1 = unlimited */
    public void setMaxMessageSize(Long v) {
        this.maxMessageSize = v;
    }

    /** @return EMPTY or NONE: the reply to a request whose listener failed */
    public String getReplyOnFailure() {
        return replyOnFailure;
    }

    /** @param v EMPTY or NONE: the reply to a request whose listener failed */
    public void setReplyOnFailure(String v) {
        this.replyOnFailure = v;
    }

    /** @return further options, NAME=value,... */
    public String getOptions() {
        return options;
    }

    /** @param v further options, NAME=value,... */
    public void setOptions(String v) {
        this.options = v;
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

    /** @return zapCurveKeys */
    public String getZapCurveKeys() {
        return zapCurveKeys;
    }

    /** @param v zapCurveKeys */
    public void setZapCurveKeys(String v) {
        this.zapCurveKeys = v;
    }

    /** @return zapCurveKeysDirectory */
    public String getZapCurveKeysDirectory() {
        return zapCurveKeysDirectory;
    }

    /** @param v zapCurveKeysDirectory */
    public void setZapCurveKeysDirectory(String v) {
        this.zapCurveKeysDirectory = v;
    }

    /** @return zapPlainUsersFile */
    public String getZapPlainUsersFile() {
        return zapPlainUsersFile;
    }

    /** @param v zapPlainUsersFile */
    public void setZapPlainUsersFile(String v) {
        this.zapPlainUsersFile = v;
    }

    /** @return zapContainerRealm */
    public Boolean getZapContainerRealm() {
        return zapContainerRealm;
    }

    /** @param v zapContainerRealm */
    public void setZapContainerRealm(Boolean v) {
        this.zapContainerRealm = v;
    }

    /** @return zapContainerRealmTimeout in ms */
    public Integer getZapContainerRealmTimeout() {
        return zapContainerRealmTimeout;
    }

    /** @param v zapContainerRealmTimeout in ms */
    public void setZapContainerRealmTimeout(Integer v) {
        this.zapContainerRealmTimeout = v;
    }

    /** @return runAsUserId */
    public Boolean getRunAsUserId() {
        return runAsUserId;
    }

    /** @param v runAsUserId */
    public void setRunAsUserId(Boolean v) {
        this.runAsUserId = v;
    }

    @Override
    public String toString() {
        return socketType + (bind == null || bind ? " bind " : " connect ") + endpoints;
    }
}
