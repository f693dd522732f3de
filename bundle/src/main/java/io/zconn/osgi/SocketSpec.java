package io.zconn.osgi;

import io.zconn.engine.Errno;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.support.Lists;
import io.zconn.support.OptionParser;
import io.zconn.support.SecuritySettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a managed socket should be: name, type, endpoints, subscriptions and options. Immutable;
 * made with {@link #builder(String, SocketType)} in code or {@link #fromProperties(Map)} from a
 * configuration.
 *
 * <p>Configuration keys (see {@link ZconnConstants}): {@code zconn.name}, {@code zconn.type},
 * {@code zconn.bind}, {@code zconn.connect}, {@code zconn.subscribe}, {@code zconn.options}
 * ({@code NAME=value} entries), and any libzmq option by its lower-case name with dots for
 * underscores, e.g. {@code sndhwm}, {@code linger}, {@code reconnect.ivl}, {@code routing.id}.
 * Security keys are read together, as the resource adapter reads its properties: {@code plain.server},
 * {@code plain.username}, {@code plain.password}, {@code curve.server}, {@code curve.publickey}
 * (optional: derived from the secret key), {@code curve.secretkey} or {@code curve.secretkey.file}
 * (a CZMQ/pyzmq secret certificate), {@code curve.serverkey}, {@code zap.domain},
 * {@code zap.enforce.domain}; CURVE keys as 40 Z85 characters. Errors name the key, never a secret.
 */
public final class SocketSpec {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Set<String> SECURITY_KEYS = Arrays.stream(SecuritySettings.Key.values())
            .map(SecuritySettings.Key::osgiKey).collect(Collectors.toUnmodifiableSet());

    private final String name;
    private final SocketType type;
    private final List<String> bind;
    private final List<String> connect;
    private final List<String> subscribe;
    private final Map<ZmqOption<?>, Object> options;

    private SocketSpec(Builder b) {
        this.name = b.name;
        this.type = b.type;
        this.bind = List.copyOf(b.bind);
        this.connect = List.copyOf(b.connect);
        this.subscribe = List.copyOf(b.subscribe);
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    }

    /**
     * @param name a unique name: letters, digits, {@code . _ : -}, at most 128 characters
     * @param type the socket type
     * @return a builder
     * @throws IllegalArgumentException for a bad name
     */
    public static Builder builder(String name, SocketType type) {
        return new Builder(name, type);
    }

    /**
     * Reads a spec from configuration properties (a factory configuration of
     * {@link ZconnConstants#SOCKET_FACTORY_PID}, or a map built in code). Keys it does not know are
     * ignored, so the framework's own ({@code service.pid}...) may be passed along.
     *
     * @param props the properties
     * @return the spec
     * @throws IllegalArgumentException naming the property and value when something is missing or wrong
     */
    public static SocketSpec fromProperties(Map<String, ?> props) {
        Object name = props.get(ZconnConstants.NAME);
        if (name == null || name.toString().isBlank()) {
            throw new IllegalArgumentException("missing " + ZconnConstants.NAME);
        }
        Object typeName = props.get(ZconnConstants.TYPE);
        if (typeName == null || typeName.toString().isBlank()) {
            throw new IllegalArgumentException("missing " + ZconnConstants.TYPE + " for socket '" + name + "'");
        }
        SocketType type;
        try {
            type = SocketType.parse(typeName.toString());
        } catch (ZmqException e) {
            throw new IllegalArgumentException("unknown " + ZconnConstants.TYPE + " '" + typeName + "' for socket '"
                    + name + "' (expected one of " + List.of(SocketType.values()) + ")");
        }
        Builder b = builder(name.toString().trim(), type);
        b.bind(Lists.split(props.get(ZconnConstants.BIND)).toArray(String[]::new));
        b.connect(Lists.split(props.get(ZconnConstants.CONNECT)).toArray(String[]::new));
        for (String s : Lists.splitKeepingEmpty(props.get(ZconnConstants.SUBSCRIBE))) {
            b.subscribe(s);
        }
        String where = " of socket '" + b.name + "'";
        for (Map.Entry<String, ?> e : props.entrySet()) {
            ZmqOption<?> option = optionForKey(e.getKey());
            if (option != null && e.getValue() != null && !e.getValue().toString().isEmpty()) {
                b.put(option, OptionParser.value(e.getKey() + where, option, e.getValue().toString()));
            }
        }
        for (Map.Entry<ZmqOption<?>, Object> e
                : OptionParser.parse(ZconnConstants.OPTIONS + where, props.get(ZconnConstants.OPTIONS)).entrySet()) {
            b.put(e.getKey(), e.getValue());
        }
        SecuritySettings security;
        try {
            security = SecuritySettings.fromProperties(props, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("socket '" + b.name + "': " + e.getMessage(), e);
        }
        for (Map.Entry<ZmqOption<?>, Object> e : security.options().entrySet()) {
            b.put(e.getKey(), e.getValue());
        }
        return b.build();
    }

    /** Maps a configuration key such as {@code reconnect.ivl} to its option, or null when it names none. */
    private static ZmqOption<?> optionForKey(String key) {
        if (SECURITY_KEYS.contains(key) || key.startsWith("zconn.") || key.startsWith("service.") || key.startsWith("component.")
                || key.startsWith("felix.")) {
            return null;
        }
        return OptionParser.forKey(key);
    }

    private static boolean settable(ZmqOption<?> o) {
        return o.access() == ZmqOption.Access.READ_WRITE;
    }

    /** @return the unique name */
    public String name() {
        return name;
    }

    /** @return the socket type */
    public SocketType type() {
        return type;
    }

    /** @return endpoints to bind, in order */
    public List<String> bind() {
        return bind;
    }

    /** @return endpoints to connect, in order */
    public List<String> connect() {
        return connect;
    }

    /** @return subscription prefixes (UTF-8), for SUB and XSUB */
    public List<String> subscribe() {
        return subscribe;
    }

    /** @return the options to set, validated, in the order given */
    public Map<ZmqOption<?>, Object> options() {
        return options;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SocketSpec s)) {
            return false;
        }
        return name.equals(s.name) && type == s.type && bind.equals(s.bind) && connect.equals(s.connect)
                && subscribe.equals(s.subscribe) && sameOptions(options, s.options);
    }

    private static boolean sameOptions(Map<ZmqOption<?>, Object> a, Map<ZmqOption<?>, Object> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<ZmqOption<?>, Object> e : a.entrySet()) {
            Object x = e.getValue();
            Object y = b.get(e.getKey());
            if (x instanceof byte[] bx && y instanceof byte[] by) {
                if (!java.util.Arrays.equals(bx, by)) {
                    return false;
                }
            } else if (!Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, bind, connect, subscribe);
    }

    @Override
    public String toString() {
        return "SocketSpec[" + name + " " + type + " bind=" + bind + " connect=" + connect
                + (subscribe.isEmpty() ? "" : " subscribe=" + subscribe) + " options=" + options.keySet() + "]";
    }

    /** Builds a {@link SocketSpec}. */
    public static final class Builder {
        private final String name;
        private final SocketType type;
        private final List<String> bind = new ArrayList<>();
        private final List<String> connect = new ArrayList<>();
        private final List<String> subscribe = new ArrayList<>();
        private final Map<ZmqOption<?>, Object> options = new LinkedHashMap<>();

        private Builder(String name, SocketType type) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("bad socket name '" + name
                        + "': use letters, digits and . _ : - (at most 128 characters)");
            }
            this.name = name;
            this.type = Objects.requireNonNull(type, "type");
        }

        /**
         * @param endpoints endpoints to bind, e.g. {@code tcp://*:5555}
         * @return this builder
         */
        public Builder bind(String... endpoints) {
            add(bind, endpoints);
            return this;
        }

        /**
         * @param endpoints endpoints to connect, e.g. {@code tcp://localhost:5555}
         * @return this builder
         */
        public Builder connect(String... endpoints) {
            add(connect, endpoints);
            return this;
        }

        /**
         * @param prefix a subscription prefix (SUB, XSUB); the empty string subscribes to everything
         * @return this builder
         */
        public Builder subscribe(String prefix) {
            subscribe.add(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        /**
         * @param option a settable option
         * @param value  its value
         * @param <T>    the value type
         * @return this builder
         * @throws ZmqException (EINVAL) for a bad value or an option that cannot be set
         */
        public <T> Builder option(ZmqOption<T> option, T value) {
            if (!settable(option)) {
                throw new ZmqException(Errno.EINVAL, "option " + option.name() + " cannot be configured"
                        + (option == ZmqOption.SUBSCRIBE ? " (use subscribe)" : ""));
            }
            options.put(option, option.validate(value));
            return this;
        }

        /**
         * @param name  an option's libzmq name, e.g. {@code SNDHWM} or {@code zmq_linger}
         * @param value its textual value
         * @return this builder
         * @throws IllegalArgumentException naming the socket, option and value when either is wrong
         */
        public Builder option(String name, String value) {
            String where = "option " + name + " of socket '" + this.name + "'";
            ZmqOption<?> o = OptionParser.option(where, name);
            put(o, OptionParser.value(where, o, value));
            return this;
        }

        @SuppressWarnings("unchecked")
        private <T> void put(ZmqOption<T> o, Object value) {
            option(o, (T) value);
        }

        private static void add(List<String> to, String... endpoints) {
            for (String e : endpoints) {
                if (e != null && !e.isBlank()) {
                    to.add(e.trim());
                }
            }
        }

        /** @return the spec */
        public SocketSpec build() {
            return new SocketSpec(this);
        }
    }
}
