package io.zconn.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A typed socket option, in the manner of {@link java.net.StandardSocketOptions}:
 * {@code socket.setOption(ZmqOption.SNDHWM, 1000)}. Names and meanings follow libzmq's
 * {@code zmq_setsockopt}; durations are in milliseconds as in libzmq.
 *
 * @param <T> the option's value type
 */
public final class ZmqOption<T> {
    private static final List<ZmqOption<?>> ALL = new ArrayList<>();

    /** Send high-water mark in messages per pipe; 0 means no limit. Default 1000. */
    public static final ZmqOption<Integer> SNDHWM = intOption("SNDHWM", 1000, v -> v >= 0, ">= 0");
    /** Receive high-water mark in messages per pipe; 0 means no limit. Default 1000. */
    public static final ZmqOption<Integer> RCVHWM = intOption("RCVHWM", 1000, v -> v >= 0, ">= 0");
    /** How long (ms) pending outbound messages are kept after close; -1 forever, 0 discard. Default 0. */
    public static final ZmqOption<Integer> LINGER = intOption("LINGER", 0, v -> v >= -1, ">= -1");
    /** Initial reconnect interval in ms; -1 disables reconnection. Default 100. */
    public static final ZmqOption<Integer> RECONNECT_IVL = intOption("RECONNECT_IVL", 100, v -> v >= -1, ">= -1");
    /** Upper bound (ms) of exponential reconnect back-off; 0 means no back-off. Default 0. */
    public static final ZmqOption<Integer> RECONNECT_IVL_MAX = intOption("RECONNECT_IVL_MAX", 0, v -> v >= 0, ">= 0");
    /** The routing id (identity) this socket announces to peers: 1 to 255 bytes, not starting with 0. */
    public static final ZmqOption<byte[]> ROUTING_ID = new ZmqOption<>("ROUTING_ID", byte[].class, new byte[0],
            v -> v.length <= 255 && (v.length == 0 || v[0] != 0), "at most 255 bytes, not starting with a zero byte",
            Access.READ_WRITE);
    /** Adds a subscription prefix (SUB, XSUB). Write-only. */
    public static final ZmqOption<byte[]> SUBSCRIBE = new ZmqOption<>("SUBSCRIBE", byte[].class, null,
            v -> true, "", Access.WRITE_ONLY);
    /** Removes a subscription prefix (SUB, XSUB). Write-only. */
    public static final ZmqOption<byte[]> UNSUBSCRIBE = new ZmqOption<>("UNSUBSCRIBE", byte[].class, null,
            v -> true, "", Access.WRITE_ONLY);
    /** Receive timeout in ms for blocking receives; -1 waits forever. Default -1. */
    public static final ZmqOption<Integer> RCVTIMEO = intOption("RCVTIMEO", -1, v -> v >= -1, ">= -1");
    /** Send timeout in ms for blocking sends; -1 waits forever. Default -1. */
    public static final ZmqOption<Integer> SNDTIMEO = intOption("SNDTIMEO", -1, v -> v >= -1, ">= -1");
    /** Largest inbound message frame in bytes; -1 means no limit. A larger frame drops the connection. */
    public static final ZmqOption<Long> MAXMSGSIZE = new ZmqOption<>("MAXMSGSIZE", Long.class, -1L,
            v -> v >= -1, ">= -1", Access.READ_WRITE);
    /** Kernel send buffer size in bytes; 0 or -1 leaves the OS default. */
    public static final ZmqOption<Integer> SNDBUF = intOption("SNDBUF", -1, v -> v >= -1, ">= -1");
    /** Kernel receive buffer size in bytes; 0 or -1 leaves the OS default. */
    public static final ZmqOption<Integer> RCVBUF = intOption("RCVBUF", -1, v -> v >= -1, ">= -1");
    /** Listen backlog for bound tcp and ipc endpoints. Default 100. */
    public static final ZmqOption<Integer> BACKLOG = intOption("BACKLOG", 100, v -> v >= 0, ">= 0");
    /** TCP keepalive: -1 OS default, 0 off, 1 on. */
    public static final ZmqOption<Integer> TCP_KEEPALIVE = intOption("TCP_KEEPALIVE", -1, v -> v >= -1 && v <= 1, "-1, 0 or 1");
    /** TCP keepalive idle time in seconds; -1 OS default. */
    public static final ZmqOption<Integer> TCP_KEEPALIVE_IDLE = intOption("TCP_KEEPALIVE_IDLE", -1, v -> v == -1 || v > 0, "-1 or > 0");
    /** TCP keepalive probe interval in seconds; -1 OS default. */
    public static final ZmqOption<Integer> TCP_KEEPALIVE_INTVL = intOption("TCP_KEEPALIVE_INTVL", -1, v -> v == -1 || v > 0, "-1 or > 0");
    /** TCP keepalive probe count; -1 OS default. */
    public static final ZmqOption<Integer> TCP_KEEPALIVE_CNT = intOption("TCP_KEEPALIVE_CNT", -1, v -> v == -1 || v > 0, "-1 or > 0");
    /** Queue messages only to completed connections. Default false. */
    public static final ZmqOption<Boolean> IMMEDIATE = boolOption("IMMEDIATE", false);
    /**
     * ROUTER: fail with EHOSTUNREACH (or EAGAIN when full) instead of dropping unroutable messages;
     * POLLOUT is then reported only while at least one peer can take a message. A REP socket
     * accepts it too, and drops a reply whose requester has gone. Default false.
     */
    public static final ZmqOption<Boolean> ROUTER_MANDATORY = boolOption("ROUTER_MANDATORY", false);
    /**
     * XPUB: pass every subscribe message up, not only the first for each topic. Default false.
     * As in libzmq, setting it also turns {@link #XPUB_VERBOSER} off.
     */
    public static final ZmqOption<Boolean> XPUB_VERBOSE = boolOption("XPUB_VERBOSE", false);
    /** Keep only the last message in the queue (PUB, SUB, PUSH, PULL, PAIR, DEALER). */
    public static final ZmqOption<Boolean> CONFLATE = boolOption("CONFLATE", false);
    /** Interval (ms) between ZMTP PINGs on idle connections; 0 disables heartbeats. */
    public static final ZmqOption<Integer> HEARTBEAT_IVL = intOption("HEARTBEAT_IVL", 0, v -> v >= 0, ">= 0");
    /** Time-to-live (ms) advertised in PINGs, rounded to deciseconds, at most 6553500. */
    public static final ZmqOption<Integer> HEARTBEAT_TTL = intOption("HEARTBEAT_TTL", 0, v -> v >= 0 && v <= 6553500, "0 to 6553500");
    /** How long (ms) to wait for traffic after a PING before dropping the connection; 0 means HEARTBEAT_IVL. */
    public static final ZmqOption<Integer> HEARTBEAT_TIMEOUT = intOption("HEARTBEAT_TIMEOUT", 0, v -> v >= 0, ">= 0");
    /**
     * How long (ms) a new tcp or ipc connection may take to complete its ZMTP handshake (greeting and
     * security handshake) before it is dropped; 0 means no limit. Default 30000, as in libzmq. Takes
     * effect for connections made after it is set.
     */
    public static final ZmqOption<Integer> HANDSHAKE_IVL = intOption("HANDSHAKE_IVL", 30_000, v -> v >= 0, ">= 0");
    /** Use IPv6 (and IPv4-mapped addresses) for tcp endpoints. Default false. */
    public static final ZmqOption<Boolean> IPV6 = boolOption("IPV6", false);
    /**
     * REQ: allow a new request before the reply to the previous one has come; the old reply is
     * then discarded if it comes (REQ_CORRELATE tells it apart), and the new request goes to the
     * next peer. Default false (strict alternation, EFSM otherwise).
     */
    public static final ZmqOption<Boolean> REQ_RELAXED = boolOption("REQ_RELAXED", false);
    /**
     * REQ: prefix each request with a 4-byte request id frame (request id, empty delimiter, body)
     * and accept only replies that begin with the id of the latest request, as libzmq does.
     * Default false.
     */
    public static final ZmqOption<Boolean> REQ_CORRELATE = boolOption("REQ_CORRELATE", false);
    /**
     * ROUTER: a new connection announcing a routing id already in use takes it over, and the old
     * connection is dropped. Default false (the new connection is refused).
     */
    public static final ZmqOption<Boolean> ROUTER_HANDOVER = boolOption("ROUTER_HANDOVER", false);
    /**
     * ROUTER, DEALER, REQ: send an empty message on each new connection (made or accepted), so a
     * ROUTER peer learns of it at once. Only for sockets talking to ROUTERs. Default false.
     */
    public static final ZmqOption<Boolean> PROBE_ROUTER = boolOption("PROBE_ROUTER", false);
    /**
     * ROUTER and STREAM: the routing id by which the peer of the next {@code connect} is known, so
     * the connection is routable at once (before any handshake); used by that connect only. 1 to 255
     * bytes, not starting with a zero byte (as libzmq documents), unique among the socket's peers
     * (STREAM: an id in use makes {@code connect()} fail with EINVAL). Write-only; other socket
     * types refuse it.
     */
    public static final ZmqOption<byte[]> CONNECT_ROUTING_ID = new ZmqOption<>("CONNECT_ROUTING_ID", byte[].class,
            new byte[0], v -> v.length >= 1 && v.length <= 255 && v[0] != 0,
            "1 to 255 bytes, not starting with a zero byte", Access.WRITE_ONLY);

