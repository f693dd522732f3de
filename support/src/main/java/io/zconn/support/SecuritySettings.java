package io.zconn.support;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.Z85;
import io.zconn.engine.ZmqOption;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A socket's security configuration (PLAIN, CURVE, ZAP domain) read from configuration text and
 * turned into socket options, the same way for the resource adapter and the OSGi bundle. CURVE keys
 * are given as 40-character Z85 text, or the socket's key pair as a CZMQ/pyzmq secret certificate
 * file ({@link CurveCertificate}); a public key left out is derived from the secret key.
 *
 * <p>Secrets (the PLAIN password, the CURVE secret key) never appear in {@link #toString()} nor in
 * an error message: errors name the property and what is wrong, never the value.
 */
public final class SecuritySettings {
    /** No security settings: NULL security, no ZAP domain. */
    public static final SecuritySettings NONE = new SecuritySettings(Map.of(), "NULL", false);

    private final Map<ZmqOption<?>, Object> options;
    private final String mechanism;
    private final boolean server;

    /** A configuration property, with its name in the resource adapter and in OSGi configurations. */
    public enum Key {
        /** Makes the socket a PLAIN server (boolean). */
        PLAIN_SERVER("plainServer", "plain.server"),
        /** The PLAIN client's username. */
        PLAIN_USERNAME("plainUsername", "plain.username"),
        /** The PLAIN client's password (secret). */
        PLAIN_PASSWORD("plainPassword", "plain.password"),
        /** Makes the socket a CURVE server (boolean). */
        CURVE_SERVER("curveServer", "curve.server"),
        /** The socket's CURVE public key (Z85). */
        CURVE_PUBLIC_KEY("curvePublicKey", "curve.publickey"),
        /** The socket's CURVE secret key (Z85, secret). */
        CURVE_SECRET_KEY("curveSecretKey", "curve.secretkey"),
        /** A secret certificate file holding the socket's key pair. */
        CURVE_SECRET_KEY_FILE("curveSecretKeyFile", "curve.secretkey.file"),
        /** The CURVE server's public key (Z85): makes the socket a CURVE client. */
        CURVE_SERVER_KEY("curveServerKey", "curve.serverkey"),
        /** The ZAP domain. */
        ZAP_DOMAIN("zapDomain", "zap.domain"),
        /** Refuse NULL connections of a ZAP domain when no handler is there (boolean). */
        ZAP_ENFORCE_DOMAIN("zapEnforceDomain", "zap.enforce.domain");

        private final String property;
        private final String osgiKey;

        Key(String property, String osgiKey) {
            this.property = property;
            this.osgiKey = osgiKey;
        }

        /** @return the property name in the resource adapter, e.g. {@code curveSecretKey} */
        public String property() {
            return property;
        }

        /** @return the key in an OSGi configuration, e.g. {@code curve.secretkey} */
        public String osgiKey() {
            return osgiKey;
        }

        /** @return whether the value is a secret */
        public boolean isSecret() {
            return this == PLAIN_PASSWORD || this == CURVE_SECRET_KEY;
        }
    }

    private SecuritySettings(Map<ZmqOption<?>, Object> options, String mechanism, boolean server) {
        this.options = Collections.unmodifiableMap(options);
        this.mechanism = mechanism;
        this.server = server;
    }

    /**
     * Reads the settings.
     *
     * @param values the configured values by key; null, blank or absent values are not set
     * @param names  names each key as the caller's configuration does, for messages
     *               (e.g. {@link Key#property} or {@link Key#osgiKey})
     * @return the settings ({@link #NONE} when nothing is set)
     * @throws IllegalArgumentException naming the property and what is wrong (never a secret value)
     */
    public static SecuritySettings parse(Map<Key, ?> values, Function<Key, String> names) {
        Map<Key, String> v = new EnumMap<>(Key.class);
        values.forEach((k, val) -> {
            if (val != null && !val.toString().isBlank()) {
                v.put(k, val.toString().strip());
            }
        });
        if (v.isEmpty()) {
            return NONE;
        }
        boolean plainServer = bool(v, Key.PLAIN_SERVER, names);
        boolean curveServer = bool(v, Key.CURVE_SERVER, names);
        boolean enforce = bool(v, Key.ZAP_ENFORCE_DOMAIN, names);
        String username = v.get(Key.PLAIN_USERNAME);
        String password = v.get(Key.PLAIN_PASSWORD);
        byte[] serverKey = key(v, Key.CURVE_SERVER_KEY, names);
        byte[] publicKey = key(v, Key.CURVE_PUBLIC_KEY, names);
        byte[] secretKey = key(v, Key.CURVE_SECRET_KEY, names);
        if (v.containsKey(Key.CURVE_SECRET_KEY_FILE)) {
            if (secretKey != null) {
                throw new IllegalArgumentException(names.apply(Key.CURVE_SECRET_KEY_FILE) + " and "
                        + names.apply(Key.CURVE_SECRET_KEY) + " are both set: give the key pair one way");
            }
            CurveCertificate cert = certificate(v.get(Key.CURVE_SECRET_KEY_FILE), names.apply(Key.CURVE_SECRET_KEY_FILE));
            secretKey = cert.secretKey().orElseThrow(() -> new IllegalArgumentException(
                    names.apply(Key.CURVE_SECRET_KEY_FILE) + ": " + v.get(Key.CURVE_SECRET_KEY_FILE)
                    + " is a public certificate; the socket needs its secret certificate"));
            if (publicKey != null && !Arrays.equals(publicKey, cert.publicKey())) {
                throw new IllegalArgumentException(names.apply(Key.CURVE_PUBLIC_KEY) + " is not the public key of "
                        + names.apply(Key.CURVE_SECRET_KEY_FILE));
            }
            publicKey = cert.publicKey();
        }
        if (secretKey != null) {
            byte[] derived = Curve.publicKey(secretKey);
            if (publicKey != null && !Arrays.equals(publicKey, derived)) {
                throw new IllegalArgumentException(names.apply(Key.CURVE_PUBLIC_KEY) + " is not the public key of "
                        + names.apply(Key.CURVE_SECRET_KEY));
            }
            publicKey = derived;
        } else if (publicKey != null) {
            throw new IllegalArgumentException(names.apply(Key.CURVE_PUBLIC_KEY) + " is set without "
                    + names.apply(Key.CURVE_SECRET_KEY) + " or " + names.apply(Key.CURVE_SECRET_KEY_FILE));
        }
        boolean plainClient = username != null;
        boolean curveClient = serverKey != null;
        if (password != null && !plainClient) {
            throw new IllegalArgumentException(names.apply(Key.PLAIN_PASSWORD) + " is set without "
                    + names.apply(Key.PLAIN_USERNAME));
        }
        int roles = (plainServer ? 1 : 0) + (plainClient ? 1 : 0) + (curveServer ? 1 : 0) + (curveClient ? 1 : 0);
        if (roles > 1) {
            throw new IllegalArgumentException("choose one of " + names.apply(Key.PLAIN_SERVER) + ", "
                    + names.apply(Key.PLAIN_USERNAME) + ", " + names.apply(Key.CURVE_SERVER) + " and "
                    + names.apply(Key.CURVE_SERVER_KEY) + ": a socket has one security mechanism");
        }
        if ((curveServer || curveClient) && secretKey == null) {
            throw new IllegalArgumentException((curveServer ? names.apply(Key.CURVE_SERVER)
                    : names.apply(Key.CURVE_SERVER_KEY)) + " needs the socket's own key pair: set "
                    + names.apply(Key.CURVE_SECRET_KEY) + " or " + names.apply(Key.CURVE_SECRET_KEY_FILE));
        }
        if (secretKey != null && !curveServer && !curveClient) {
            throw new IllegalArgumentException(names.apply(Key.CURVE_SECRET_KEY) + " is set but the socket is neither"
                    + " a CURVE server (" + names.apply(Key.CURVE_SERVER) + ") nor a client ("
                    + names.apply(Key.CURVE_SERVER_KEY) + ")");
        }
        Map<ZmqOption<?>, Object> o = new LinkedHashMap<>();
        String domain = v.get(Key.ZAP_DOMAIN);
        if (domain != null) {
            put(o, ZmqOption.ZAP_DOMAIN, domain, names.apply(Key.ZAP_DOMAIN));
        }
        if (enforce) {
            o.put(ZmqOption.ZAP_ENFORCE_DOMAIN, true);
        }
        String mechanism = "NULL";
        if (plainClient) {
            put(o, ZmqOption.PLAIN_USERNAME, username, names.apply(Key.PLAIN_USERNAME));
            put(o, ZmqOption.PLAIN_PASSWORD, password == null ? "" : password, names.apply(Key.PLAIN_PASSWORD));
            mechanism = "PLAIN";
        } else if (plainServer) {
            o.put(ZmqOption.PLAIN_SERVER, true);
            mechanism = "PLAIN";
        } else if (secretKey != null) {
            o.put(ZmqOption.CURVE_PUBLICKEY, publicKey);
            o.put(ZmqOption.CURVE_SECRETKEY, secretKey);
            if (curveClient) {
                o.put(ZmqOption.CURVE_SERVERKEY, serverKey);
            } else {
                o.put(ZmqOption.CURVE_SERVER, true);
            }
            mechanism = "CURVE";
        }
        return new SecuritySettings(o, mechanism, plainServer || curveServer);
    }

    /**
     * Reads the settings from properties named as in the resource adapter ({@link Key#property}) or in
     * an OSGi configuration ({@link Key#osgiKey}).
     *
     * @param props the properties (other keys are ignored)
     * @param osgi  true for OSGi keys
     * @return the settings
     * @throws IllegalArgumentException as {@link #parse(Map, Function)}
     */
    public static SecuritySettings fromProperties(Map<String, ?> props, boolean osgi) {
        Function<Key, String> names = osgi ? Key::osgiKey : Key::property;
        Map<Key, Object> values = new EnumMap<>(Key.class);
        for (Key k : Key.values()) {
            Object val = props.get(names.apply(k));
            if (val != null) {
                values.put(k, val);
            }
        }
        return parse(values, names);
    }

    /** @return the options to set on the socket, in order (the mechanism-selecting option last) */
    public Map<ZmqOption<?>, Object> options() {
        return options;
    }

    /** @return {@code NULL}, {@code PLAIN} or {@code CURVE} */
    public String mechanism() {
        return mechanism;
    }

    /** @return whether the socket is a PLAIN or CURVE server (asks the ZAP handler about its peers) */
    public boolean isServer() {
        return server;
    }

    /** @return the ZAP domain, if one is set */
    public Optional<String> zapDomain() {
        return Optional.ofNullable((String) options.get(ZmqOption.ZAP_DOMAIN));
    }

    /** @return the socket's CURVE public key in Z85, if it has one */
    public Optional<String> curvePublicKey() {
        return Optional.ofNullable((byte[]) options.get(ZmqOption.CURVE_PUBLICKEY)).map(Z85::encode);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SecuritySettings s) || !options.keySet().equals(s.options.keySet())) {
            return false;
        }
        for (Map.Entry<ZmqOption<?>, Object> e : options.entrySet()) {
            Object x = e.getValue();
            Object y = s.options.get(e.getKey());
            boolean same = (x instanceof byte[] bx && y instanceof byte[] by) ? Arrays.equals(bx, by) : Objects.equals(x, y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, server, options.get(ZmqOption.ZAP_DOMAIN));
    }

    /** Shows the mechanism, the role, the public keys, the username and the domain; never a secret. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(mechanism.toLowerCase(Locale.ROOT).equals("null") ? "NULL" : mechanism);
        b.append(server ? " server" : mechanism.equals("NULL") ? "" : " client");
        curvePublicKey().ifPresent(k -> b.append(" public-key=").append(k));
        Optional.ofNullable((byte[]) options.get(ZmqOption.CURVE_SERVERKEY))
                .ifPresent(k -> b.append(" server-key=").append(Z85.encode(k)));
        Optional.ofNullable(options.get(ZmqOption.PLAIN_USERNAME)).ifPresent(u -> b.append(" username=").append(u));
        zapDomain().ifPresent(d -> b.append(" zap-domain=").append(d));
        return b.toString();
    }

    private static boolean bool(Map<Key, String> v, Key k, Function<Key, String> names) {
        String t = v.get(k);
        if (t == null) {
            return false;
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException(names.apply(k) + ": '" + t + "' is not true or false");
        };
    }

    private static byte[] key(Map<Key, String> v, Key k, Function<Key, String> names) {
        String t = v.get(k);
        if (t == null) {
            return null;
        }
        if (t.length() != 40) {
            throw new IllegalArgumentException(names.apply(k) + ": a CURVE key is 40 Z85 characters, this value has "
                    + t.length());
        }
        try {
            return Z85.decodeKey(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(names.apply(k) + ": not a Z85 CURVE key (characters outside Z85)");
        }
    }

    private static CurveCertificate certificate(String file, String property) {
        try {
            return CurveCertificate.load(Path.of(file));
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + file + " (" + e.getCause() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }

    private static void put(Map<ZmqOption<?>, Object> o, ZmqOption<String> option, String value, String property) {
        if (value.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException(property + ": at most 255 UTF-8 bytes");
        }
        o.put(option, value);
    }
}
