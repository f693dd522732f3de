package io.zconn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Z85, CURVE key pairs and certificate files, against RFC 32 and what libzmq and pyzmq produce. */
class CurveTest {
    /** The key pairs printed in libzmq's zmq_curve(7) page; pyzmq's curve_public agrees. */
    private static final String SERVER_PUBLIC = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    private static final String SERVER_SECRET = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
    private static final String CLIENT_PUBLIC = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
    private static final String CLIENT_SECRET = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";

    @Test
    void z85EncodesRfc32sExample() {
        byte[] hello = HexFormat.of().parseHex("864fd26fb559f75b");
        assertThat(Z85.encode(hello)).isEqualTo("HelloWorld");
        assertThat(Z85.decode("HelloWorld")).isEqualTo(hello);
    }

    @Test
    void z85RoundTripsEveryByteValueAndTheExtremes() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertThat(Z85.decode(Z85.encode(all))).isEqualTo(all);
        byte[] ones = {-1, -1, -1, -1};
        assertThat(Z85.encode(ones)).isEqualTo("%nSc0");
        assertThat(Z85.decode("%nSc0")).isEqualTo(ones);
        assertThat(Z85.encode(new byte[0])).isEmpty();
    }

    @Test
    void z85RefusesBadInputWithoutEchoingIt() {
        assertThatThrownBy(() -> Z85.encode(new byte[5])).hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> Z85.decode("abcd")).hasMessageContaining("multiple of 5");
        assertThatThrownBy(() -> Z85.decode("secr\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Z85 character at position 4");
        assertThatThrownBy(() -> Z85.decode("%nSc1")).hasMessageContaining("exceeds 32 bits");
        assertThatThrownBy(() -> Z85.decodeKey(SERVER_SECRET.substring(1)))
                .hasMessage("a Z85 CURVE key has 40 characters, not 39");
    }

    @Test
    void derivesLibzmqsPublicKeysFromTheirSecretKeys() {
        assertThat(Curve.keyPair(Z85.decodeKey(SERVER_SECRET)).publicKeyZ85()).isEqualTo(SERVER_PUBLIC);
        assertThat(Z85.encode(Curve.publicKey(Z85.decodeKey(CLIENT_SECRET)))).isEqualTo(CLIENT_PUBLIC);
    }

    @Test
    void generatedPairsAreConsistentAndDistinct() {
        CurveKeyPair a = Curve.generateKeyPair();
        CurveKeyPair b = Curve.generateKeyPair();
        assertThat(Curve.publicKey(a.secretKey())).isEqualTo(a.publicKey());
        assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
        assertThat(a).isEqualTo(CurveKeyPair.of(a.publicKey(), a.secretKey())).isNotEqualTo(b);
    }

    @Test
    void keyPairNeverShowsItsSecret() {
        CurveKeyPair pair = Curve.keyPair(Z85.decodeKey(SERVER_SECRET));
        assertThat(pair.toString()).contains(SERVER_PUBLIC).doesNotContain(SERVER_SECRET);
        byte[] copy = pair.secretKey();
        copy[0] ^= 1;
        assertThat(pair.secretKeyZ85()).isEqualTo(SERVER_SECRET);
    }

    @Test
    void readsACertificateAsPyzmqWritesIt() {
        CurveCertificate cert = CurveCertificate.parse(List.of(
                "#   ****  Generated on 2026-11-29 10:09:37.772443 by pyzmq  ****",
                "#   ZeroMQ CURVE **Secret** Certificate",
                "",
                "metadata",
                "    name = broker",
                "    site = \"eu west\"",
                "curve",
                "    public-key = \"" + SERVER_PUBLIC + "\"",
                "    secret-key = \"" + SERVER_SECRET + "\""), "broker.key_secret");
        assertThat(cert.keyPair()).isEqualTo(Curve.keyPair(Z85.decodeKey(SERVER_SECRET)));
        assertThat(cert.metadata()).containsExactly(Map.entry("name", "broker"), Map.entry("site", "eu west"));
        assertThat(cert.toString()).contains(SERVER_PUBLIC).doesNotContain(SERVER_SECRET);
    }

    @Test
    void writesPublicAndSecretCertificatesThatReadBack(@TempDir Path dir) throws Exception {
        CurveKeyPair pair = Curve.generateKeyPair();
        Path pub = dir.resolve("certs/client.key");
        Path sec = dir.resolve("certs/client.key_secret");
        CurveCertificate.save(pair, Map.of("name", "client"), pub, sec);

        CurveCertificate publicCert = CurveCertificate.load(pub);
        assertThat(publicCert.publicKey()).isEqualTo(pair.publicKey());
        assertThat(publicCert.secretKey()).isEmpty();
        assertThatThrownBy(publicCert::keyPair).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(pub, StandardCharsets.UTF_8)).doesNotContain(pair.secretKeyZ85());

        assertThat(CurveCertificate.load(sec).keyPair()).isEqualTo(pair);
        assertThat(CurveCertificate.load(sec).metadata()).containsEntry("name", "client");
        if (Files.getFileStore(sec).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(sec))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void refusesFilesThatAreNotCertificatesNamingTheLineNotTheSecret() {
        assertThatThrownBy(() -> CurveCertificate.parse(List.of("metadata", "    name = x"), "f"))
                .hasMessage("f has no curve/public-key: not a CURVE certificate");
        assertThatThrownBy(() -> CurveCertificate.parse(List.of("curve", "    public-key"), "f"))
                .hasMessage("f: line 2 is not 'name = value' inside a section");
        String badSecret = SERVER_SECRET.substring(0, 39) + "~";
        assertThatThrownBy(() -> CurveCertificate.parse(List.of("curve",
                "    public-key = \"" + SERVER_PUBLIC + "\"", "    secret-key = \"" + badSecret + "\""), "f"))
                .hasMessageContaining("curve/secret-key is not a Z85 CURVE key").hasMessageNotContaining(badSecret)
                .hasMessageNotContaining(SERVER_SECRET.substring(0, 39));
        assertThatThrownBy(() -> CurveCertificate.save(Curve.generateKeyPair(), Map.of("name", "a\"b"),
                Path.of("unused.key"), Path.of("unused.key_secret"))).hasMessageContaining("cannot be written");
    }
}