    /**
     * XPUB: pass every subscribe and every unsubscribe message up (also the unsubscriptions of a
     * departing subscriber for topics others still want), not only the first subscription and
     * the last unsubscription of each topic. Default false. As in libzmq, setting it sets
     * {@link #XPUB_VERBOSE} to the same value.
     */
    public static final ZmqOption<Boolean> XPUB_VERBOSER = boolOption("XPUB_VERBOSER", false);
    /**
     * PUB, XPUB: at a matching subscriber's SNDHWM, refuse the whole message (EAGAIN, or block up
     * to SNDTIMEO) instead of dropping it for that subscriber. Default false (drop).
     */
    public static final ZmqOption<Boolean> XPUB_NODROP = boolOption("XPUB_NODROP", false);
    /**
     * XPUB: subscriptions are not applied but only passed up (every one of them); the application
     * decides, by setting {@link #SUBSCRIBE} / {@link #UNSUBSCRIBE} on the XPUB, what applies to
     * the subscriber whose message it received last. A departing subscriber's requests come up as
     * unsubscriptions. Default false. A PUB ignores it.
     */
    public static final ZmqOption<Boolean> XPUB_MANUAL = boolOption("XPUB_MANUAL", false);
    /**
     * PUB, XPUB: a message written to each subscriber pipe as it is attached: every connection a
     * bound socket accepts, and once for a connecting socket (whose pipe outlives reconnections
     * unless IMMEDIATE is set, as in libzmq). A libzmq or zconn SUB receives it only if it subscribes to it, an XSUB always.
     * Empty (the default) sends none. Applies to subscribers attached after it is set.
     */
    public static final ZmqOption<byte[]> XPUB_WELCOME_MSG = new ZmqOption<>("XPUB_WELCOME_MSG", byte[].class,
            new byte[0], v -> true, "", Access.READ_WRITE);
    /**
     * PUB, XPUB: send each message to the subscribers with no matching prefix, instead of those
     * with one; SUB: deliver the messages that match none of its subscriptions. A SUB connected to
     * an inverting PUB must invert too (an XSUB does not filter). Default false.
     */
    public static final ZmqOption<Boolean> INVERT_MATCHING = boolOption("INVERT_MATCHING", false);
    /**
     * STREAM: deliver {@code [routing id, empty frame]} when a peer connects and again when it
     * disconnects. Default true, as in libzmq 4.3.
     */
    public static final ZmqOption<Boolean> STREAM_NOTIFY = boolOption("STREAM_NOTIFY", true);
    /**
     * How long (ms) one tcp connection attempt may take before it is abandoned and retried after
     * RECONNECT_IVL; 0 leaves it to the OS (on Linux about two minutes of SYN retries). Default 0.
     */
    public static final ZmqOption<Integer> CONNECT_TIMEOUT = intOption("CONNECT_TIMEOUT", 0, v -> v >= 0, ">= 0");
    /**
     * How long (ms) transmitted data may stay unacknowledged before the tcp connection is dropped
     * (Linux {@code TCP_USER_TIMEOUT}); 0 leaves the OS default. Default 0. Applied with the native
     * (epoll) transport; ignored with a WARNING on the NIO fallback, as libzmq ignores it where the
     * OS lacks it.
     */
    public static final ZmqOption<Integer> TCP_MAXRT = intOption("TCP_MAXRT", 0, v -> v >= 0, ">= 0");
    /**
     * IP type-of-service byte (DSCP and ECN) of tcp connections and listeners; 0 leaves the OS
     * default. Default 0.
     */
    public static final ZmqOption<Integer> TOS = intOption("TOS", 0, v -> v >= 0 && v <= 255, "0 to 255");
    /**
     * Network device (interface or VRF) that tcp listeners and connections are bound to
     * ({@code SO_BINDTODEVICE}): only packets of that device are used. Empty (the default) means
     * none. Linux only and needs the native (epoll) transport (and CAP_NET_RAW on older kernels);
     * otherwise {@code bind()}/{@code connect()} fail with ENOTSUP rather than ignore the restriction.
     */
    public static final ZmqOption<String> BINDTODEVICE = new ZmqOption<>("BINDTODEVICE", String.class, "",
            v -> v.length() < 16 && v.indexOf('\0') < 0, "an interface name of at most 15 characters", Access.READ_WRITE);

