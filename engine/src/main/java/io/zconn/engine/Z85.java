package io.zconn.engine;

import java.util.Arrays;

/**
 * Z85, ZeroMQ's printable encoding of binary data (RFC 32), as {@code zmq_z85_encode} and
 * {@code zmq_z85_decode} do it: four bytes become five characters. CURVE keys are 32 bytes, or 40
 * characters in Z85.
 *
 * <p>Errors never echo the input, which may be a secret key.
 */
public final class Z85 {
    private static final char[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Z85() {
    }

    /**
     * Encodes bytes whose count is a multiple of 4.
     *
     * @throws IllegalArgumentException if the length is not a multiple of 4
     */
    public static String encode(byte[] data) {
        if (data.length % 4 != 0) {
            throw new IllegalArgumentException("Z85 encodes a multiple of 4 bytes, not " + data.length);
        }
        char[] out = new char[data.length / 4 * 5];
        int o = 0;
        for (int i = 0; i < data.length; i += 4) {
            long value = ((data[i] & 0xffL) << 24) | ((data[i + 1] & 0xffL) << 16)
                    | ((data[i + 2] & 0xffL) << 8) | (data[i + 3] & 0xffL);
            for (int k = 4; k >= 0; k--) {
                out[o + k] = ALPHABET[(int) (value % 85)];
                value /= 85;
            }
            o += 5;
        }
        return new String(out);
    }

    /**
     * Decodes a string whose length is a multiple of 5.
     *
     * @throws IllegalArgumentException if the length is not a multiple of 5, a character is not in
     *         Z85's alphabet, or a group of five exceeds 32 bits (the message gives the position only)
     */
    public static byte[] decode(String text) {
        if (text.length() % 5 != 0) {
            throw new IllegalArgumentException("Z85 decodes a multiple of 5 characters, not " + text.length());
        }
        byte[] out = new byte[text.length() / 5 * 4];
        int o = 0;
        for (int i = 0; i < text.length(); i += 5) {
            long value = 0;
            for (int k = 0; k < 5; k++) {
                char c = text.charAt(i + k);
                int digit = c < 128 ? VALUES[c] : -1;
                if (digit < 0) {
                    throw new IllegalArgumentException("not a Z85 character at position " + (i + k));
                }
                value = value * 85 + digit;
            }
            if (value > 0xffffffffL) {
                throw new IllegalArgumentException("Z85 group at position " + i + " exceeds 32 bits");
            }
            out[o++] = (byte) (value >>> 24);
            out[o++] = (byte) (value >>> 16);
            out[o++] = (byte) (value >>> 8);
            out[o++] = (byte) value;
        }
        return out;
    }

    /**
     * A 32-byte CURVE key from its 40-character Z85 form.
     *
     * @throws IllegalArgumentException if the text is not 40 valid Z85 characters
     */
    public static byte[] decodeKey(String text) {
        if (text.length() != 40) {
            throw new IllegalArgumentException("a Z85 CURVE key has 40 characters, not " + text.length());
        }
        return decode(text);
    }
}
