package io.zconn.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Something that happened to a socket's connections, with libzmq's vocabulary
 * ({@code zmq_socket_monitor}): see {@link Type} for each event and what its {@link #value()} means.
 * Delivered to a {@link SocketListener} registered with {@link Socket#monitor(SocketListener, Type...)},
 * or published in libzmq's two-frame format by {@link Socket#monitor(String, int)}.
 *
 * <p>Unlike libzmq, an event also names the peer's address where known ({@link #peerAddress()})
 * and, once its handshake has told it, the routing id the peer announced ({@link #routingId()}).
 * Immutable.
 */
public final class SocketEvent {
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: a ZMTP rule broken, no more detail. */
    public static final int PROTOCOL_ERROR_ZMTP_UNSPECIFIED = 0x10000000;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: a command not expected at this point. */
    public static final int PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = 0x10000001;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: a malformed command. */
    public static final int PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = 0x10000011;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: READY or INITIATE metadata this socket refuses (wrong Socket-Type). */
    public static final int PROTOCOL_ERROR_ZMTP_INVALID_METADATA = 0x10000018;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: a CURVE box that does not open. */
    public static final int PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = 0x11000001;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: the peer announced another security mechanism. */
    public static final int PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = 0x11000002;
    /** {@link Type#HANDSHAKE_FAILED_PROTOCOL}: the ZAP handler broke RFC 27. */
    public static final int PROTOCOL_ERROR_ZAP_UNSPECIFIED = 0x20000000;

    /** The kinds of event, numbered as libzmq 4.3.4's {@code ZMQ_EVENT_*}. */
    public enum Type {
        /** A connection was made (value: its file descriptor, or -1 where Java has none). */
        CONNECTED(0x0001),
        /** A connection attempt is under way and will complete later (value: libzmq's errno, EINPROGRESS = 115). */
        CONNECT_DELAYED(0x0002),
        /** A reconnection is scheduled (value: the delay in ms). */
        CONNECT_RETRIED(0x0004),
        /** A bind succeeded; the endpoint is the one bound, as LAST_ENDPOINT (value: descriptor or -1). */
        LISTENING(0x0008),
        /** A bind failed; the endpoint is as given (value: errno, EADDRINUSE = 98, EADDRNOTAVAIL = 99). */
        BIND_FAILED(0x0010),
        /** A connection was accepted (value: descriptor or -1). */
        ACCEPTED(0x0020),
        /** Accepting failed, e.g. no descriptor left (value: errno, EMFILE = 24, or 0 when unknown). */
        ACCEPT_FAILED(0x0040),
        /** A listener, or a connection attempt that failed, was closed (value: descriptor or -1). */
        CLOSED(0x0080),
        /** A listener could not be closed in time (value: errno, 0 when unknown). */
        CLOSE_FAILED(0x0100),
        /** A connection ended other than by this socket's own close, disconnect or unbind (value: descriptor or -1). */
        DISCONNECTED(0x0200),
        /** Monitoring stopped: the last event a monitor gets (value: 0; no endpoint). */
        MONITOR_STOPPED(0x0400),
        /** The handshake failed without a protocol error: the peer went away or was too slow (value: errno or 0). */
        HANDSHAKE_FAILED_NO_DETAIL(0x0800),
        /** The ZMTP handshake succeeded (value: 0). */
        HANDSHAKE_SUCCEEDED(0x1000),
        /** The handshake broke the protocol (value: a {@code PROTOCOL_ERROR_*} code as libzmq numbers them). */
        HANDSHAKE_FAILED_PROTOCOL(0x2000),
        /** Authentication refused the handshake (value: the ZAP status code, 300, 400 or 500). */
        HANDSHAKE_FAILED_AUTH(0x4000),
        /**
         * zconn only, never in libzmq's format: the listener's bounded queue overflowed and this many
         * events (the value) were dropped since the last such report. Always delivered to typed
         * listeners, whatever types they asked for.
         */
        EVENTS_DROPPED(0),
        /**
         * zconn only, never in libzmq's format (libzmq has no such event: its PGM receiver silently
         * restarts at the next message): a multicast (epgm) receiver gave up data it could not have
         * repaired (NAK retries spent, or the source's window moved past it). The value is the number
         * of packets lost (a message or more of that source is missing); the endpoint is the epgm
         * endpoint; {@link #peerAddress()} names the source ({@code pgm-tsi:} then its TSI in hex).
         * Its code lies beyond libzmq's 16 bits, so that no libzmq mask selects it; listeners
         * registered for all types (no types named) get it.
         */
        DATA_LOST(0x10000);

        /** libzmq's {@code ZMQ_EVENT_ALL}. */
        public static final int ALL = 0xFFFF;

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /**
         * @return libzmq's event number ({@code ZMQ_EVENT_*}), 0 for {@link #EVENTS_DROPPED}, a bit beyond
         *         libzmq's 16 for {@link #DATA_LOST}
         */
        public int code() {
            return code;
        }

        /**
         * @param code a libzmq event number
         * @return its type, or null for a number that names no single event
         */
        public static Type ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code && code != 0) {
                    return t;
                }
            }
            return null;
        }

        /**
         * @param types some types; none means all
         * @return their event mask: libzmq's bits, plus {@link #DATA_LOST}'s when named or when none is
         */
        public static int mask(Type... types) {
            if (types.length == 0) {
                return ALL | DATA_LOST.code;
            }
            int m = 0;
            for (Type t : types) {
                m |= Objects.requireNonNull(t, "type").code;
            }
            return m;
        }
    }

    private final Type type;
    private final String endpoint;
    private final int value;
    private final String peerAddress;
    private final byte[] routingId;

    /**
     * @param type        the kind of event
     * @param endpoint    the endpoint it concerns (empty for MONITOR_STOPPED)
     * @param value       the value libzmq gives this type (see {@link Type})
     * @param peerAddress the peer's address (e.g. {@code tcp://127.0.0.1:41234}), or null when not known
     * @param routingId   the routing id the peer announced, or null
     */
    public SocketEvent(Type type, String endpoint, int value, String peerAddress, byte[] routingId) {
        this.type = Objects.requireNonNull(type, "type");
        this.endpoint = endpoint == null ? "" : endpoint;
        this.value = value;
        this.peerAddress = peerAddress;
        this.routingId = routingId == null || routingId.length == 0 ? null : routingId.clone();
    }

    /** @return the kind of event */
    public Type type() {
        return type;
    }

    /** @return the endpoint the event concerns, as libzmq's second monitor frame (empty for MONITOR_STOPPED) */
    public String endpoint() {
        return endpoint;
    }

    /** @return the event's value, as libzmq gives it for this type (see {@link Type}) */
    public int value() {
        return value;
    }

    /** @return the peer's address ({@code tcp://ip:port}, or an ipc endpoint), or null when not known */
    public String peerAddress() {
        return peerAddress;
    }

    /**
     * @return the routing id the peer announced in its handshake (or the one CONNECT_ROUTING_ID gave
     *         it), for events from HANDSHAKE_SUCCEEDED on; null when none (a ROUTER then makes one up
     *         when it attaches the peer, which this event cannot know yet)
     */
    public byte[] routingId() {
        return routingId == null ? null : routingId.clone();
    }

    /**
     * @return libzmq's first monitor frame: the 16-bit event number then the 32-bit value, both
     *         little-endian (as libzmq writes them on the platforms it runs on)
     */
    public byte[] libzmqFrame() {
        int c = type.code;
        return new byte[] {(byte) c, (byte) (c >>> 8),
                (byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SocketEvent e && e.type == type && e.value == value && e.endpoint.equals(endpoint)
                && Objects.equals(e.peerAddress, peerAddress) && Arrays.equals(e.routingId, routingId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, endpoint, value, peerAddress) * 31 + Arrays.hashCode(routingId);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type.name()).append('(');
        b.append(type == Type.HANDSHAKE_FAILED_PROTOCOL ? "0x" + Integer.toHexString(value) : Integer.toString(value));
        b.append(") ").append(endpoint);
        if (peerAddress != null) {
            b.append(" peer ").append(peerAddress);
        }
        if (routingId != null) {
            b.append(" id ").append(printable(routingId));
        }
        return b.toString();
    }

    private static String printable(byte[] id) {
        boolean text = true;
        for (byte x : id) {
            text &= x >= 0x20 && x < 0x7f;
        }
        if (text) {
            return new String(id, StandardCharsets.US_ASCII);
        }
        StringBuilder b = new StringBuilder("0x");
        for (byte x : id) {
            b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return b.toString();
    }
}