    /**
     * Makes this socket a PLAIN server (RFC 24): clients must send a username and password, which a ZAP
     * handler checks ({@link Context#setZapHandler}, or a REP/ROUTER socket bound at
     * {@code inproc://zeromq.zap.01}); with no ZAP handler every client is refused, as in libzmq 4.3.
     * Setting true selects PLAIN as this socket's server; false selects NULL. Default false.
     */
    public static final ZmqOption<Boolean> PLAIN_SERVER = boolOption("PLAIN_SERVER", false);
    /**
     * The username a PLAIN client sends (at most 255 UTF-8 bytes). Setting it makes this socket a PLAIN
     * client; the empty string selects NULL again. Default empty.
     */
    public static final ZmqOption<String> PLAIN_USERNAME = new ZmqOption<>("PLAIN_USERNAME", String.class, "",
            v -> v.getBytes(StandardCharsets.UTF_8).length <= 255, "at most 255 UTF-8 bytes", Access.READ_WRITE, false);
    /**
     * The password a PLAIN client sends (at most 255 UTF-8 bytes). Setting it makes this socket a PLAIN
     * client; the empty string selects NULL again. Never shown in messages or logs. Default empty.
     */
    public static final ZmqOption<String> PLAIN_PASSWORD = new ZmqOption<>("PLAIN_PASSWORD", String.class, "",
            v -> v.getBytes(StandardCharsets.UTF_8).length <= 255, "at most 255 UTF-8 bytes", Access.READ_WRITE, true);
    /**
     * The ZAP domain (RFC 27) this socket's connections are authenticated in (at most 255 bytes). With
     * NULL security, a non-empty domain makes each connection ask the ZAP handler. Default empty.
     */
    public static final ZmqOption<String> ZAP_DOMAIN = new ZmqOption<>("ZAP_DOMAIN", String.class, "",
            v -> v.getBytes(StandardCharsets.UTF_8).length <= 255, "at most 255 UTF-8 bytes", Access.READ_WRITE, false);
    /**
     * NULL security with a ZAP_DOMAIN: refuse every connection when no ZAP handler is there (false, the
     * default as in libzmq: accept them unauthenticated).
     */
    public static final ZmqOption<Boolean> ZAP_ENFORCE_DOMAIN = boolOption("ZAP_ENFORCE_DOMAIN", false);
    /**
     * Makes this socket a CURVE server (RFC 26): it needs its long-term secret key (CURVE_SECRETKEY);
     * clients must know its public key. A ZAP handler, when there is one, decides which client keys
     * are accepted; with none, every client that knows the server's public key is (libzmq 4.3's
     * "Stonehouse" behaviour) unless ZAP_ENFORCE_DOMAIN is set. Setting true selects CURVE as this
     * socket's server; false selects NULL. Default false.
     */
    public static final ZmqOption<Boolean> CURVE_SERVER = boolOption("CURVE_SERVER", false);
    /**
     * This socket's long-term public key: 32 bytes, or its 40-character Z85 text as ASCII bytes (see
     * {@link Z85}, {@link Curve}). A CURVE client needs it; setting it selects CURVE. Reads give the
     * 32 bytes. Default none.
     */
    public static final ZmqOption<byte[]> CURVE_PUBLICKEY = new ZmqOption<>("CURVE_PUBLICKEY", byte[].class, new byte[0],
            ZmqOption::isCurveKey, "32 bytes or 40 Z85 characters", Access.READ_WRITE, false);
    /**
     * This socket's long-term secret key: 32 bytes or 40 Z85 characters. Every CURVE socket needs it;
     * setting it selects CURVE. Never shown in messages or logs. Default none.
     */
    public static final ZmqOption<byte[]> CURVE_SECRETKEY = new ZmqOption<>("CURVE_SECRETKEY", byte[].class, new byte[0],
            ZmqOption::isCurveKey, "32 bytes or 40 Z85 characters", Access.READ_WRITE, true);
    /**
     * The long-term public key of the CURVE server this socket connects to (32 bytes or 40 Z85
     * characters): setting it makes this socket a CURVE client, as in libzmq. Default none.
     */
    public static final ZmqOption<byte[]> CURVE_SERVERKEY = new ZmqOption<>("CURVE_SERVERKEY", byte[].class, new byte[0],
            ZmqOption::isCurveKey, "32 bytes or 40 Z85 characters", Access.READ_WRITE, false);
    /**
     * The security mechanism the socket's connections use: {@code NULL}, {@code PLAIN} or
     * {@code CURVE} (libzmq's ZMQ_MECHANISM, there an integer). Read-only: it follows from the
     * mechanism's own options, the one set last winning, as in libzmq. Default {@code NULL}.
     */
    public static final ZmqOption<String> MECHANISM = new ZmqOption<>("MECHANISM", String.class, "NULL", v -> true, "",
            Access.READ_ONLY);

