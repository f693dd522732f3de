package io.zconn.engine.security.curve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link CryptoBox} against known answers: RFC 7748's X25519 keys (section 6.1), NaCl's
 * {@code crypto_box_beforenm} key for them (the "firstkey" of NaCl's tests), and boxes that
 * libsodium 1.0.18 ({@code crypto_box_easy_afternm}, the library under libzmq 4.3.4 here) sealed with
 * that key and NaCl's test nonce.
 */
class CryptoBoxTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int MAC = CryptoBox.MAC_BYTES;
    private static final byte[] ALICE_SECRET = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PUBLIC = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_SECRET = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PUBLIC = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] BEFORENM = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final String BOX_EMPTY = "2539121d8e234e652d651fa4c8cff880";
    private static final String BOX_CURVEZMQ = "c536104e6d7b274c1bee806d1b1e88cf73eb162c11b3adf7";
    private static final String BOX_131 = "b15a0f696bdac427077f4a34871ba2ed309f665970ece6a1058b49a7d51a74ba0a0af99e4e3a4b671410264549984989"
            + "051259f08f44bb467f49f2ee9e0986742d3fcc3d8c92d8210282394d6ea2f236faf444855ca47aa03f916671a59ce8b6"
            + "22854451d39ea837e7786aa75632a85bfd6b3ee9e6914f447769eae98428b98ef9a20deda6c11291c1609c2946f16c6f3dd322";

    @Test
    void publicKeysAreRfc7748s() throws GeneralSecurityException {
        assertThat(CryptoBox.publicKey(ALICE_SECRET)).isEqualTo(ALICE_PUBLIC);
        assertThat(CryptoBox.publicKey(BOB_SECRET)).isEqualTo(BOB_PUBLIC);
    }

    @Test
    void precomputedKeyIsNaclsForBothSides() throws GeneralSecurityException {
        byte[] shared = CryptoBox.x25519(ALICE_SECRET, BOB_PUBLIC);
        assertThat(CryptoBox.hsalsa20(shared, new byte[16])).isEqualTo(BEFORENM);
        assertThat(CryptoBox.hsalsa20(CryptoBox.x25519(BOB_SECRET, ALICE_PUBLIC), new byte[16])).isEqualTo(BEFORENM);
    }

    @Test
    void sealsExactlyAsLibsodium() throws GeneralSecurityException {
        CryptoBox alice = CryptoBox.between(ALICE_SECRET, BOB_PUBLIC);
        assertThat(HEX.formatHex(alice.seal(NONCE, new byte[0], 0, 0))).isEqualTo(BOX_EMPTY);
        assertThat(HEX.formatHex(alice.seal(NONCE, "CurveZMQ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 8)))
                .isEqualTo(BOX_CURVEZMQ);
        assertThat(HEX.formatHex(alice.seal(NONCE, counting(131), 0, 131))).isEqualTo(BOX_131);
    }

    @Test
    void opensLibsodiumsBoxesOnTheOtherSide() throws GeneralSecurityException {
        CryptoBox bob = CryptoBox.between(BOB_SECRET, ALICE_PUBLIC);
        byte[] box = HEX.parseHex(BOX_131);
        assertThat(bob.open(NONCE, box, 0, box.length)).isEqualTo(counting(131));
        assertThat(bob.open(NONCE, HEX.parseHex(BOX_EMPTY), 0, 16)).isEmpty();
    }

    @Test
    void refusesEveryTamperedByteAWrongNonceOrAShortBox() throws GeneralSecurityException {
        CryptoBox bob = CryptoBox.between(BOB_SECRET, ALICE_PUBLIC);
        byte[] box = HEX.parseHex(BOX_CURVEZMQ);
        for (int i = 0; i < box.length; i++) {
            byte[] tampered = box.clone();
            tampered[i] ^= 0x01;
            assertThat(bob.open(NONCE, tampered, 0, tampered.length)).as("byte %d flipped", i).isNull();
        }
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1;
        assertThat(bob.open(otherNonce, box, 0, box.length)).isNull();
        assertThat(bob.open(NONCE, box, 0, 15)).isNull();
    }

    @Test
    void opensAtAnOffsetAndSealsIntoAGivenArray() throws GeneralSecurityException {
        CryptoBox alice = CryptoBox.between(ALICE_SECRET, BOB_PUBLIC);
        byte[] plain = counting(131);
        byte[] out = new byte[7 + 16 + 131];
        alice.seal(NONCE, plain, 0, 131, out, 7);
        assertThat(HEX.formatHex(out, 7, out.length)).isEqualTo(BOX_131);
        assertThat(CryptoBox.between(BOB_SECRET, ALICE_PUBLIC).open(NONCE, out, 7, out.length - 7)).isEqualTo(plain);
    }

    @Test
    void aSessionSealsAndOpensLibsodiumsBoxesBoxAfterBoxWithItsEnginesReused() throws GeneralSecurityException {
        CryptoBox.Session alice = CryptoBox.between(ALICE_SECRET, BOB_PUBLIC).session();
        CryptoBox.Session bob = CryptoBox.between(BOB_SECRET, ALICE_PUBLIC).session();
        for (int round = 0; round < 3; round++) {
            byte[] out = new byte[5 + 16 + 131];
            alice.seal(NONCE, counting(131), 0, 131, out, 5);
            assertThat(HEX.formatHex(out, 5, out.length)).isEqualTo(BOX_131);
            byte[] empty = new byte[16];
            alice.seal(NONCE, new byte[0], 0, 0, empty, 0);
            assertThat(HEX.formatHex(empty)).isEqualTo(BOX_EMPTY);
            byte[] plain = new byte[3 + 131];
            assertThat(bob.open(NONCE, out, 5, out.length - 5, plain, 3)).isTrue();
            assertThat(java.util.Arrays.copyOfRange(plain, 3, plain.length)).isEqualTo(counting(131));
        }
    }

    @Test
    void aSessionRefusesEveryTamperedByteAndWritesNothingThen() throws GeneralSecurityException {
        CryptoBox.Session bob = CryptoBox.between(BOB_SECRET, ALICE_PUBLIC).session();
        byte[] box = HEX.parseHex(BOX_CURVEZMQ);
        for (int i = 0; i < box.length; i++) {
            byte[] tampered = box.clone();
            tampered[i] ^= 0x01;
            byte[] out = new byte[8];
            assertThat(bob.open(NONCE, tampered, 0, tampered.length, out, 0)).as("byte %d flipped", i).isFalse();
            assertThat(out).as("byte %d flipped", i).isEqualTo(new byte[8]);
        }
        assertThat(bob.open(NONCE, box, 0, 15, new byte[8], 0)).isFalse();
        byte[] out = new byte[8];
        assertThat(bob.open(NONCE, box, 0, box.length, out, 0)).isTrue();
        assertThat(new String(out, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("CurveZMQ");
        bob.destroy();
        assertThat(bob.open(NONCE, box, 0, box.length, out, 0)).isFalse();
    }

    @Test
    void aSessionSealsTheReferenceBoxesForEverySizeAndOpensThemAndTheReferenceOpensItsBoxes() {
        Random random = new Random(26);
        byte[] key = new byte[32];
        random.nextBytes(key);
        CryptoBox reference = CryptoBox.withKey(key);
        CryptoBox.Session sealing = CryptoBox.withKey(key).session();
        CryptoBox.Session opening = CryptoBox.withKey(key).session();
        byte[] nonce = CurveNonces.shortNonce("CurveZMQMESSAGEC", 0);
        int[] sizes = IntStream.concat(IntStream.rangeClosed(0, 300), IntStream.of(1023, 1024, 1025, 4099, 65_537)).toArray();
        long counter = 0;
        for (int size : sizes) {
            CurveNonces.putCounter(nonce, ++counter);
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            int at = random.nextInt(9);
            byte[] sealed = new byte[at + MAC + size + 3];
            sealing.seal(nonce, plain, 0, size, sealed, at);
            byte[] expected = reference.seal(nonce, plain, 0, size);
            assertThat(Arrays.copyOfRange(sealed, at, at + MAC + size)).as("size %d", size).isEqualTo(expected);
            assertThat(reference.open(nonce, sealed, at, MAC + size)).as("size %d", size).isEqualTo(plain);
            byte[] opened = new byte[size + 5];
            assertThat(opening.open(nonce, expected, 0, expected.length, opened, 5)).as("size %d", size).isTrue();
            assertThat(Arrays.copyOfRange(opened, 5, 5 + size)).as("size %d", size).isEqualTo(plain);
        }
    }

    @Test
    void aSessionRefusesATamperedMultiBlockBoxAndABoxUnderAnotherCounter() {
        Random random = new Random(7);
        byte[] key = new byte[32];
        random.nextBytes(key);
        CryptoBox reference = CryptoBox.withKey(key);
        CryptoBox.Session opening = CryptoBox.withKey(key).session();
        byte[] nonce = CurveNonces.shortNonce("CurveZMQMESSAGES", 41);
        byte[] plain = new byte[1000];
        random.nextBytes(plain);
        byte[] box = reference.seal(nonce, plain, 0, plain.length);
        for (int i : new int[] {0, 15, 16, 47, 48, 500, box.length - 1}) {
            byte[] tampered = box.clone();
            tampered[i] ^= (byte) 0x80;
            byte[] out = new byte[plain.length];
            assertThat(opening.open(nonce, tampered, 0, tampered.length, out, 0)).as("byte %d flipped", i).isFalse();
            assertThat(out).as("byte %d flipped", i).isEqualTo(new byte[plain.length]);
        }
        byte[] next = nonce.clone();
        CurveNonces.putCounter(next, 42);
        assertThat(opening.open(next, box, 0, box.length, new byte[plain.length], 0)).isFalse();
        byte[] out = new byte[plain.length];
        assertThat(opening.open(nonce, box, 0, box.length, out, 0)).isTrue();
        assertThat(out).isEqualTo(plain);
    }

    @Test
    void aSessionDerivesTheSubkeyAgainWhenTheNoncePrefixChanges() {
        byte[] key = new byte[32];
        new Random(3).nextBytes(key);
        CryptoBox reference = CryptoBox.withKey(key);
        CryptoBox.Session session = CryptoBox.withKey(key).session();
        byte[] plain = counting(100);
        String[] prefixes = {"CurveZMQMESSAGEC", "CurveZMQMESSAGES", "CurveZMQMESSAGES", "CurveZMQMESSAGEC", "CurveZMQREADY---"};
        for (int i = 0; i < prefixes.length; i++) {
            byte[] nonce = CurveNonces.shortNonce(prefixes[i], i + 1);
            byte[] sealed = new byte[MAC + plain.length];
            session.seal(nonce, plain, 0, plain.length, sealed, 0);
            assertThat(sealed).as(prefixes[i]).isEqualTo(reference.seal(nonce, plain, 0, plain.length));
            byte[] opened = new byte[plain.length];
            assertThat(session.open(nonce, sealed, 0, sealed.length, opened, 0)).isTrue();
            assertThat(opened).isEqualTo(plain);
        }
        byte[] random = new byte[24];
        new Random(4).nextBytes(random);
        byte[] sealed = new byte[MAC + plain.length];
        session.seal(random, plain, 0, plain.length, sealed, 0);
        assertThat(sealed).isEqualTo(reference.seal(random, plain, 0, plain.length));
    }

    @Test
    void randomSecretboxRoundTripsAndADestroyedOneOpensNothing() {
        CryptoBox box = CryptoBox.random(new SecureRandom());
        byte[] sealed = box.seal(NONCE, counting(1000), 0, 1000);
        assertThat(box.open(NONCE, sealed, 0, sealed.length)).isEqualTo(counting(1000));
        box.destroy();
        assertThat(box.open(NONCE, sealed, 0, sealed.length)).isNull();
    }

    @Test
    void refusesALowOrderPublicKey() {
        assertThatThrownBy(() -> CryptoBox.between(ALICE_SECRET, new byte[32]))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void refusesKeysAndNoncesOfTheWrongLength() {
        assertThatThrownBy(() -> CryptoBox.between(new byte[31], BOB_PUBLIC)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, not 31");
        assertThatThrownBy(() -> CryptoBox.withKey(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CryptoBox.withKey(BEFORENM).seal(new byte[8], new byte[1], 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    }

    private static byte[] counting(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
