package io.zconn.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqOption;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecuritySettingsTest {
    private static final List<String> NAMES = List.of("zapCurveKeys", "zapCurveKeysDirectory", "zapPlainUsersFile");
    private static final CurveKeyPair SERVER = Curve.generateKeyPair();
    private static final CurveKeyPair CLIENT = Curve.generateKeyPair();

    @TempDir
    Path dir;

    private static SecuritySettings ra(Map<String, ?> props) {
        return SecuritySettings.fromProperties(props, false);
    }

    private static ZapHandler.Request curve(byte[] key) {
        return new ZapHandler.Request("d", "127.0.0.1", null, "CURVE", List.of(key));
    }

    private static ZapHandler.Request plain(String user, String password) {
        return new ZapHandler.Request("d", "127.0.0.1", null, "PLAIN",
                List.of(user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void curveServerSettingsDerivePublicKeyAndSelectCurveLast() {
        SecuritySettings s = ra(Map.of("curveServer", "true", "curveSecretKey", SERVER.secretKeyZ85(),
                "zapDomain", "orders"));
        assertThat(s.mechanism()).isEqualTo("CURVE");
        assertThat(s.isServer()).isTrue();
        assertThat(s.options().keySet()).containsExactly(ZmqOption.ZAP_DOMAIN, ZmqOption.CURVE_PUBLICKEY,
                ZmqOption.CURVE_SECRETKEY, ZmqOption.CURVE_SERVER);
        assertThat((byte[]) s.options().get(ZmqOption.CURVE_PUBLICKEY)).isEqualTo(SERVER.publicKey());
        assertThat(s.toString()).contains(SERVER.publicKeyZ85()).doesNotContain(SERVER.secretKeyZ85());
    }

    @Test
    void secretCertificateFileGivesTheKeyPair() {
        Path pub = dir.resolve("client.key");
        Path sec = dir.resolve("client.key_secret");
        CurveCertificate.save(CLIENT, Map.of("name", "client"), pub, sec);
        SecuritySettings s = SecuritySettings.fromProperties(Map.of("curve.secretkey.file", sec.toString(),
                "curve.serverkey", SERVER.publicKeyZ85()), true);
        assertThat(s.mechanism()).isEqualTo("CURVE");
        assertThat((byte[]) s.options().get(ZmqOption.CURVE_SECRETKEY)).isEqualTo(CLIENT.secretKey());
        assertThat((byte[]) s.options().get(ZmqOption.CURVE_SERVERKEY)).isEqualTo(SERVER.publicKey());
        assertThatThrownBy(() -> SecuritySettings.fromProperties(Map.of("curve.secretkey.file", pub.toString(),
                "curve.serverkey", SERVER.publicKeyZ85()), true))
                .hasMessageContaining("curve.secretkey.file").hasMessageContaining("public certificate");
    }

    @Test
    void badValuesNameThePropertyButNeverTheSecret() {
        String almost = SERVER.secretKeyZ85().substring(0, 39) + "~";
        assertThatThrownBy(() -> ra(Map.of("curveServer", "true", "curveSecretKey", almost.replace('~', '"'))))
                .hasMessageContaining("curveSecretKey").hasMessageNotContaining(almost.substring(0, 39));
        assertThatThrownBy(() -> ra(Map.of("curveServer", "true", "curveSecretKey", SERVER.secretKeyZ85() + "x")))
                .hasMessageContaining("curveSecretKey").hasMessageNotContaining(SERVER.secretKeyZ85());
        assertThatThrownBy(() -> ra(Map.of("curveServer", "true", "curveSecretKey", SERVER.secretKeyZ85(),
                "curvePublicKey", CLIENT.publicKeyZ85())))
                .hasMessageContaining("curvePublicKey").hasMessageNotContaining(SERVER.secretKeyZ85());
        assertThatThrownBy(() -> ra(Map.of("plainPassword", "hunter2"))).hasMessageContaining("plainUsername")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ra(Map.of("curveServer", "yes"))).hasMessageContaining("curveServer");
        assertThatThrownBy(() -> ra(Map.of("curveServer", "true"))).hasMessageContaining("curveSecretKey");
        assertThatThrownBy(() -> ra(Map.of("plainServer", "true", "curveServer", "true",
                "curveSecretKey", SERVER.secretKeyZ85()))).hasMessageContaining("one security mechanism");
        assertThatThrownBy(() -> ra(Map.of("curveSecretKey", SERVER.secretKeyZ85())))
                .hasMessageContaining("neither").hasMessageNotContaining(SERVER.secretKeyZ85());
    }

    @Test
    void plainClientSettingsHideThePassword() {
        SecuritySettings s = ra(Map.of("plainUsername", "admin", "plainPassword", "hunter2"));
        assertThat(s.mechanism()).isEqualTo("PLAIN");
        assertThat(s.options()).containsEntry(ZmqOption.PLAIN_PASSWORD, "hunter2");
        assertThat(s.toString()).contains("admin").doesNotContain("hunter2");
        assertThat(ra(Map.of())).isSameAs(SecuritySettings.NONE);
        assertThat(ra(Map.of("plainUsername", "admin", "plainPassword", "hunter2")))
                .isEqualTo(s).isNotEqualTo(ra(Map.of("plainUsername", "admin", "plainPassword", "other")));
    }

    @Test
    void allowListAcceptsListedAndDirectoryKeysAndRefusesOthers() throws Exception {
        CurveKeyPair fromFile = Curve.generateKeyPair();
        CurveCertificate.save(fromFile, Map.of(), dir.resolve("peer.key"), dir.resolve("peer.key_secret"));
        Files.writeString(dir.resolve("README.txt"), "not a certificate");
        AllowListZapHandler h = AllowListZapHandler.Config.of(CLIENT.publicKeyZ85(), dir, null, NAMES).handler();
        assertThat(h.curveKeyCount()).isEqualTo(2);
        assertThat(h.authenticate(curve(CLIENT.publicKey()))).satisfies(r -> {
            assertThat(r.accepted()).isTrue();
            assertThat(r.userId()).isEqualTo(CLIENT.publicKeyZ85());
        });
        assertThat(h.authenticate(curve(fromFile.publicKey())).accepted()).isTrue();
        assertThat(h.authenticate(curve(SERVER.publicKey())).statusCode()).isEqualTo(400);
        assertThat(h.authenticate(new ZapHandler.Request("d", "", null, "NULL", List.of())).accepted()).isFalse();
    }

    @Test
    void allowListChecksPlainUsersWithoutEchoingPasswords() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "# users\nadmin=s3cret\nbob = pw\n");
        AllowListZapHandler h = AllowListZapHandler.Config.of(null, null, users, NAMES).handler();
        assertThat(h.authenticate(plain("admin", "s3cret")).userId()).isEqualTo("admin");
        assertThat(h.authenticate(plain("bob", "pw")).accepted()).isTrue();
        ZapHandler.Reply wrong = h.authenticate(plain("admin", "guess"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.statusText()).doesNotContain("guess").doesNotContain("s3cret");
        assertThat(h.authenticate(plain("eve", "")).accepted()).isFalse();
        assertThat(h.toString()).doesNotContain("s3cret");
    }

    @Test
    void allowListErrorsNameTheProperty() throws Exception {
        Files.writeString(dir.resolve("bad.key"), "curve\n    public-key = \"short\"\n");
        assertThatThrownBy(() -> AllowListZapHandler.Config.of(null, dir, null, NAMES).handler())
                .hasMessageContaining("zapCurveKeysDirectory").hasMessageContaining("bad.key");
        assertThatThrownBy(() -> AllowListZapHandler.Config.of("notakey", null, null, NAMES).handler())
                .hasMessageContaining("zapCurveKeys");
        assertThatThrownBy(() -> AllowListZapHandler.Config.of(null, dir.resolve("none"), null, NAMES).handler())
                .hasMessageContaining("not a directory");
        assertThat(AllowListZapHandler.Config.of("", " ", null, NAMES)).isNull();
    }

    @Test
    void domainsRouteToTheirHandlerShareEqualKeysAndRefuseConflicts() {
        ZapDomains zap = new ZapDomains();
        Map<String, Integer> made = new HashMap<>();
        ZapDomains.Registration a = zap.register("d", "k1", () -> {
            made.merge("d", 1, Integer::sum);
            return r -> ZapHandler.Reply.accept("from-d");
        });
        ZapDomains.Registration b = zap.register("d", "k1", () -> {
            made.merge("d", 1, Integer::sum);
            return r -> ZapHandler.Reply.deny("second");
        });
        assertThat(made).containsEntry("d", 1);
        assertThatThrownBy(() -> zap.register("d", "k2", () -> r -> ZapHandler.Reply.accept("x")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'d'");
        assertThat(zap.authenticate(curve(CLIENT.publicKey())).userId()).isEqualTo("from-d");
        assertThat(zap.authenticate(new ZapHandler.Request("other", "", null, "NULL", List.of())).accepted()).isFalse();
        zap.fallback(r -> ZapHandler.Reply.accept("fallback"));
        assertThat(zap.authenticate(new ZapHandler.Request("other", "", null, "NULL", List.of())).userId())
                .isEqualTo("fallback");
        a.close();
        a.close();
        assertThat(zap.authenticate(curve(CLIENT.publicKey())).userId()).isEqualTo("from-d");
        b.close();
        assertThat(zap.authenticate(curve(CLIENT.publicKey())).userId()).isEqualTo("fallback");
        zap.fallback(null);
        assertThat(zap.isEmpty()).isTrue();
    }
}