    /** The socket's type. Read-only. */
    public static final ZmqOption<SocketType> TYPE = new ZmqOption<>("TYPE", SocketType.class, null, v -> true, "", Access.READ_ONLY);
    /** Whether the last frame received has more frames following. Read-only. */
    public static final ZmqOption<Boolean> RCVMORE = new ZmqOption<>("RCVMORE", Boolean.class, false, v -> true, "", Access.READ_ONLY);
    /** {@link Poller#POLLIN} and/or {@link Poller#POLLOUT}, as now ready. Read-only. */
    public static final ZmqOption<Integer> EVENTS = new ZmqOption<>("EVENTS", Integer.class, 0, v -> true, "", Access.READ_ONLY);
    /** The last endpoint bound, with the real port for {@code tcp://*:*}. Read-only. */
    public static final ZmqOption<String> LAST_ENDPOINT = new ZmqOption<>("LAST_ENDPOINT", String.class, "", v -> true, "", Access.READ_ONLY);
    /**
     * Whether the socket may be used from several threads at once. True in zconn for every socket
     * type (libzmq says so only of its draft thread-safe types), unless {@link #THREAD_CONFINED}
     * confines it to one thread. Read-only.
     */
    public static final ZmqOption<Boolean> THREAD_SAFE = new ZmqOption<>("THREAD_SAFE", Boolean.class, true, v -> true, "", Access.READ_ONLY);

