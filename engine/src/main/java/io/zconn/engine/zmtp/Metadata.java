package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.PeerMetadata;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ZMTP metadata (READY and similar commands): a sequence of properties, each a name (1-byte
 * length, 1 to 255 ASCII bytes) and a value (4-byte big-endian length). Names compare
 * case-insensitively.
 *
 * <p>Decoding is one linear pass that only validates: the result is a read-only map over the
 * received bytes themselves, so a peer's metadata costs no memory beyond its own size whatever the
 * number of properties (thousands of tiny properties would otherwise cost ~100 bytes of objects
 * each). A lookup scans the properties (a handshake makes a few); the last property of a name wins.
 */
public final class Metadata {
    private Metadata() {
    }

    /** @return an empty property map that looks names up case-insensitively */
    public static Map<String, byte[]> newMap() {
        return new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }

    /**
     * @param properties the properties
     * @return their encoded size
     */
    public static int size(Map<String, byte[]> properties) {
        int n = 0;
        for (Map.Entry<String, byte[]> e : properties.entrySet()) {
            n += 1 + e.getKey().length() + 4 + e.getValue().length;
        }
        return n;
    }

    /**
     * @param properties the properties
     * @param out        where to write them
     */
    public static void encode(Map<String, byte[]> properties, ByteBuf out) {
        for (Map.Entry<String, byte[]> e : properties.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            if (name.length == 0 || name.length > 255) {
                throw new IllegalArgumentException("metadata name must be 1 to 255 bytes: " + e.getKey());
            }
            out.writeByte(name.length);
            out.writeBytes(name);
            out.writeInt(e.getValue().length);
            out.writeBytes(e.getValue());
        }
    }

    /**
     * @param properties name/value pairs
     * @return them encoded as in READY, in an array of exactly their size (CURVE boxes it, PLAIN's
     *         INITIATE carries it)
     */
    public static byte[] toBytes(Map<String, byte[]> properties) {
        ByteBuf b = io.netty.buffer.Unpooled.buffer(size(properties));
        encode(properties, b);
        return b.array().length == b.readableBytes() ? b.array() : java.util.Arrays.copyOf(b.array(), b.readableBytes());
    }

    /**
     * Consumes all readable bytes as properties (copied once: the map keeps them).
     *
     * @param in the encoded properties
     * @return them, with case-insensitive names (read-only)
     * @throws ZmtpException when truncated or malformed
     */
    public static Map<String, byte[]> decode(ByteBuf in) {
        return decode(in, false);
    }

    /**
     * @param in    the encoded properties
     * @param owned whether {@code in}'s heap array belongs to the caller for good (then it is used in
     *              place, not copied)
     * @return the properties
     */
    static Map<String, byte[]> decode(ByteBuf in, boolean owned) {
        int n = in.readableBytes();
        byte[] a;
        int off;
        if (owned && in.hasArray()) {
            a = in.array();
            off = in.arrayOffset() + in.readerIndex();
        } else {
            a = new byte[n];
            in.getBytes(in.readerIndex(), a);
            off = 0;
        }
        in.skipBytes(n);
        return new Packed(a, off, n);
    }

    /**
     * The properties every message of a connection carries ({@link PeerMetadata}), in libzmq's
     * order of precedence: {@code Peer-Address}, then what the mechanism established (User-Id, ZAP
     * metadata), then the peer's READY properties as received. Made once per connection: the
     * READY properties are copied as the bytes they arrived as, one array whatever their number.
     *
     * <p>Unlike libzmq, a {@code User-Id} or {@code Peer-Address} the peer announces itself in
     * READY is left out: those names speak for this side (the mechanism, the transport), and a
     * peer of a NULL connection must not be able to pose as an authenticated user.
     *
     * @param peerAddress   the peer's address, empty for none
     * @param zapProperties the mechanism's properties
     * @param ready         the peer's READY properties (as {@link #decode} returns them, or any map)
     * @return the connection's metadata
     */
    public static PeerMetadata forConnection(String peerAddress, Map<String, byte[]> zapProperties,
                                             Map<String, byte[]> ready) {
        Map<String, byte[]> first = new LinkedHashMap<>();
        if (!peerAddress.isEmpty()) {
            first.put(PeerMetadata.PEER_ADDRESS, peerAddress.getBytes(StandardCharsets.UTF_8));
        }
        first.putAll(zapProperties);
        int head = size(first);
        Packed packed = ready instanceof Packed p ? p : null;
        int rest = packed != null ? packed.len : size(ready);
        if (head + rest == 0) {
            return PeerMetadata.EMPTY;
        }
        ByteBuf out = Unpooled.wrappedBuffer(new byte[head + rest]);
        out.writerIndex(0);
        encode(first, out);
        if (packed != null) {
            byte[] a = packed.a;
            int p = packed.off;
            int end = packed.off + packed.len;
            while (p < end) {
                int nameLen = a[p] & 0xFF;
                int next = p + 1 + nameLen + 4 + readInt(a, p + 1 + nameLen);
                if (!reservedName(a, p + 1, nameLen)) {
                    out.writeBytes(a, p, next - p);
                }
                p = next;
            }
        } else {
            Map<String, byte[]> kept = new LinkedHashMap<>(ready);
            kept.keySet().removeIf(n -> n.equalsIgnoreCase(PeerMetadata.USER_ID) || n.equalsIgnoreCase(PeerMetadata.PEER_ADDRESS));
            encode(kept, out);
        }
        return PeerMetadata.decode(out.array(), 0, out.writerIndex());
    }

