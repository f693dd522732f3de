package io.zconn.osgi;

/**
 * Configuration PIDs and service property names used by the zconn bundle.
 *
 * <p>A socket made from a factory configuration of {@link #SOCKET_FACTORY_PID} is registered as an
 * {@link io.zconn.engine.Socket} service carrying {@link #NAME}, {@link #TYPE} and
 * {@link #ENDPOINTS}, so it can be looked up with a filter such as {@code (zconn.name=orders)}.
 */
public final class ZconnConstants {
    /** Configuration PID of the shared engine context (I/O threads). */
    public static final String CONTEXT_PID = "io.zconn.context";
    /** Factory configuration PID: each configuration of it creates one socket. */
    public static final String SOCKET_FACTORY_PID = "io.zconn.socket";

    /** Service and configuration property: the socket's unique name. */
    public static final String NAME = "zconn.name";
    /** Service and configuration property: the socket type, e.g. {@code PUSH}. */
    public static final String TYPE = "zconn.type";
    /** Configuration property: endpoints to bind (String or String[]). */
    public static final String BIND = "zconn.bind";
    /** Configuration property: endpoints to connect (String or String[]). */
    public static final String CONNECT = "zconn.connect";
    /** Configuration property: subscription prefixes for SUB/XSUB sockets (String or String[]). */
    public static final String SUBSCRIBE = "zconn.subscribe";
    /**
     * Configuration property: further socket options as {@code NAME=value} entries, with libzmq
     * option names (e.g. {@code TCP_KEEPALIVE=1}).
     */
    public static final String OPTIONS = "zconn.options";
    /**
     * Service property: the endpoints the socket is bound or connected to (String[]); a bind to
     * port {@code *} shows the port actually chosen.
     */
    public static final String ENDPOINTS = "zconn.endpoints";
    /** Service property: {@code configuration} or {@code registry}, telling where the socket came from. */
    public static final String ORIGIN = "zconn.origin";

    /**
     * Whiteboard property of a {@link MessageListener} or {@link RequestListener} service: the
     * {@link #NAME} of the socket whose messages it receives.
     */
    public static final String LISTENER_SOCKET = "zconn.socket";

    /**
     * Event Admin: the topic prefix of socket events. Each event of a managed socket (see
     * {@link io.zconn.engine.SocketEvent.Type}) is sent as {@code io/zconn/socket/<TYPE>}, e.g.
     * {@code io/zconn/socket/CONNECTED}; handlers subscribe to {@link #EVENT_TOPICS} for all of them.
     */
    public static final String EVENT_TOPIC_PREFIX = "io/zconn/socket/";
    /** Event Admin: the topic filter of every socket event. */
    public static final String EVENT_TOPICS = EVENT_TOPIC_PREFIX + "*";
    /** Event property: the event type's name, e.g. {@code CONNECTED} (also the last topic segment). */
    public static final String EVENT_TYPE = "zconn.event";
    /** Event property: the endpoint the event concerns (as libzmq's monitor gives it). */
    public static final String EVENT_ENDPOINT = "zconn.endpoint";
    /** Event property: the peer's address ({@code tcp://ip:port} or an ipc path), when known. */
    public static final String EVENT_PEER = "zconn.peer";
    /** Event property: the event's value as libzmq gives it (descriptor, errno, delay, ZAP status...). */
    public static final String EVENT_VALUE = "zconn.value";
    /** Event property: the routing id the peer announced (byte[]), when known. */
    public static final String EVENT_ROUTING_ID = "zconn.routing.id";
    /**
     * Felix Health Checks: the tag ({@code hc.tags}) of the health check every managed socket
     * gets; each is named ({@code hc.name}) {@code zconn socket <name>} and carries {@link #NAME}.
     */
    public static final String HEALTH_CHECK_TAG = "zconn";

    private ZconnConstants() {
    }
}
