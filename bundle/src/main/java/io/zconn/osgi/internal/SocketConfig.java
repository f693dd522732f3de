package io.zconn.osgi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the {@code io.zconn.socket} factory configuration: one configuration, one socket.
 * The component reads the raw properties through {@link io.zconn.osgi.SocketSpec#fromProperties},
 * so that options left out keep the engine's defaults and errors name the property.
 */
@ObjectClassDefinition(id = "io.zconn.socket", name = "zconn socket",
        description = "A ZeroMQ socket, registered as an io.zconn.engine.Socket service with the properties"
                + " zconn.name, zconn.type and zconn.endpoints. Whiteboard listeners attach to it with"
                + " zconn.socket=<name>.")
@interface SocketConfig {
    /** @return the name */
    @AttributeDefinition(name = "Name", description = "Unique socket name (letters, digits, . _ : -), used to look"
            + " the service up, e.g. (zconn.name=orders), and by listeners' zconn.socket property.")
    String zconn_name();

    /** @return the type */
    @AttributeDefinition(name = "Socket type", description = "The ZeroMQ socket type.", options = {
        @Option(label = "PUSH", value = "PUSH"), @Option(label = "PULL", value = "PULL"),
        @Option(label = "PUB", value = "PUB"), @Option(label = "SUB", value = "SUB"),
        @Option(label = "XPUB", value = "XPUB"), @Option(label = "XSUB", value = "XSUB"),
        @Option(label = "REQ", value = "REQ"), @Option(label = "REP", value = "REP"),
        @Option(label = "DEALER", value = "DEALER"), @Option(label = "ROUTER", value = "ROUTER"),
        @Option(label = "PAIR", value = "PAIR")})
    String zconn_type();

    /** @return endpoints to bind */
    @AttributeDefinition(name = "Bind endpoints", required = false, description = "Endpoints to accept connections"
            + " on, e.g. tcp://*:5555, tcp://127.0.0.1:*, ipc:///tmp/orders.sock, inproc://orders.")
    String[] zconn_bind();

    /** @return endpoints to connect */
    @AttributeDefinition(name = "Connect endpoints", required = false, description = "Endpoints to connect to,"
            + " e.g. tcp://broker:5555. Connecting before the peer is up is fine: zconn retries.")
    String[] zconn_connect();

    /** @return subscriptions */
    @AttributeDefinition(name = "Subscriptions", required = false, description = "SUB/XSUB only: topic prefixes"
            + " to subscribe to; an empty entry subscribes to everything.")
    String[] zconn_subscribe();

    /** @return more options */
    @AttributeDefinition(name = "Other options", required = false, description = "Further socket options as"
            + " NAME=value, with libzmq option names without ZMQ_, e.g. TCP_KEEPALIVE=1, BACKLOG=200.")
    String[] zconn_options();

    /** @return SNDHWM */
    @AttributeDefinition(name = "Send high-water mark", required = false, min = "0",
            description = "SNDHWM: messages queued per peer before sends block or drop; 0 means no limit.")
    int sndhwm() default 1000;

    /** @return RCVHWM */
    @AttributeDefinition(name = "Receive high-water mark", required = false, min = "0",
            description = "RCVHWM: messages queued per peer on receipt; 0 means no limit.")
    int rcvhwm() default 1000;

    /** @return LINGER */
    @AttributeDefinition(name = "Linger (ms)", required = false, min = "-1",
            description = "LINGER: how long pending outbound messages are kept after close; -1 forever, 0 discard.")
    int linger() default 0;

    /** @return RECONNECT_IVL */
    @AttributeDefinition(name = "Reconnect interval (ms)", required = false, min = "-1",
            description = "RECONNECT_IVL: first wait before reconnecting; -1 disables reconnection.")
    int reconnect_ivl() default 100;

    /** @return RECONNECT_IVL_MAX */
    @AttributeDefinition(name = "Maximum reconnect interval (ms)", required = false, min = "0",
            description = "RECONNECT_IVL_MAX: upper bound of the exponential back-off; 0 keeps the interval fixed.")
    int reconnect_ivl_max() default 0;

    /** @return SNDTIMEO */
    @AttributeDefinition(name = "Send timeout (ms)", required = false, min = "-1",
            description = "SNDTIMEO: how long a blocking send waits; -1 forever.")
    int sndtimeo() default -1;

    /** @return RCVTIMEO */
    @AttributeDefinition(name = "Receive timeout (ms)", required = false, min = "-1",
            description = "RCVTIMEO: how long a blocking receive waits; -1 forever.")
    int rcvtimeo() default -1;

    /** @return MAXMSGSIZE */
    @AttributeDefinition(name = "Maximum message size (bytes)", required = false, min = "-1",
            description = "MAXMSGSIZE: larger inbound frames drop the connection; -1 means no limit.")
    long maxmsgsize() default -1;

    /** @return ROUTING_ID */
    @AttributeDefinition(name = "Routing id", required = false,
            description = "ROUTING_ID: identity announced to ROUTER peers (UTF-8, 1 to 255 bytes).")
    String routing_id();

    /** @return IMMEDIATE */
    @AttributeDefinition(name = "Immediate", required = false,
            description = "IMMEDIATE: queue messages only to completed connections.")
    boolean immediate() default false;

    /** @return CONFLATE */
    @AttributeDefinition(name = "Conflate", required = false,
            description = "CONFLATE: keep only the last message in each queue.")
    boolean conflate() default false;

    /** @return HEARTBEAT_IVL */
    @AttributeDefinition(name = "Heartbeat interval (ms)", required = false, min = "0",
            description = "HEARTBEAT_IVL: interval between ZMTP PINGs on idle connections; 0 disables.")
    int heartbeat_ivl() default 0;

    /** @return HEARTBEAT_TIMEOUT */
    @AttributeDefinition(name = "Heartbeat timeout (ms)", required = false, min = "0",
            description = "HEARTBEAT_TIMEOUT: silence after a PING that drops the connection; 0 means the interval.")
    int heartbeat_timeout() default 0;

    /** @return HEARTBEAT_TTL */
    @AttributeDefinition(name = "Heartbeat TTL (ms)", required = false, min = "0", max = "6553500",
            description = "HEARTBEAT_TTL: time-to-live the peer should apply, sent in PINGs.")
    int heartbeat_ttl() default 0;

    /** @return TCP_KEEPALIVE */
    @AttributeDefinition(name = "TCP keepalive", required = false, min = "-1", max = "1",
            description = "TCP_KEEPALIVE: -1 OS default, 0 off, 1 on.")
    int tcp_keepalive() default -1;

    /** @return IPV6 */
    @AttributeDefinition(name = "IPv6", required = false, description = "IPV6: use IPv6 for tcp endpoints.")
    boolean ipv6() default false;

    /** @return ROUTER_MANDATORY */
    @AttributeDefinition(name = "Router mandatory", required = false,
            description = "ROUTER_MANDATORY (ROUTER): fail instead of dropping unroutable messages.")
    boolean router_mandatory() default false;

    /** @return PLAIN_SERVER */
    @AttributeDefinition(name = "PLAIN server", required = false, description = "plain.server: clients must send"
            + " a username and password, checked by zap.plain.users.file or a ZapHandler service (without either,"
            + " every client is refused).")
    boolean plain_server() default false;

    /** @return PLAIN_USERNAME */
    @AttributeDefinition(name = "PLAIN username", required = false,
            description = "plain.username: makes this socket a PLAIN client sending this username.")
    String plain_username();

    /** @return PLAIN_PASSWORD */
    @AttributeDefinition(name = "PLAIN password", required = false, type = AttributeType.PASSWORD,
            description = "plain.password: the PLAIN client's password; never logged.")
    String plain_password();

    /** @return CURVE_SERVER */
    @AttributeDefinition(name = "CURVE server", required = false, description = "curve.server: a CURVE server; needs"
            + " curve.secretkey or curve.secretkey.file. Client keys are checked by the allow-list (zap.curve.keys,"
            + " zap.curve.keys.directory) or a ZapHandler service; with neither, any client knowing the key is"
            + " accepted.")
    boolean curve_server() default false;

    /** @return CURVE_PUBLICKEY */
    @AttributeDefinition(name = "CURVE public key", required = false, description = "curve.publickey: this socket's"
            + " public key (40 Z85 characters); optional, derived from the secret key.")
    String curve_publickey();

    /** @return CURVE_SECRETKEY */
    @AttributeDefinition(name = "CURVE secret key", required = false, type = AttributeType.PASSWORD,
            description = "curve.secretkey: this socket's secret key (40 Z85 characters); never logged. Prefer"
                    + " curve.secretkey.file.")
    String curve_secretkey();

    /** @return the secret certificate file */
    @AttributeDefinition(name = "CURVE secret certificate file", required = false, description = "curve.secretkey."
            + "file: path of this socket's secret certificate (CZMQ zcert / pyzmq create_certificates format).")
    String curve_secretkey_file();

    /** @return CURVE_SERVERKEY */
    @AttributeDefinition(name = "CURVE server key", required = false, description = "curve.serverkey: the server's"
            + " public key (40 Z85 characters); makes this socket a CURVE client.")
    String curve_serverkey();

    /** @return ZAP_DOMAIN */
    @AttributeDefinition(name = "ZAP domain", required = false,
            description = "zap.domain: the ZAP domain of this socket's connections; an allow-list serves one domain.")
    String zap_domain();

    /** @return ZAP_ENFORCE_DOMAIN */
    @AttributeDefinition(name = "Enforce ZAP domain", required = false, description = "zap.enforce.domain: NULL"
            + " security with a zap.domain refuses every connection when no ZAP handler is there.")
    boolean zap_enforce_domain() default false;

    /** @return allowed CURVE client keys */
    @AttributeDefinition(name = "Allowed CURVE client keys", required = false, description = "zap.curve.keys: CURVE"
            + " server: the client public keys (Z85) accepted; every other client is refused.")
    String[] zap_curve_keys();

    /** @return directory of public certificates */
    @AttributeDefinition(name = "Allowed CURVE certificates directory", required = false, description = "zap.curve."
            + "keys.directory: CURVE server: a directory of client public certificates (*.key) whose keys are"
            + " accepted, read when the configuration is applied.")
    String zap_curve_keys_directory();

    /** @return PLAIN users file */
    @AttributeDefinition(name = "PLAIN users file", required = false, description = "zap.plain.users.file: PLAIN"
            + " server: a properties file of username=password lines accepted, read when the configuration is"
            + " applied.")
    String zap_plain_users_file();

    /** @return retries of a failed delivery */
    @AttributeDefinition(name = "Delivery retries", required = false, min = "0", max = "100",
            description = "delivery.max.retries: how often a delivery whose listener threw is tried again before"
                    + " the message is dead-lettered or dropped. A retry calls every listener of the socket"
                    + " again, those that succeeded too: make them idempotent.")
    int delivery_max_retries() default 0;

    /** @return pause before a retry */
    @AttributeDefinition(name = "Delivery retry interval (ms)", required = false, min = "0", max = "60000",
            description = "delivery.retry.interval: pause before a retry, on the socket's delivery thread.")
    long delivery_retry_interval() default 100;

    /** @return what a failed request gets */
    @AttributeDefinition(name = "Reply on failure", required = false, description = "delivery.reply.on.failure:"
            + " what a request gets when its request listener failed (after any retries): EMPTY, one empty frame,"
            + " frees the requester at once; NONE answers nothing and the requester times out (ROUTER only: a"
            + " REP socket must answer every request).", options = {
                @Option(label = "EMPTY", value = "EMPTY"), @Option(label = "NONE", value = "NONE")})
    String delivery_reply_on_failure() default "EMPTY";

    /** @return the dead-letter endpoint */
    @AttributeDefinition(name = "Dead-letter endpoint", required = false, description = "delivery.dead.letter."
            + "endpoint: where a message goes after its last failed delivery, e.g. tcp://collector:5599 (a PUSH"
            + " socket connects there; a dead letter waits at most 1 s for a connected collector, else it is"
            + " counted and logged as dropped). Empty: failed messages are dropped (ZCONN-138).")
    String delivery_dead_letter_endpoint();
}
