package io.zconn.engine.security;

import io.zconn.engine.Z85;

/**
 * A socket's CURVE keys, as its options hold them (32 bytes each, empty when not set).
 * {@link #toString()} never shows the secret key.
 *
 * @param publicKey CURVE_PUBLICKEY
 * @param secretKey CURVE_SECRETKEY
 * @param serverKey CURVE_SERVERKEY
 */
@SuppressWarnings("ArrayRecordComponent") // configuration, never compared or hashed
public record CurveKeys(byte[] publicKey, byte[] secretKey, byte[] serverKey) {
    /** No keys set. */
    public static final CurveKeys NONE = new CurveKeys(new byte[0], new byte[0], new byte[0]);

    @Override
    public String toString() {
        return "[public=" + show(publicKey) + ", secret=" + (secretKey.length == 0 ? "none" : "(hidden)")
                + ", server=" + show(serverKey) + "]";
    }

    private static String show(byte[] key) {
        return key.length == 32 ? Z85.encode(key) : "none";
    }
}
