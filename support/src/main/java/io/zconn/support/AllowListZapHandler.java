package io.zconn.support;

import io.zconn.engine.CurveCertificate;
import io.zconn.engine.Z85;
import io.zconn.engine.ZapHandler;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * A {@link ZapHandler} that accepts the peers on its lists and refuses every other: CURVE clients by
 * their long-term public key (given as Z85 text, or as the public certificate files in a directory,
 * as pyzmq's {@code configure_curve(location=...)} reads them: every {@code *.key} file), PLAIN
 * clients by username and password (a properties file, {@code username=password} per line). NULL
 * connections, having no credentials, are refused. The User-Id of an accepted connection is the
 * PLAIN username, or the CURVE client's public key in Z85 (as pyzmq's authenticator gives it).
 *
 * <p>The lists are read once, when the handler is made: files changed later take effect when the
 * handler is made again (the socket or activation restarted). Passwords are compared in constant
 * time and never logged; a refusal's reason names the user or key, never the password.
 */
public final class AllowListZapHandler implements ZapHandler {
    /** Larger certificate or user files are refused: a certificate is a few hundred bytes. */
    static final long MAX_FILE_BYTES = 1 << 20;
    /** A keys directory with more files than this is refused rather than read. */
    static final int MAX_CERTIFICATES = 100_000;

    private final Set<String> curveKeys;
    private final Map<String, byte[]> users;

    private AllowListZapHandler(Set<String> curveKeys, Map<String, byte[]> users) {
        this.curveKeys = Set.copyOf(curveKeys);
        this.users = Map.copyOf(users);
    }

    /**
     * @param config what to allow
     * @return the handler, with its lists read
     * @throws IllegalArgumentException naming the property and file that is wrong (never a password)
     */
    public static AllowListZapHandler of(Config config) {
        Set<String> keys = new HashSet<>();
        for (String k : config.curveKeys()) {
            try {
                keys.add(Z85.encode(Z85.decodeKey(k)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(config.curveKeysProperty() + ": '" + k
                        + "' is not a CURVE public key (40 Z85 characters)", e);
            }
        }
        if (config.curveKeysDirectory() != null) {
            keys.addAll(readDirectory(config.curveKeysDirectory(), config.curveKeysDirectoryProperty()));
        }
        Map<String, byte[]> users = new HashMap<>();
        if (config.plainUsersFile() != null) {
            users.putAll(readUsers(config.plainUsersFile(), config.plainUsersFileProperty()));
        }
        return new AllowListZapHandler(keys, users);
    }

    @Override
    public Reply authenticate(Request request) {
        switch (request.mechanism()) {
            case "CURVE" -> {
                String key = Z85.encode(request.curvePublicKey());
                return curveKeys.contains(key) ? Reply.accept(key) : Reply.deny("CURVE key " + key + " is not allowed");
            }
            case "PLAIN" -> {
                byte[] expected = users.get(request.username());
                byte[] given = request.password().getBytes(StandardCharsets.UTF_8);
                boolean ok = MessageDigest.isEqual(expected == null ? new byte[0] : expected, given) && expected != null;
                return ok ? Reply.accept(request.username())
                        : Reply.deny("PLAIN user '" + request.username() + "' unknown or wrong password");
            }
            default -> {
                return Reply.deny(request.mechanism() + " connections have no credentials to check");
            }
        }
    }

    /** @return how many CURVE keys are allowed */
    public int curveKeyCount() {
        return curveKeys.size();
    }

    /** @return how many PLAIN users are known */
    public int userCount() {
        return users.size();
    }

    @Override
    public String toString() {
        return "allow-list [" + curveKeys.size() + " CURVE keys, " + users.size() + " PLAIN users]";
    }

    private static Set<String> readDirectory(Path dir, String property) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(property + ": " + dir + " is not a directory");
        }
        Set<String> keys = new HashSet<>();
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.key")) {
            for (Path f : files) {
                if (++n > MAX_CERTIFICATES) {
                    throw new IllegalArgumentException(property + ": " + dir + " holds more than " + MAX_CERTIFICATES
                            + " certificates");
                }
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                if (Files.size(f) > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException(property + ": " + f + " is larger than a certificate ("
                            + MAX_FILE_BYTES + " bytes at most)");
                }
                try {
                    keys.add(Z85.encode(CurveCertificate.load(f).publicKey()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + dir + " (" + e + ")", e);
        }
        return keys;
    }

    private static Map<String, byte[]> readUsers(Path file, String property) {
        Properties p = new Properties();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + file + " (" + e + ")", e);
        }
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(property + ": " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load's messages may quote the malformed line, which may hold a password
            throw new IllegalArgumentException(property + ": cannot read " + file + " as username=password lines ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        Map<String, byte[]> users = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            users.put(name, p.getProperty(name).getBytes(StandardCharsets.UTF_8));
        }
        return users;
    }

    /**
     * What an allow-list holds; equal configurations make equal handlers (so that two sockets of one
     * ZAP domain may share one).
     *
     * @param curveKeys                   CURVE client public keys, Z85
     * @param curveKeysDirectory          a directory of public certificate files ({@code *.key}), or null
     * @param plainUsersFile              a properties file of {@code username=password}, or null
     * @param curveKeysProperty           the property naming the keys, for messages
     * @param curveKeysDirectoryProperty  the property naming the directory, for messages
     * @param plainUsersFileProperty      the property naming the users file, for messages
     */
    public record Config(List<String> curveKeys, Path curveKeysDirectory, Path plainUsersFile, String curveKeysProperty,
                         String curveKeysDirectoryProperty, String plainUsersFileProperty) {
        /** Canonical constructor: copies the list. */
        public Config {
            curveKeys = List.copyOf(curveKeys);
            Objects.requireNonNull(curveKeysProperty, "curveKeysProperty");
            Objects.requireNonNull(curveKeysDirectoryProperty, "curveKeysDirectoryProperty");
            Objects.requireNonNull(plainUsersFileProperty, "plainUsersFileProperty");
        }

        /**
         * @param curveKeys          Z85 keys, comma-separated or a list ({@link Lists#split}); may be empty
         * @param curveKeysDirectory a directory path, or null/blank
         * @param plainUsersFile     a file path, or null/blank
         * @param properties         the names of those three properties, for messages
         * @return the configuration, or null when none of the three is given (no allow-list)
         */
        public static Config of(Object curveKeys, Object curveKeysDirectory, Object plainUsersFile,
                                List<String> properties) {
            List<String> keys = Lists.split(curveKeys);
            Path dir = path(curveKeysDirectory);
            Path users = path(plainUsersFile);
            if (keys.isEmpty() && dir == null && users == null) {
                return null;
            }
            return new Config(keys, dir, users, properties.get(0), properties.get(1), properties.get(2));
        }

        private static Path path(Object o) {
            return o == null || o.toString().isBlank() ? null : Path.of(o.toString().strip());
        }

        /** @return what the allow-list is made of, for logs: key count and paths (no password) */
        public String describe() {
            return "allow-list (" + curveKeys.size() + " CURVE keys"
                    + (curveKeysDirectory == null ? "" : ", certificates in " + curveKeysDirectory)
                    + (plainUsersFile == null ? "" : ", PLAIN users in " + plainUsersFile) + ")";
        }

        /** @return the handler this configuration describes */
        public AllowListZapHandler handler() {
            return AllowListZapHandler.of(this);
        }
    }

    /** @return the allowed keys, for tests */
    Collection<String> keys() {
        return curveKeys;
    }
}
