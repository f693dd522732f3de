package io.zconn.engine;

import java.util.Arrays;

/**
 * A CURVE key pair: a 32-byte public key and its 32-byte secret key. Made by {@link Curve}, or from
 * keys read elsewhere (a certificate file: {@link CurveCertificate}).
 *
 * <p>{@link #toString()} shows the public key only; accessors return copies.
 */
public final class CurveKeyPair {
    private final byte[] publicKey;
    private final byte[] secretKey;

    private CurveKeyPair(byte[] publicKey, byte[] secretKey) {
        this.publicKey = publicKey;
        this.secretKey = secretKey;
    }

    /**
     * A pair from its two keys, as given (binary; see {@link Z85#decodeKey} for text). Use
     * {@link Curve#keyPair(byte[])} to derive the public key from the secret one instead.
     *
     * @throws IllegalArgumentException unless both keys have 32 bytes
     */
    public static CurveKeyPair of(byte[] publicKey, byte[] secretKey) {
        return new CurveKeyPair(checked(publicKey, "public"), checked(secretKey, "secret"));
    }

    /** The public key (a copy), to give to peers. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key in Z85, as libzmq's tools print it. */
    public String publicKeyZ85() {
        return Z85.encode(publicKey);
    }

    /** The secret key (a copy): keep it out of logs and descriptors. */
    public byte[] secretKey() {
        return secretKey.clone();
    }

    /** The secret key in Z85. */
    public String secretKeyZ85() {
        return Z85.encode(secretKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CurveKeyPair other && Arrays.equals(publicKey, other.publicKey)
                && Arrays.equals(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "CurveKeyPair[public=" + publicKeyZ85() + "]";
    }

    static byte[] checked(byte[] key, String which) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("a CURVE " + which + " key has 32 bytes, not "
                    + (key == null ? "null" : key.length));
        }
        return key.clone();
    }
}