    private static boolean reservedName(byte[] a, int at, int len) {
        return sameName(a, at, len, PeerMetadata.USER_ID) || sameName(a, at, len, PeerMetadata.PEER_ADDRESS);
    }

    private static boolean sameName(byte[] a, int at, int len, String name) {
        if (len != name.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (lower(a[at + i] & 0xFF) != lower(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Validates the properties in {@code a[off, off+len)}; linear, allocates nothing on success. */
    private static int validate(byte[] a, int off, int len) {
        int p = off;
        int end = off + len;
        int count = 0;
        while (p < end) {
            int nameLen = a[p] & 0xFF;
            p++;
            if (nameLen == 0 || end - p < nameLen + 4) {
                throw new ZmtpException("malformed metadata: truncated property name").protocolCode(ZmtpException.INVALID_METADATA);
            }
            p += nameLen;
            long valueLen = readInt(a, p) & 0xFFFFFFFFL;
            p += 4;
            if (valueLen > end - p) {
                throw new ZmtpException("malformed metadata: value of '"
                        + new String(a, p - 4 - nameLen, nameLen, StandardCharsets.US_ASCII) + "' is truncated");
            }
            p += (int) valueLen;
            count++;
        }
        return count;
    }

    private static int readInt(byte[] a, int p) {
        return (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
    }

    private static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** Read-only properties over received bytes; see the class comment. */
    private static final class Packed extends AbstractMap<String, byte[]> {
        private final byte[] a;
        private final int off;
        private final int len;
        private final int count;
        private Map<String, byte[]> expanded;

        Packed(byte[] a, int off, int len) {
            this.count = validate(a, off, len);
            this.a = a;
            this.off = off;
            this.len = len;
        }

        @Override
        public byte[] get(Object key) {
            if (!(key instanceof String name)) {
                return null;
            }
            int keyLen = name.length();
            int found = -1;
            int foundLen = 0;
            int p = off;
            int end = off + len;
            while (p < end) {
                int nameLen = a[p] & 0xFF;
                int nameAt = p + 1;
                p = nameAt + nameLen;
                int valueLen = readInt(a, p);
                p += 4;
                if (nameLen == keyLen && sameName(nameAt, name)) {
                    found = p;
                    foundLen = valueLen;
                }
                p += valueLen;
            }
            return found < 0 ? null : Arrays.copyOfRange(a, found, found + foundLen);
        }

        private boolean sameName(int at, String name) {
            for (int i = 0; i < name.length(); i++) {
                if (lower(a[at + i] & 0xFF) != lower(name.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public boolean isEmpty() {
            return count == 0;
        }

        /** Builds a map of every property (one object per property: only when iterated). */
        @Override
        public Set<Entry<String, byte[]>> entrySet() {
            if (expanded == null) {
                Map<String, byte[]> m = newMap();
                int p = off;
                int end = off + len;
                while (p < end) {
                    int nameLen = a[p] & 0xFF;
                    String name = new String(a, p + 1, nameLen, StandardCharsets.US_ASCII);
                    p += 1 + nameLen;
                    int valueLen = readInt(a, p);
                    p += 4;
                    m.put(name, Arrays.copyOfRange(a, p, p + valueLen));
                    p += valueLen;
                }
                expanded = Collections.unmodifiableMap(m);
            }
            return expanded.entrySet();
        }
    }
}
