package io.zconn.engine;

import io.zconn.engine.security.curve.CryptoBox;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * CURVE keys, as libzmq's {@code zmq_curve_keypair} and {@code zmq_curve_public} make them: X25519 key
 * pairs for the CURVE mechanism (RFC 26). Keys are 32 bytes; {@link Z85} turns them into the
 * 40-character text libzmq's tools print, and {@link CurveKeyPair#toString()} never shows the secret.
 *
 * <pre>{@code
 * CurveKeyPair server = Curve.generateKeyPair();
 * CurveCertificate.save(server, Map.of("name", "broker"), Path.of("broker.key"), Path.of("broker.key_secret"));
 * }</pre>
 */
public final class Curve {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Curve() {
    }

    /** A new key pair from a cryptographically strong random secret key. */
    public static CurveKeyPair generateKeyPair() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return CurveKeyPair.of(publicKey(secret), secret);
    }

    /**
     * The key pair of a secret key, its public key derived as {@code zmq_curve_public} does.
     *
     * @throws IllegalArgumentException unless the key has 32 bytes
     */
    public static CurveKeyPair keyPair(byte[] secretKey) {
        return CurveKeyPair.of(publicKey(secretKey), secretKey);
    }

    /**
     * The public key of a 32-byte secret key.
     *
     * @throws IllegalArgumentException unless the key has 32 bytes
     * @throws IllegalStateException if the JDK offers no X25519 (every Java 11+ JDK does)
     */
    public static byte[] publicKey(byte[] secretKey) {
        try {
            return CryptoBox.publicKey(CurveKeyPair.checked(secretKey, "secret"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available: " + e.getClass().getSimpleName(), e);
        }
    }
}
