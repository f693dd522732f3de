package io.zconn.engine.security.curve;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.util.Pack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.KeyAgreement;

/**
 * NaCl's {@code crypto_box} as CurveZMQ (RFC 26) uses it, and the only place zconn does cryptography:
 * X25519 from the JDK (JEP 324), the key derivation HSalsa20 and the authenticated encryption
 * XSalsa20-Poly1305 from Bouncy Castle's lightweight API. A box is the 16-byte Poly1305 tag followed by
 * the ciphertext (NaCl's output without its 16 leading zero bytes), which is what travels in CurveZMQ
 * commands.
 *
 * <p>An instance holds one precomputed key ({@code crypto_box_beforenm}, or a secretbox key such as the
 * server's cookie key). Sealing and opening allocate their engines per call, so several threads may use
 * one instance; {@link #destroy()} must not race with them. A {@link Session} reuses its engines for
 * one thread (a connection's MESSAGE boxes). Nonces are the caller's business: the CURVE
 * mechanism builds them and checks their order.
 */
public final class CryptoBox {
    /** Length of keys (public, secret, precomputed), in bytes. */
    public static final int KEY_BYTES = 32;
    /** Length of a nonce, in bytes. */
    public static final int NONCE_BYTES = 24;
    /** Length of the authenticator that precedes each ciphertext, in bytes. */
    public static final int MAC_BYTES = 16;