    // ---- zconn extensions (not in libzmq) -------------------------------------------------------

    /**
     * zconn only: publishes this socket's {@link SocketMetrics} as the JMX MBean
     * {@code io.zconn:type=Socket,name="<value>"} (a {@link SocketMXBean}) on the platform MBean
     * server, until the socket closes or the option is set again; the empty string (the default)
     * unregisters it. Setting a name another MBean already has fails with EADDRINUSE. The metrics
     * themselves are always kept ({@link Socket#metrics()}); this only exposes them.
     */
    public static final ZmqOption<String> MBEAN_NAME = new ZmqOption<>("MBEAN_NAME", String.class, "",
            v -> v.length() <= 200, "at most 200 characters", Access.READ_WRITE);

    // ---- multicast (epgm://), as libzmq ----
    /** Largest rate of an epgm sender, in kilobits per second (ODATA payload). Default 100, as libzmq. */
    public static final ZmqOption<Integer> RATE = intOption("RATE", 100, v -> v > 0, "> 0");
    /** Time-to-live of an epgm sender's multicast packets. Default 1 (this subnet), as libzmq. */
    public static final ZmqOption<Integer> MULTICAST_HOPS = intOption("MULTICAST_HOPS", 1, v -> v > 0 && v <= 255, "1 to 255");
    /** Largest IP packet an epgm sender makes, in bytes. Default 1500, as libzmq. */
    public static final ZmqOption<Integer> MULTICAST_MAXTPDU = intOption("MULTICAST_MAXTPDU", 1500,
            v -> v >= 100 && v <= 65535, "100 to 65535");
    /**
     * How long (ms) an epgm sender keeps what it sent, for repair: its transmit window holds
     * RATE / 8 x RECOVERY_IVL bytes' worth of MULTICAST_MAXTPDU packets (at least one), as libzmq
     * sizes OpenPGM's. Default 10000, as libzmq.
     */
    public static final ZmqOption<Integer> RECOVERY_IVL = intOption("RECOVERY_IVL", 10_000, v -> v >= 0, ">= 0");
    /**
     * As libzmq 4.3.4: whether a UDP multicast sender (RADIO, which zconn does not have) loops its
     * packets back to listeners on this host. Default true. epgm ignores it and keeps loop-back
     * off, as libzmq's PGM sockets do.
     */
    public static final ZmqOption<Boolean> MULTICAST_LOOP = boolOption("MULTICAST_LOOP", true);

