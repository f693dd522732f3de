package io.zconn.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Authenticates connections, as a ZAP handler (ZeroMQ RFC 27) does, in plain Java: set one with
 * {@link Context#setZapHandler} (or {@link Context.Builder#zapHandler}) and every handshake of that
 * context's sockets that needs authentication asks it, namely PLAIN servers
 * ({@link ZmqOption#PLAIN_SERVER}) and NULL sockets with a {@link ZmqOption#ZAP_DOMAIN}.
 *
 * <p>It is called on a thread of its own (never an I/O thread), one request at a time per thread; it
 * may block briefly (a directory look-up), but each request must be answered within the socket's
 * {@link ZmqOption#HANDSHAKE_IVL} (30 s by default; 30 s too when HANDSHAKE_IVL is 0), or the
 * connection is dropped. At most 1024 requests wait for an answer per context; connections beyond
 * that are dropped (as after a 300 reply) until the handler catches up. An exception thrown here
 * refuses the connection as a 500 reply would, and is logged.
 *
 * <p>Without a Java handler, a REP or ROUTER socket bound at {@code inproc://zeromq.zap.01} in the
 * same context gets the requests as ZAP messages, as in libzmq; a Java handler, when set, is asked
 * instead. With neither, a PLAIN server refuses every client (libzmq 4.3 does the same), and a NULL
 * socket with a ZAP_DOMAIN accepts every peer unless {@link ZmqOption#ZAP_ENFORCE_DOMAIN} is set.
 *
 * <pre>{@code
 * ctx.setZapHandler(request -> "secret".equals(request.password())
 *         ? ZapHandler.Reply.accept(request.username())
 *         : ZapHandler.Reply.deny("wrong password"));
 * }</pre>
 */
@FunctionalInterface
public interface ZapHandler {
    /**
     * @param request who connects, and their credentials
     * @return the verdict (never null)
     */
    Reply authenticate(Request request);

    /**
     * A ZAP request.
     *
     * @param domain      the socket's {@link ZmqOption#ZAP_DOMAIN} (may be empty)
     * @param address     the peer's IP address (tcp), empty for ipc
     * @param routingId   the authenticating socket's own {@link ZmqOption#ROUTING_ID}, as libzmq sends it
     * @param mechanism   {@code NULL} or {@code PLAIN}
     * @param credentials the mechanism's credentials: none for NULL, username and password for PLAIN
     */
    @SuppressWarnings("ArrayRecordComponent") // credentials are raw bytes; never compared or hashed
    record Request(String domain, String address, byte[] routingId, String mechanism, List<byte[]> credentials) {
        /**
         * @param domain      the ZAP domain
         * @param address     the peer's address
         * @param routingId   the socket's routing id
         * @param mechanism   the mechanism name
         * @param credentials the credentials
         */
        public Request {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(mechanism, "mechanism");
            routingId = routingId == null ? new byte[0] : routingId;
            credentials = Collections.unmodifiableList(new ArrayList<>(credentials));
        }

        /** @return the PLAIN username (the first credential, UTF-8), or empty for other mechanisms */
        public String username() {
            return "PLAIN".equals(mechanism) && !credentials.isEmpty()
                    ? new String(credentials.get(0), StandardCharsets.UTF_8) : "";
        }

        /** @return the PLAIN password (the second credential, UTF-8), or empty for other mechanisms */
        public String password() {
            return "PLAIN".equals(mechanism) && credentials.size() > 1
                    ? new String(credentials.get(1), StandardCharsets.UTF_8) : "";
        }

        /**
         * @return the CURVE client's long-term public key (32 bytes, a copy), or empty for other
         *         mechanisms; {@link Z85#encode} gives the text form libzmq's tools print
         */
        public byte[] curvePublicKey() {
            return "CURVE".equals(mechanism) && !credentials.isEmpty() ? credentials.get(0).clone() : new byte[0];
        }

        /** Never shows the credentials. */
        @Override
        public String toString() {
            return "ZAP request [domain=" + domain + ", address=" + address + ", mechanism=" + mechanism
                    + ", credentials=" + credentials.size() + " (hidden)]";
        }
    }

    /**
     * A ZAP reply.
     *
     * @param statusCode 200 (accepted), 300 (temporary failure: the connection is dropped without a
     *                   word), 400 (refused: the client gets an ERROR and does not reconnect) or 500
     *                   (internal error: as 400)
     * @param statusText why, for the logs of this side (the client is only told the status code, as
     *                   libzmq does)
     * @param userId     the authenticated user: visible as the {@code User-Id} property of the
     *                   connection's messages
     * @param properties more properties for the connection's messages (names 1 to 255 ASCII characters)
     */
    record Reply(int statusCode, String statusText, String userId, Map<String, String> properties) {
        /**
         * @param statusCode 200, 300, 400 or 500
         * @param statusText the reason
         * @param userId     the user id
         * @param properties metadata
         */
        public Reply {
            if (statusCode != 200 && statusCode != 300 && statusCode != 400 && statusCode != 500) {
                throw new ZmqException(Errno.EINVAL, "ZAP status code must be 200, 300, 400 or 500, was " + statusCode);
            }
            statusText = statusText == null ? "" : statusText;
            userId = userId == null ? "" : userId;
            Map<String, String> p = new LinkedHashMap<>();
            if (properties != null) {
                for (Map.Entry<String, String> e : properties.entrySet()) {
                    String name = Objects.requireNonNull(e.getKey(), "property name");
                    if (name.isEmpty() || name.length() > 255 || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
                        throw new ZmqException(Errno.EINVAL, "ZAP property names must be 1 to 255 ASCII characters: " + name);
                    }
                    p.put(name, Objects.requireNonNull(e.getValue(), "property value"));
                }
            }
            properties = Collections.unmodifiableMap(p);
        }

        /**
         * @param userId the authenticated user
         * @return a 200 reply
         */
        public static Reply accept(String userId) {
            return new Reply(200, "OK", userId, Map.of());
        }

        /**
         * @param userId     the authenticated user
         * @param properties more metadata for the connection's messages
         * @return a 200 reply
         */
        public static Reply accept(String userId, Map<String, String> properties) {
            return new Reply(200, "OK", userId, properties);
        }

        /**
         * @param reason why (logged on this side only)
         * @return a 400 reply
         */
        public static Reply deny(String reason) {
            return new Reply(400, reason, "", Map.of());
        }

        /** @return whether the connection is accepted (200) */
        public boolean accepted() {
            return statusCode == 200;
        }
    }
}
