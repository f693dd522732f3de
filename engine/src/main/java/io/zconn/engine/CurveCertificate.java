package io.zconn.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CURVE certificate file as CZMQ ({@code zcert}) and pyzmq ({@code zmq.auth.create_certificates})
 * write them: a ZPL text with a {@code metadata} section and a {@code curve} section holding the
 * Z85 {@code public-key} and, in the secret file only, the {@code secret-key}. Files written here read
 * in both tools, and theirs read here.
 *
 * <p>{@link #toString()} never shows the secret key; parse errors name the line, never its value.
 */
public final class CurveCertificate {
    private final byte[] publicKey;
    private final byte[] secretKey;
    private final Map<String, String> metadata;

    private CurveCertificate(byte[] publicKey, byte[] secretKey, Map<String, String> metadata) {
        this.publicKey = publicKey;
        this.secretKey = secretKey;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Reads a public or secret certificate file.
     *
     * @throws IllegalArgumentException if the file is not a certificate (no valid {@code public-key},
     *         a malformed line or key)
     * @throws UncheckedIOException if the file cannot be read
     */
    public static CurveCertificate load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CURVE certificate " + file, e);
        }
        return parse(lines, file.toString());
    }

    static CurveCertificate parse(List<String> lines, String source) {
        Map<String, String> metadata = new LinkedHashMap<>();
        String section = null;
        String publicZ85 = null;
        String secretZ85 = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String where = source + ": line " + (n + 1);
            if (!Character.isWhitespace(line.charAt(0))) {
                section = trimmed;
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0 || section == null) {
                throw new IllegalArgumentException(where + " is not 'name = value' inside a section");
            }
            String name = trimmed.substring(0, eq).strip();
            String value = unquote(trimmed.substring(eq + 1).strip(), where);
            if ("metadata".equals(section)) {
                metadata.put(name, value);
            } else if ("curve".equals(section) && "public-key".equals(name)) {
                publicZ85 = value;
            } else if ("curve".equals(section) && "secret-key".equals(name)) {
                secretZ85 = value;
            }
        }
        if (publicZ85 == null) {
            throw new IllegalArgumentException(source + " has no curve/public-key: not a CURVE certificate");
        }
        return new CurveCertificate(key(publicZ85, source, "public-key"),
                secretZ85 == null ? null : key(secretZ85, source, "secret-key"), metadata);
    }

    /**
     * Writes a key pair as two files, the way {@code zmq.auth.create_certificates} does: the public
     * certificate (to hand out) and the secret one (public and secret key; readable by its owner only
     * where the file system has POSIX permissions).
     *
     * @param metadata name/value pairs for the {@code metadata} section (no quotes or line breaks)
     * @throws IllegalArgumentException if a metadata name or value cannot be written in ZPL
     * @throws UncheckedIOException if a file cannot be written
     */
    public static void save(CurveKeyPair keys, Map<String, String> metadata, Path publicFile, Path secretFile) {
        metadata.forEach((name, value) -> {
            if (!name.matches("[A-Za-z0-9$\\-_@.&+/]+") || value.matches("(?s).*[\"\\r\\n].*")) {
                throw new IllegalArgumentException("metadata '" + name
                        + "' cannot be written in a certificate (names: letters, digits and $-_@.&+/;"
                        + " values: no quotes or line breaks)");
            }
        });
        write(publicFile, text("public", keys, metadata, false), false);
        write(secretFile, text("secret", keys, metadata, true), true);
    }

    /** The certificate's public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The secret key (a copy), if this is a secret certificate. */
    public Optional<byte[]> secretKey() {
        return Optional.ofNullable(secretKey).map(byte[]::clone);
    }

    /**
     * The key pair of a secret certificate.
     *
     * @throws IllegalStateException if this is a public certificate
     */
    public CurveKeyPair keyPair() {
        if (secretKey == null) {
            throw new IllegalStateException("a public certificate has no secret key");
        }
        return CurveKeyPair.of(publicKey, secretKey);
    }

    /** The {@code metadata} section, in file order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return "CurveCertificate[public=" + Z85.encode(publicKey) + (secretKey == null ? "" : ", with secret key")
                + ", metadata=" + metadata + "]";
    }

    private static String text(String kind, CurveKeyPair keys, Map<String, String> metadata, boolean secret) {
        StringBuilder text = new StringBuilder()
                .append("#   CURVE ").append(kind).append(" certificate, written by zconn on ")
                .append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n')
                .append(secret ? "#   Holds the secret key: keep this file to yourself.\n"
                        : "#   Public: give it to the peers that must recognise this key.\n")
                .append('\n')
                .append("metadata\n");
        metadata.forEach((name, value) -> text.append("    ").append(name).append(" = \"").append(value)
                .append("\"\n"));
        text.append("curve\n")
                .append("    public-key = \"").append(keys.publicKeyZ85()).append("\"\n");
        if (secret) {
            text.append("    secret-key = \"").append(keys.secretKeyZ85()).append("\"\n");
        }
        return text.toString();
    }

    private static void write(Path file, String text, boolean secret) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the CURVE certificate " + file, e);
        }
    }

    private static String unquote(String value, String where) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
            if (value.charAt(value.length() - 1) != value.charAt(0)) {
                throw new IllegalArgumentException(where + " has an unterminated quoted value");
            }
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static byte[] key(String z85, String source, String name) {
        try {
            return Z85.decodeKey(z85);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": curve/" + name + " is not a Z85 CURVE key: "
                    + e.getMessage(), e);
        }
    }
}