    // ---- SWAP (ZeroMQ 2.x's ZMQ_SWAP, per pipe) ----------------------------------------------

    /**
     * zconn (as ZeroMQ 2.x's {@code ZMQ_SWAP}): bytes of disk each outbound pipe may use past
     * {@link #SNDHWM}; 0 (the default) is off. Once a pipe holds SNDHWM messages in memory, further
     * messages (whole, all frames together) are appended to a file in {@link #SWAP_DIR} instead of
     * blocking or being dropped, and the pipe drains from it in order as the peer catches up; while
     * the file holds anything, new messages go after them. When the file holds this many bytes
     * (the last message accepted may pass it by its own size) the pipe is full and the socket's usual
     * HWM behaviour applies (PUSH/DEALER block or EAGAIN, PUB drops). The file is emptied (truncated)
     * each time the peer has taken all of it. A write that fails (a full disk, a quota) fails
     * {@code send} with {@link Errno#ENOSPC}; the message is not sent and nothing accepted before is
     * lost. Durability: none across a crash (no fsync; the file is deleted when the pipe ends or the
     * context closes); each record carries a CRC32C, so nothing torn or corrupt is ever delivered.
     * LINGER covers the file like the memory queue (LINGER 0 discards it). No effect with SNDHWM 0
     * or CONFLATE. Applies to pipes attached after it is set.
     */
    public static final ZmqOption<Long> SWAP = new ZmqOption<>("SWAP", Long.class, 0L,
            v -> v >= 0, ">= 0", Access.READ_WRITE);
    /**
     * zconn: the directory of {@link #SWAP} files (created when needed; files get unique names and
     * are deleted when their pipe ends). Default {@code java.io.tmpdir/zconn-swap}.
     */
    public static final ZmqOption<Path> SWAP_DIR = new ZmqOption<>("SWAP_DIR", Path.class,
            Path.of(System.getProperty("java.io.tmpdir"), "zconn-swap"), v -> !v.toString().isEmpty(),
            "a directory path", Access.READ_WRITE);

