package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * ZMTP metadata (READY and similar commands): a sequence of properties, each a name (1-byte
 * length, 1 to 255 ASCII bytes) and a value (4-byte big-endian length). Names compare
 * case-insensitively.
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
     * Consumes all readable bytes as properties.
     *
     * @param in the encoded properties
     * @return them, with case-insensitive names
     * @throws ZmtpException when truncated or malformed
     */
    public static Map<String, byte[]> decode(ByteBuf in) {
        Map<String, byte[]> props = newMap();
        while (in.isReadable()) {
            int nameLen = in.readUnsignedByte();
            if (nameLen == 0 || in.readableBytes() < nameLen + 4) {
                throw new ZmtpException("malformed metadata: truncated property name");
            }
            String name = in.readCharSequence(nameLen, StandardCharsets.US_ASCII).toString();
            long valueLen = in.readUnsignedInt();
            if (valueLen > in.readableBytes()) {
                throw new ZmtpException("malformed metadata: value of '" + name + "' is truncated");
            }
            byte[] value = new byte[(int) valueLen];
            in.readBytes(value);
            props.put(name, value);
        }
        return props;
    }
}