    private static final int[] SIGMA = Pack.littleEndianToInt(
            "expand 32-byte k".getBytes(StandardCharsets.US_ASCII), 0, 4);
    private static final byte[] BASE_POINT = basePoint();
    private static final byte[] ZERO_NONCE = new byte[16];
    private static final byte[] ZERO_KEY = new byte[KEY_BYTES];
    private static final int BLOCK_BYTES = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] key;

    private CryptoBox(byte[] key) {
        this.key = key;
    }

    /**
     * The box between our secret key and the peer's public key ({@code crypto_box_beforenm}): both
     * directions of a conversation use the same key.
     *
     * @throws GeneralSecurityException if the peer's key is a low-order point (the shared secret would
     *         be zero) or the JDK lacks X25519
     */
    public static CryptoBox between(byte[] secretKey, byte[] peerPublicKey) throws GeneralSecurityException {
        byte[] shared = x25519(secretKey, peerPublicKey);
        try {
            return new CryptoBox(hsalsa20(shared, ZERO_NONCE));
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /** A secretbox with the given 32-byte key (copied), e.g. the server's cookie key. */
    public static CryptoBox withKey(byte[] key) {
        checkLength(key, KEY_BYTES, "key");
        return new CryptoBox(key.clone());
    }

    /** A secretbox with a fresh random key. */
    public static CryptoBox random(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return new CryptoBox(key);
    }

    /**
     * Encrypts and authenticates {@code length} bytes of {@code plain} from {@code offset}.
     *
     * @return the tag followed by the ciphertext ({@link #MAC_BYTES} + length bytes)
     */
    public byte[] seal(byte[] nonce, byte[] plain, int offset, int length) {
        byte[] box = new byte[MAC_BYTES + length];
        seal(nonce, plain, offset, length, box, 0);
        return box;
    }

    /**
     * Encrypts and authenticates into {@code out} at {@code outOffset}: the tag, then the ciphertext.
     * {@code out} may not overlap the plaintext.
     */
    public void seal(byte[] nonce, byte[] plain, int offset, int length, byte[] out, int outOffset) {
        checkLength(nonce, NONCE_BYTES, "nonce");
        XSalsa20Engine stream = stream(nonce);
        byte[] macKey = macKey(stream);
        stream.processBytes(plain, offset, length, out, outOffset + MAC_BYTES);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        Arrays.fill(macKey, (byte) 0);
        mac.update(out, outOffset + MAC_BYTES, length);
        mac.doFinal(out, outOffset);
    }

    /**
     * Verifies and decrypts a box of {@code length} bytes (tag and ciphertext) from {@code offset}.
     *
     * @return the plaintext, or {@code null} if the box is shorter than a tag or was not sealed with
     *         this key and nonce (nothing is decrypted then)
     */
    public byte[] open(byte[] nonce, byte[] box, int offset, int length) {
        checkLength(nonce, NONCE_BYTES, "nonce");
        if (length < MAC_BYTES) {
            return null;
        }
        XSalsa20Engine stream = stream(nonce);
        byte[] macKey = macKey(stream);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        Arrays.fill(macKey, (byte) 0);
        int cipherLength = length - MAC_BYTES;
        mac.update(box, offset + MAC_BYTES, cipherLength);
        byte[] tag = new byte[MAC_BYTES];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(box, offset, offset + MAC_BYTES))) {
            return null;
        }
        byte[] plain = new byte[cipherLength];
        stream.processBytes(box, offset + MAC_BYTES, cipherLength, plain, 0);
        return plain;
    }

    /**
     * A view of this box for one thread that reuses its Bouncy Castle engines from box to box, for a
     * connection's data phase (one MESSAGE box per frame): the same boxes as {@link #seal} and
     * {@link #open}, without allocating a cipher, a MAC and their buffers per box, and without
     * repeating work whose result cannot change from box to box (see {@link Session}).
     */
    public Session session() {
        return new Session();
    }

    /**
     * The single-threaded, engine-reusing view of a box ({@link #session()}). It holds its own copy of the
     * key, which {@link CryptoBox#destroy()} does not reach: {@link #destroy()} clears it.
     *
     * <p>XSalsa20 is HSalsa20 of the key and the nonce's first 16 bytes (a subkey), then Salsa20 with that
     * subkey and the nonce's last 8 bytes. CurveZMQ's MESSAGE nonces of one direction share their first
     * 16 bytes ({@code CurveZMQMESSAGEC} or {@code ...S}) and differ only in the counter, so the session
     * keeps the subkey of the last prefix it saw and derives it again only when the prefix changes (a
     * pure function of the key and the prefix: memoised, not skipped). Then, as NaCl's secretbox, one
     * Salsa20 block gives the Poly1305 key (its first 32 bytes) and the first 32 bytes of keystream
     * (its last 32), and each further block 64 more. The blocks come from Bouncy Castle's
     * {@link Salsa20Engine} (its key setup, block counter and core, through the extension points
     * {@link XSalsa20Engine} itself uses); this class only XORs them, 8 bytes at a time from the
     * block's words, instead of the engine's byte-at-a-time {@code processBytes}. Tests check box for box against {@link
     * CryptoBox#seal} / {@link CryptoBox#open} (Bouncy Castle's {@link XSalsa20Engine}) and libsodium's
     * known answers.
     */
    public final class Session {
        private final Keystream stream = new Keystream();
        private final Poly1305 mac = new Poly1305();
        private final byte[] sessionKey = key.clone();
        private final byte[] prefix = new byte[16];
        private final byte[] subkey = new byte[KEY_BYTES];
        private final byte[] counter = new byte[8];
        private final byte[] tag = new byte[MAC_BYTES];
        // the MAC's key, written in place box after box (getKey() is the parameter's own array, which
        // the known-answer tests would catch if it ever were a copy: the MAC key would stay zero)
        private final KeyParameter macKey = new KeyParameter(new byte[KEY_BYTES]);
        private boolean subkeyValid;

        private Session() {
        }

        /**
         * Encrypts and authenticates {@code length} bytes of {@code plain} from {@code offset} into
         * {@code out} at {@code outOffset}: the tag, then the ciphertext (as {@link CryptoBox#seal(byte[],
         * byte[], int, int, byte[], int)}). {@code out} may not overlap the plaintext.
         */
        public void seal(byte[] nonce, byte[] plain, int offset, int length, byte[] out, int outOffset) {
            checkLength(nonce, NONCE_BYTES, "nonce");
            checkRange(plain, offset, length);
            checkRange(out, outOffset, MAC_BYTES + length);
            start(nonce);
            int cipherAt = outOffset + MAC_BYTES;
            encrypt(plain, offset, length, out, cipherAt);
            mac.update(out, cipherAt, length);
            mac.doFinal(out, outOffset);
        }

        /**
         * Verifies a box of {@code length} bytes (tag and ciphertext) from {@code offset} and, only if it
         * is authentic, decrypts its {@code length - MAC_BYTES} bytes into {@code out} at {@code outOffset}
         * (which may not overlap the box).
         *
         * @return false if the box is shorter than a tag or was not sealed with this key and nonce
         *         (nothing is written then)
         */
        public boolean open(byte[] nonce, byte[] box, int offset, int length, byte[] out, int outOffset) {
            checkLength(nonce, NONCE_BYTES, "nonce");
            if (length < MAC_BYTES) {
                return false;
            }
            checkRange(box, offset, length);
            int cipherLength = length - MAC_BYTES;
            checkRange(out, outOffset, cipherLength);
            start(nonce);
            mac.update(box, offset + MAC_BYTES, cipherLength);
            mac.doFinal(tag, 0);
            int diff = 0;
            for (int i = 0; i < MAC_BYTES; i++) {
                diff |= tag[i] ^ box[offset + i]; // constant time, as MessageDigest.isEqual
            }
            if (diff != 0) {
                stream.clearBlock();
                return false;
            }
            encrypt(box, offset + MAC_BYTES, cipherLength, out, outOffset);
            return true;
        }

        /**
         * Keys the stream with the nonce (the subkey of its prefix, its counter) and the MAC with the first
         * 32 bytes of keystream block 0, whose last 32 bytes stay in the stream for the message.
         */
        private void start(byte[] nonce) {
            if (!subkeyValid || !Arrays.equals(nonce, 0, 16, prefix, 0, 16)) {
                System.arraycopy(nonce, 0, prefix, 0, 16);
                byte[] derived = hsalsa20(sessionKey, prefix);
                System.arraycopy(derived, 0, subkey, 0, KEY_BYTES);
                Arrays.fill(derived, (byte) 0);
                subkeyValid = true;
            }
            System.arraycopy(nonce, 16, counter, 0, 8);
            stream.start(subkey, counter);
            stream.next();
            byte[] macKeyBytes = macKey.getKey();
            stream.firstHalf(macKeyBytes);
            mac.init(macKey);
            Arrays.fill(macKeyBytes, (byte) 0);
        }

        /** XORs {@code length} bytes with the keystream from byte 32 of block 0 on, then clears the block. */
        private void encrypt(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            int first = Math.min(length, BLOCK_BYTES - KEY_BYTES);
            stream.xor(in, inOffset, out, outOffset, KEY_BYTES, first);
            for (int done = first; done < length; done += BLOCK_BYTES) {
                stream.next();
                stream.xor(in, inOffset + done, out, outOffset + done, 0, Math.min(BLOCK_BYTES, length - done));
            }
            stream.clearBlock();
        }

        /** Clears this session's copies of the key, its subkey and the stream's state. */
        public void destroy() {
            Arrays.fill(sessionKey, (byte) 0);
            Arrays.fill(subkey, (byte) 0);
            subkeyValid = false;
            Arrays.fill(tag, (byte) 0);
            stream.wipe();
            Arrays.fill(macKey.getKey(), (byte) 0);
            mac.init(macKey); // forgets the last MAC key
        }
    }

    /**
     * Salsa20 keystream blocks from Bouncy Castle's engine, through its subclass extension points (as its
     * {@link XSalsa20Engine} uses them): key and 8-byte nonce set up, the block counter from zero, one
     * 64-byte block at a time ({@link Salsa20Engine#salsaCore} into the engine's block words, as its
     * {@code generateKeyStream} does), XORed from those words, eight bytes at a time, rather than
     * serialised into bytes first.
     */
    private static final class Keystream extends Salsa20Engine {
        /** Keys the engine with a 32-byte key and an 8-byte nonce, at block 0. */
        void start(byte[] key32, byte[] nonce8) {
            setKey(key32, nonce8);
            resetCounter();
        }

        /** Computes the next 64-byte keystream block and moves the counter to the block after it. */
        void next() {
            salsaCore(rounds, engineState, x);
            advanceCounter();
        }

        /** Writes the first 32 bytes of the current block into {@code out} (the Poly1305 key of block 0). */
        void firstHalf(byte[] out) {
            Pack.intToLittleEndian(x, 0, 8, out, 0);
        }

        /**
         * {@code out[o..o+n) = in[i..i+n) ^ block[from..from+n)}, {@code from} a multiple of 8 and
         * {@code from + n} at most 64.
         */
        void xor(byte[] in, int inOffset, byte[] out, int outOffset, int from, int n) {
            int[] words = x;
            int i = 0;
            for (int w = from >>> 2; i + 8 <= n; i += 8, w += 2) {
                long keystream = (words[w] & 0xffffffffL) | ((long) words[w + 1] << 32);
                LONGS.set(out, outOffset + i, (long) LONGS.get(in, inOffset + i) ^ keystream);
            }
            for (; i < n; i++) {
                int b = from + i;
                out[outOffset + i] = (byte) (in[inOffset + i] ^ (words[b >>> 2] >>> ((b & 3) << 3)));
            }
        }

        /** Clears the current block. */
        void clearBlock() {
            Arrays.fill(x, 0);
        }

        void wipe() {
            Arrays.fill(engineState, 0);
            Arrays.fill(x, 0);
        }
    }

    private static void checkRange(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    /** Overwrites the key: the box can no longer seal or open anything meaningful. */
    public void destroy() {
        Arrays.fill(key, (byte) 0);
    }

    /** The public key of a 32-byte secret key ({@code crypto_scalarmult_base}). */
    public static byte[] publicKey(byte[] secretKey) throws GeneralSecurityException {
        return x25519(secretKey, BASE_POINT);
    }

    /** X25519 of a 32-byte scalar and a 32-byte u-coordinate, both little-endian as on the wire. */
    static byte[] x25519(byte[] scalar, byte[] u) throws GeneralSecurityException {
        checkLength(scalar, KEY_BYTES, "secret key");
        checkLength(u, KEY_BYTES, "public key");
        KeyFactory factory = KeyFactory.getInstance("XDH");
        PrivateKey secret = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
        PublicKey point = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndian(u)));
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(secret);
        agreement.doPhase(point, true);
        return agreement.generateSecret();
    }

    /** HSalsa20 of a 32-byte key and a 16-byte input: Salsa20's core without its final addition. */
    static byte[] hsalsa20(byte[] key, byte[] input) {
        int[] state = new int[16];
        state[0] = SIGMA[0];
        state[5] = SIGMA[1];
        state[10] = SIGMA[2];
        state[15] = SIGMA[3];
        Pack.littleEndianToInt(key, 0, state, 1, 4);
        Pack.littleEndianToInt(input, 0, state, 6, 4);
        Pack.littleEndianToInt(key, 16, state, 11, 4);
        int[] mixed = new int[16];
        Salsa20Engine.salsaCore(20, state, mixed);
        int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
        byte[] out = new byte[KEY_BYTES];
        for (int i = 0; i < words.length; i++) {
            Pack.intToLittleEndian(mixed[words[i]] - state[words[i]], out, i * 4);
        }
        Arrays.fill(state, 0);
        Arrays.fill(mixed, 0);
        return out;
    }

    private XSalsa20Engine stream(byte[] nonce) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return stream;
    }

    private static byte[] macKey(XSalsa20Engine stream) {
        byte[] macKey = new byte[KEY_BYTES];
        stream.processBytes(ZERO_KEY, 0, KEY_BYTES, macKey, 0);
        return macKey;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        big[0] &= 0x7f; // RFC 7748: the most significant bit of a u-coordinate is ignored
        return new BigInteger(1, big);
    }

    private static byte[] basePoint() {
        byte[] nine = new byte[KEY_BYTES];
        nine[0] = 9;
        return nine;
    }

    private static void checkLength(byte[] bytes, int expected, String what) {
        if (bytes == null || bytes.length != expected) {
            throw new IllegalArgumentException("a CURVE " + what + " has " + expected + " bytes, not "
                    + (bytes == null ? "null" : bytes.length));
        }
    }
}