    /**
     * zconn: confine the socket to one thread, as a libzmq or JeroMQ socket is, instead of sharing
     * it (the default, false: every call takes the socket's lock, so any thread may use it). Set
     * to true, the socket belongs to the thread that set it: calls take no lock (faster for small
     * messages), and a call from any other thread fails at once with {@link Errno#EFSM} naming both
     * threads, touching nothing. Pipe events from the I/O threads (a new peer, a peer gone) are
     * then taken at the owner's next call, as libzmq does, rather than at once. To hand the socket
     * to another thread, its owner sets false, then the new thread sets true. A
     * {@link Context#close()} run by another thread marks a confined socket closed and wakes it:
     * its blocked and later calls fail with {@link Errno#ETERM}, and its owner's next call
     * releases what it holds; close a confined socket on its own thread before the context, or
     * what it still queues may not be sent. Not with {@link #MBEAN_NAME} (JMX reads the socket from
     * other threads): EINVAL. {@link #THREAD_SAFE} reads false while confined.
     */
    public static final ZmqOption<Boolean> THREAD_CONFINED = boolOption("THREAD_CONFINED", false);

    // ---- large frames in direct memory (zconn) -------------------------------------------------

    /**
     * zconn only: receive the bodies of large frames (8 KiB to 16 MiB) from tcp and ipc connections
     * into pooled direct memory instead of a new {@code byte[]} each: no zeroing, no garbage, and the
     * application reads them as a {@link Frame#buffer()} or copies them with
     * {@link Socket#recv(java.nio.ByteBuffer)}. Such frames are {@link Frame#isLent() lent}: give them
     * back with {@link Frame#release()} / {@link Message#close()} once done (a frame never released
     * is freed by the garbage collector, never reused while reachable). {@link Frame#data()} still
     * works (a copy), {@link Frame#hasArray()} is false. The pool is shared by the JVM and bounded
     * ({@code -Dio.zconn.recvDirectBytes}, default 64 MiB of live buffers); past it, frames are
     * received into arrays as usual. Default false. Applies to connections made after it is set.
     */
    public static final ZmqOption<Boolean> RECV_DIRECT = boolOption("RECV_DIRECT", false);

    /** Who may read or write an option. */
    public enum Access {
        /** Settable and readable. */
        READ_WRITE,
        /** Only settable (e.g. SUBSCRIBE). */
        WRITE_ONLY,
        /** Only readable (e.g. RCVMORE). */
        READ_ONLY
    }

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Predicate<T> valid;
    private final String constraint;
    private final Access access;
    private final int index;
    private final boolean secret;

    private ZmqOption(String name, Class<T> type, T defaultValue, Predicate<T> valid, String constraint, Access access) {
        this(name, type, defaultValue, valid, constraint, access, false);
    }

    private ZmqOption(String name, Class<T> type, T defaultValue, Predicate<T> valid, String constraint, Access access,
                      boolean secret) {
        this.secret = secret;
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.valid = valid;
        this.constraint = constraint;
        this.access = access;
        synchronized (ALL) {
            this.index = ALL.size();
            ALL.add(this);
        }
    }

    private static ZmqOption<Integer> intOption(String name, int def, Predicate<Integer> valid, String constraint) {
        return new ZmqOption<>(name, Integer.class, def, valid, constraint, Access.READ_WRITE);
    }

    private static ZmqOption<Boolean> boolOption(String name, boolean def) {
        return new ZmqOption<>(name, Boolean.class, def, v -> true, "", Access.READ_WRITE);
    }

    /** @return the libzmq name without the {@code ZMQ_} prefix, e.g. {@code SNDHWM} */
    public String name() {
        return name;
    }

    /** @return the value type */
    public Class<T> type() {
        return type;
    }

