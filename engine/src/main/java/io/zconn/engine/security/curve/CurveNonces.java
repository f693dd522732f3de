package io.zconn.engine.security.curve;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The nonces of one CURVE connection (RFC 26), in one place: each side numbers what it boxes with its
 * short-term key from 1 upwards (HELLO 1 and INITIATE 2 on the client, READY 1 on the server, then one
 * per MESSAGE), never reusing a number, and accepts from its peer only numbers larger than the last
 * it accepted. Long nonces (WELCOME, cookie, vouch) are 16 random bytes after an 8-byte prefix.
 * Not thread-safe: a connection uses it from its I/O thread.
 */
public final class CurveNonces {
    private static final SecureRandom RANDOM = new SecureRandom();

    private long next = 1;
    private long lastPeer;

    /**
     * The full 24-byte nonce of our next short-nonce box: the 16-byte prefix, then the counter.
     *
     * @param prefix e.g. {@code CurveZMQHELLO---}
     * @throws IllegalStateException after 2^64 - 1 boxes (a connection never gets there)
     */
    public byte[] nextShort(String prefix) {
        if (next == 0) {
            throw new IllegalStateException("CURVE nonces exhausted on this connection");
        }
        return shortNonce(prefix, next++);
    }

    /**
     * Writes the counter of our next short-nonce box into the last 8 bytes of {@code nonce} (a
     * 24-byte nonce whose 16-byte prefix the caller filled once, see {@link #shortNonce}), without
     * building the nonce anew per box.
     *
     * @throws IllegalStateException after 2^64 - 1 boxes (a connection never gets there)
     */
    public void nextShort(byte[] nonce) {
        if (next == 0) {
            throw new IllegalStateException("CURVE nonces exhausted on this connection");
        }
        putCounter(nonce, next++);
    }

    /** Writes an 8-byte big-endian counter into the last 8 bytes of a 24-byte nonce. */
    public static void putCounter(byte[] nonce, long counter) {
        for (int i = 0; i < 8; i++) {
            nonce[23 - i] = (byte) (counter >>> (8 * i));
        }
    }

    /**
     * Checks the short nonce of a box from the peer and remembers it.
     *
     * @return false if it is not larger than the last one accepted (a replay or reordering: the
     *         connection must end)
     */
    public boolean acceptPeer(long nonce) {
        if (Long.compareUnsigned(nonce, lastPeer) <= 0) {
            return false;
        }
        lastPeer = nonce;
        return true;
    }

    /** The 24-byte nonce of a 16-byte prefix and an 8-byte big-endian counter. */
    public static byte[] shortNonce(String prefix, long counter) {
        byte[] nonce = prefix(prefix, 16);
        putCounter(nonce, counter);
        return nonce;
    }

    /** The 24-byte nonce of an 8-byte prefix and 16 given bytes from {@code tail} at {@code offset}. */
    public static byte[] longNonce(String prefix, byte[] tail, int offset) {
        byte[] nonce = prefix(prefix, 8);
        System.arraycopy(tail, offset, nonce, 8, 16);
        return nonce;
    }

    /** A 24-byte nonce of an 8-byte prefix and 16 random bytes. */
    public static byte[] randomLongNonce(String prefix) {
        byte[] nonce = prefix(prefix, 8);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, nonce, 8, 16);
        return nonce;
    }

    /** The 8-byte big-endian counter at {@code offset}. */
    public static long counter(byte[] bytes, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[offset + i] & 0xff);
        }
        return v;
    }

    private static byte[] prefix(String prefix, int length) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (p.length != length) {
            throw new IllegalArgumentException("a CURVE nonce prefix has " + length + " characters: " + prefix);
        }
        byte[] nonce = new byte[CryptoBox.NONCE_BYTES];
        System.arraycopy(p, 0, nonce, 0, length);
        return nonce;
    }
}
