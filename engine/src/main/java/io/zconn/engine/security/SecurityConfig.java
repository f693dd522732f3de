package io.zconn.engine.security;

import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.MechanismProvider;

import java.util.Map;

/**
 * A socket's security settings, taken from its options when a connection starts: which mechanism,
 * which side of it, the credentials and where ZAP requests go. {@link #toString()} never shows the
 * password.
 *
 * @param mechanism      {@code NULL} or {@code PLAIN}
 * @param asServer       whether this side is the mechanism's server
 * @param username       PLAIN_USERNAME
 * @param password       PLAIN_PASSWORD
 * @param zapDomain      ZAP_DOMAIN
 * @param enforceDomain  ZAP_ENFORCE_DOMAIN
 * @param routingId      the socket's ROUTING_ID, which ZAP requests carry (as libzmq's do)
 * @param zapTimeoutMillis how long a ZAP request may wait for its answer
 * @param authenticator  where ZAP requests go
 * @param curve          CURVE's keys
 * @param maxMsgSize     MAXMSGSIZE, which bounds CURVE's MESSAGE boxes (-1: none)
 */
@SuppressWarnings("ArrayRecordComponent") // configuration, never compared or hashed
public record SecurityConfig(String mechanism, boolean asServer, String username, String password, String zapDomain,
                             boolean enforceDomain, byte[] routingId, long zapTimeoutMillis,
                             Authenticator authenticator, CurveKeys curve, long maxMsgSize) {

    /**
     * Settings without CURVE keys or a message size limit (NULL and PLAIN).
     *
     * @param mechanism        {@code NULL} or {@code PLAIN}
     * @param asServer         whether this side is the mechanism's server
     * @param username         PLAIN_USERNAME
     * @param password         PLAIN_PASSWORD
     * @param zapDomain        ZAP_DOMAIN
     * @param enforceDomain    ZAP_ENFORCE_DOMAIN
     * @param routingId        the socket's ROUTING_ID
     * @param zapTimeoutMillis how long a ZAP request may wait for its answer
     * @param authenticator    where ZAP requests go
     */
    public SecurityConfig(String mechanism, boolean asServer, String username, String password, String zapDomain,
                          boolean enforceDomain, byte[] routingId, long zapTimeoutMillis, Authenticator authenticator) {
        this(mechanism, asServer, username, password, zapDomain, enforceDomain, routingId, zapTimeoutMillis,
                authenticator, CurveKeys.NONE, -1);
    }

    /** @return the provider of this mechanism's per-connection state */
    public MechanismProvider provider() {
        SecurityConfig cfg = this;
        return new MechanismProvider() {
            @Override
            public String name() {
                return mechanism;
            }

            @Override
            public Mechanism create(SocketType type, Map<String, byte[]> localProperties, boolean server) {
                throw new UnsupportedOperationException("needs a handshake session");
            }

            @Override
            public Mechanism create(HandshakeSession session) {
                return switch (mechanism) {
                    case "PLAIN" -> asServer ? new PlainServer(session, cfg) : new PlainClient(session, cfg);
                    case "CURVE" -> asServer ? new CurveServer(session, cfg) : new CurveClient(session, cfg);
                    default -> new NullMechanism(session, cfg);
                };
            }

            @Override
            public String toString() {
                return cfg.toString();
            }
        };
    }

    /**
     * @param reason an ERROR command's reason
     * @return whether it is a ZAP status code (300, 400, 500), as libzmq's servers send on refusal
     */
    static int zapStatus(String reason) {
        return isZapStatus(reason) ? (reason.charAt(0) - '0') * 100 : 0;
    }

    static boolean isZapStatus(String reason) {
        return reason.length() == 3 && reason.charAt(0) >= '3' && reason.charAt(0) <= '5'
                && reason.charAt(1) == '0' && reason.charAt(2) == '0';
    }

    /**
     * @param type the local socket type
     * @param peer the peer's metadata
     * @return why the peer cannot talk to us, or null when it can
     */
    static String checkPeerType(SocketType type, Map<String, byte[]> peer) {
        byte[] t = peer.get("Socket-Type");
        if (t == null) {
            return "peer sent no Socket-Type";
        }
        String peerType = new String(t, java.nio.charset.StandardCharsets.US_ASCII);
        return type.isCompatibleWith(peerType) ? null : "incompatible socket type " + peerType + " for " + type;
    }

    @Override
    public String toString() {
        return "security [mechanism=" + mechanism + ", asServer=" + asServer + ", username=" + username
                + ", password=(hidden), zapDomain=" + zapDomain + ", enforceDomain=" + enforceDomain + ", curve=" + curve
                + "]";
    }
}