    /** @return the value a new socket has */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return who may read or write the option */
    public Access access() {
        return access;
    }

    /** @return whether the value is a secret (a password, a key): never shown in messages */
    public boolean isSecret() {
        return secret;
    }

    /** @return a dense index, stable within one JVM, for option tables */
    public int index() {
        return index;
    }

    /**
     * Checks a value for this option.
     *
     * @param value the value
     * @return the value
     * @throws ZmqException (EINVAL) naming the option and what it accepts
     */
    public T validate(T value) {
        if (access == Access.READ_ONLY) {
            throw new ZmqException(Errno.EINVAL, "option " + name + " is read-only");
        }
        if (value == null) {
            throw new ZmqException(Errno.EINVAL, "option " + name + " must not be null");
        }
        if (!type.isInstance(value)) {
            throw new ZmqException(Errno.EINVAL, "option " + name + " takes a " + type.getSimpleName()
                    + ", not " + value.getClass().getSimpleName());
        }
        if (!valid.test(value)) {
            throw new ZmqException(Errno.EINVAL, "invalid value " + (secret ? "(hidden)" : show(value)) + " for option " + name
                    + " (expected " + constraint + ")");
        }
        return value;
    }

    private static boolean isCurveKey(byte[] key) {
        if (key.length == 32) {
            return true;
        }
        if (key.length != 40) {
            return false;
        }
        try {
            Z85.decode(new String(key, StandardCharsets.US_ASCII));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String show(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.length + " bytes";
        }
        return String.valueOf(value);
    }

    /** @return every option, in declaration order */
    public static List<ZmqOption<?>> values() {
        synchronized (ALL) {
            return Collections.unmodifiableList(new ArrayList<>(ALL));
        }
    }

    /**
     * Looks an option up by its libzmq name, with or without {@code ZMQ_}, case-insensitively.
     *
     * @param name e.g. {@code "sndhwm"} or {@code "ZMQ_SNDHWM"}; {@code IDENTITY} means ROUTING_ID
     * @return the option
     * @throws ZmqException (EINVAL) when there is no such option
     */
    public static ZmqOption<?> forName(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        if (n.startsWith("ZMQ_")) {
            n = n.substring(4);
        }
        if (n.equals("IDENTITY")) {
            n = "ROUTING_ID";
        }
        for (ZmqOption<?> o : values()) {
            if (o.name.equals(n)) {
                return o;
            }
        }
        throw new ZmqException(Errno.EINVAL, "unknown socket option '" + name + "'");
    }

    /**
     * Converts a textual value (as found in configuration files) to this option's type.
     *
     * @param text the value, e.g. {@code "1000"}, {@code "true"}, {@code "PUSH"} or a UTF-8 string for byte options
     * @return the typed, validated value
     * @throws ZmqException (EINVAL) naming the option when the text does not parse
     */
    public T parse(String text) {
        Object v;
        try {
            if (type == Integer.class) {
                v = Integer.valueOf(text.trim());
            } else if (type == Long.class) {
                v = Long.valueOf(text.trim());
            } else if (type == Boolean.class) {
                String t = text.trim().toLowerCase(java.util.Locale.ROOT);
                if (!t.equals("true") && !t.equals("false") && !t.equals("1") && !t.equals("0")) {
                    throw new NumberFormatException(text);
                }
                v = t.equals("true") || t.equals("1");
            } else if (type == byte[].class) {
                v = text.getBytes(StandardCharsets.UTF_8);
            } else if (type == String.class) {
                v = text;
            } else if (type == SocketType.class) {
                v = SocketType.parse(text);
            } else if (type == Path.class) {
                v = Path.of(text.trim());
            } else {
                throw new ZmqException(Errno.EINVAL, "option " + name + " cannot be parsed from text");
            }
        } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
            throw new ZmqException(Errno.EINVAL, "invalid value '" + (secret ? "(hidden)" : text) + "' for option " + name
                    + " (expected a " + type.getSimpleName() + ")");
        }
        return validate(type.cast(v));
    }

    @Override
    public String toString() {
        return name;
    }
}
