package io.zconn.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The properties of the connection a received message came over, as libzmq's
 * {@code zmq_msg_gets} reads them: what the peer announced in its handshake ({@code Socket-Type},
 * its routing id, any application property such as {@code X-Foo}), what the transport knows
 * ({@code Peer-Address}) and what the security mechanism established ({@code User-Id} and the
 * ZAP handler's metadata). Read it with {@link Frame#metadata()} or {@link Message#metadata()}.
 *
 * <p>One immutable instance is made per connection when its handshake completes and every frame
 * received on that connection refers to it: reading metadata costs a message nothing. Names
 * compare case-insensitively (libzmq 4.3 compares them exactly; every name libzmq answers is
 * answered here too). {@code Routing-Id} and its deprecated name {@code Identity} (the name ZMTP
 * uses on the wire) are aliases: either finds the routing id the peer announced, also when it
 * announced an empty one (libzmq 4.3.4 itself answers only {@code Identity}).
 *
 * <p>Where libzmq's answers come from, and zconn's: {@code Peer-Address} is the peer's numeric IP
 * address for tcp ({@code 127.0.0.1}, {@code ::1}), and {@code localhost:uid:gid:pid} of the peer
 * process for ipc; inproc connections carry no metadata at all (an empty set), as in libzmq. When
 * a name occurs more than once, the first occurrence wins, in libzmq's order: {@code Peer-Address},
 * then the mechanism's properties, then the peer's READY properties in the order received.
 *
 * <p>Values are bytes; {@link #get(String)} decodes them as UTF-8 (libzmq hands out the bytes as
 * a C string), {@link #bytes(String)} gives them as they are.
 */
public final class PeerMetadata {
    /** The peer's socket type, e.g. {@code DEALER}. */
    public static final String SOCKET_TYPE = "Socket-Type";
    /** The routing id the peer announced (alias {@code Identity}). */
    public static final String ROUTING_ID = "Routing-Id";
    /** The user id the security mechanism or ZAP handler established for the peer. */
    public static final String USER_ID = "User-Id";
    /** The peer's address: its IP address for tcp, {@code localhost:uid:gid:pid} for ipc. */
    public static final String PEER_ADDRESS = "Peer-Address";

    private static final String IDENTITY = "Identity";
    private static final byte[] NO_BYTES = new byte[0];

    /** No properties: frames a socket did not receive from a tcp or ipc peer. */
    public static final PeerMetadata EMPTY = new PeerMetadata(NO_BYTES);

    /** The properties, in the ZMTP metadata encoding; validated; never changed. */
    private final byte[] encoded;

    private PeerMetadata(byte[] encoded) {
        this.encoded = encoded;
    }

    /**
     * Makes a property set from properties in the ZMTP metadata encoding (RFC 37: per property a
     * 1-byte name length, the name, a 4-byte big-endian value length, the value), as a READY command
     * carries them. The bytes are copied; when a name occurs more than once the first one wins.
     *
     * @param zmtpEncoded the encoded properties
     * @param offset      where they start
     * @param length      how many bytes
     * @return the property set
     * @throws IllegalArgumentException when the bytes are not well-formed properties
     */
    public static PeerMetadata decode(byte[] zmtpEncoded, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, zmtpEncoded.length);
        if (length == 0) {
            return EMPTY;
        }
        byte[] copy = Arrays.copyOfRange(zmtpEncoded, offset, offset + length);
        validate(copy);
        return new PeerMetadata(copy);
    }

    /**
     * Makes a property set from a map (tests, proxies that hand metadata on).
     *
     * @param properties names (1 to 255 ASCII characters) and values
     * @return the property set
     * @throws IllegalArgumentException when a name is empty, too long or not ASCII
     */
    public static PeerMetadata of(Map<String, String> properties) {
        if (properties.isEmpty()) {
            return EMPTY;
        }
        int size = 0;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            size += 1 + e.getKey().length() + 4 + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        byte[] out = new byte[size];
        int p = 0;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.length() > 255 || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
                throw new IllegalArgumentException("a property name is 1 to 255 ASCII characters: '" + name + "'");
            }
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            out[p++] = (byte) name.length();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, out, p, n.length);
            p += n.length;
            out[p++] = (byte) (value.length >>> 24);
            out[p++] = (byte) (value.length >>> 16);
            out[p++] = (byte) (value.length >>> 8);
            out[p++] = (byte) value.length;
            System.arraycopy(value, 0, out, p, value.length);
            p += value.length;
        }
        return new PeerMetadata(out);
    }

    private static void validate(byte[] a) {
        int p = 0;
        while (p < a.length) {
            int nameLen = a[p] & 0xFF;
            p++;
            if (nameLen == 0 || a.length - p < nameLen + 4) {
                throw new IllegalArgumentException("malformed metadata: truncated property name at byte " + (p - 1));
            }
            p += nameLen;
            long valueLen = readInt(a, p) & 0xFFFFFFFFL;
            p += 4;
            if (valueLen > a.length - p) {
                throw new IllegalArgumentException("malformed metadata: truncated value at byte " + (p - 4));
            }
            p += (int) valueLen;
        }
    }

    private static int readInt(byte[] a, int p) {
        return (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
    }

    /**
     * @param name a property name, any case
     * @return the value decoded as UTF-8, or empty when there is no such property
     */
    public Optional<String> get(String name) {
        int at = find(name);
        return at < 0 ? Optional.empty() : Optional.of(new String(encoded, at + 4, readInt(encoded, at), StandardCharsets.UTF_8));
    }

    /**
     * @param name a property name, any case
     * @return a copy of the value's bytes, or empty when there is no such property
     */
    public Optional<byte[]> bytes(String name) {
        int at = find(name);
        return at < 0 ? Optional.empty() : Optional.of(Arrays.copyOfRange(encoded, at + 4, at + 4 + readInt(encoded, at)));
    }

    /**
     * @param name a property name, any case
     * @return whether the property is there
     */
    public boolean contains(String name) {
        return find(name) >= 0;
    }

    /** @return whether there are no properties (inproc, or frames made by the application) */
    public boolean isEmpty() {
        return encoded.length == 0;
    }

    /**
     * @return every property, values decoded as UTF-8, names in any case (a new unmodifiable map
     *         each call; the first occurrence of a name wins)
     */
    public Map<String, String> asMap() {
        Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int p = 0;
        while (p < encoded.length) {
            int nameLen = encoded[p] & 0xFF;
            String name = new String(encoded, p + 1, nameLen, StandardCharsets.US_ASCII);
            p += 1 + nameLen;
            int valueLen = readInt(encoded, p);
            m.putIfAbsent(name, new String(encoded, p + 4, valueLen, StandardCharsets.UTF_8));
            p += 4 + valueLen;
        }
        return Collections.unmodifiableMap(m);
    }

    /** @return the position of the value length of {@code name} (or its alias), -1 if absent */
    private int find(String name) {
        Objects.requireNonNull(name, "name");
        int at = scan(name);
        if (at < 0) {
            if (ROUTING_ID.equalsIgnoreCase(name)) {
                at = scan(IDENTITY);
            } else if (IDENTITY.equalsIgnoreCase(name)) {
                at = scan(ROUTING_ID);
            }
        }
        return at;
    }

    private int scan(String name) {
        int keyLen = name.length();
        int p = 0;
        while (p < encoded.length) {
            int nameLen = encoded[p] & 0xFF;
            int nameAt = p + 1;
            p = nameAt + nameLen;
            if (nameLen == keyLen && sameName(nameAt, name)) {
                return p;
            }
            p += 4 + readInt(encoded, p);
        }
        return -1;
    }

    private boolean sameName(int at, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (lower(encoded[at + i] & 0xFF) != lower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** Two property sets are equal when they hold the same properties in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerMetadata m && Arrays.equals(m.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "PeerMetadata" + asMap();
    }
}
