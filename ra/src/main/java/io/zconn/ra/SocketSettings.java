package io.zconn.ra;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.support.OptionParser;
import io.zconn.support.SecuritySettings;

import jakarta.resource.spi.InvalidPropertyException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How to open one engine socket: type, endpoints, bind or connect, options. Made from the
 * configuration properties of a managed connection factory or an activation spec, and used as the
 * key of shared bound sockets.
 *
 * @param type             socket type
 * @param endpoints        endpoints, in order
 * @param bind             bind (true) or connect (false)
 * @param sendHwm          SNDHWM
 * @param receiveHwm       RCVHWM
 * @param linger           LINGER ms
 * @param reconnectIvl     RECONNECT_IVL ms
 * @param reconnectIvlMax  RECONNECT_IVL_MAX ms
 * @param subscriptions    SUB prefixes (none: everything, as with the empty prefix)
 * @param maxMessageSize   MAXMSGSIZE in bytes, -1 = unlimited
 * @param options          further options in canonical {@code NAME=value,...} form (see {@link OptionParser}),
 *                         set after all the others but security
 * @param security         PLAIN/CURVE/ZAP settings ({@link SecuritySettings}), set last; never shown by
 *                         {@link #toString()} beyond mechanism, role, public keys and domain
 */
public record SocketSettings(SocketType type, List<String> endpoints, boolean bind, int sendHwm, int receiveHwm,
                             int linger, int reconnectIvl, int reconnectIvlMax, List<String> subscriptions,
                             long maxMessageSize, String options, SecuritySettings security) {

    /** Canonical constructor: checks the settings and copies the lists. */
    public SocketSettings {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoints configured for the " + type + " socket");
        }
        endpoints = List.copyOf(endpoints);
        subscriptions = List.copyOf(subscriptions);
        options = options == null ? "" : options;
        security = security == null ? SecuritySettings.NONE : security;
        OptionParser.parse("options", options);
    }

    /**
     * Parses a socket type among the allowed ones.
     *
     * @param name    the configured name
     * @param allowed the types this role supports
     * @return the type
     * @throws IllegalArgumentException naming the allowed types
     */
    public static SocketType parseType(String name, Set<SocketType> allowed) {
        SocketType t;
        try {
            t = SocketType.parse(name);
        } catch (ZmqException e) {
            t = null;
        }
        if (t == null || !allowed.contains(t)) {
            throw new IllegalArgumentException("socket type '" + name + "' is not one of " + sorted(allowed));
        }
        return t;
    }

    private static String sorted(Set<SocketType> types) {
        SocketType[] a = types.toArray(new SocketType[0]);
        Arrays.sort(a);
        return Arrays.toString(a);
    }

    /**
     * Opens the socket: sets the options, subscribes, then binds or connects every endpoint.
     * On failure the socket is closed again.
     *
     * @param context the engine context
     * @param typeOverride the engine socket type to create (e.g. ROUTER for a REP activation), or null for {@link #type()}
     * @return the open socket
     * @throws ZmqException when an endpoint cannot be bound or parsed
     */
    public Socket open(Context context, SocketType typeOverride) {
        return open(context, typeOverride, socket -> { });
    }

    /**
     * Opens the socket as {@link #open(Context, SocketType)} does, calling {@code beforeEndpoints} once its
     * options are set and before any endpoint is bound or connected: a monitor attached there sees the
     * socket's first connection (attached after {@code connect}, it could miss a CONNECTED event the I/O
     * thread raised in between).
     *
     * @param context the engine context
     * @param typeOverride the engine socket type to create, or null for {@link #type()}
     * @param beforeEndpoints called with the socket before its endpoints (e.g. to attach statistics)
     * @return the open socket
     * @throws ZmqException when an endpoint cannot be bound or parsed
     */
    public Socket open(Context context, SocketType typeOverride, Consumer<Socket> beforeEndpoints) {
        Socket s = context.socket(typeOverride != null ? typeOverride : type);
        try {
            s.setOption(ZmqOption.SNDHWM, sendHwm);
            s.setOption(ZmqOption.RCVHWM, receiveHwm);
            s.setOption(ZmqOption.LINGER, linger);
            s.setOption(ZmqOption.RECONNECT_IVL, reconnectIvl);
            s.setOption(ZmqOption.RECONNECT_IVL_MAX, reconnectIvlMax);
            s.setOption(ZmqOption.MAXMSGSIZE, maxMessageSize);
            for (Map.Entry<ZmqOption<?>, Object> e : OptionParser.parse("options", options).entrySet()) {
                set(s, e.getKey(), e.getValue());
            }
            for (Map.Entry<ZmqOption<?>, Object> e : security.options().entrySet()) {
                set(s, e.getKey(), e.getValue());
            }
            if (s.type() == SocketType.SUB) {
                if (subscriptions.isEmpty()) {
                    s.subscribe("");
                }
                for (String prefix : subscriptions) {
                    s.subscribe(prefix);
                }
            }
            beforeEndpoints.accept(s);
            for (String ep : endpoints) {
                if (bind) {
                    s.bind(ep);
                } else {
                    s.connect(ep);
                }
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Reads the security properties, named as the adapter's configuration properties are.
     *
     * @param values the configured values (blank: not set)
     * @return the settings
     * @throws InvalidPropertyException naming the property (never showing a secret)
     */
    public static SecuritySettings security(Map<SecuritySettings.Key, Object> values) throws InvalidPropertyException {
        try {
            return SecuritySettings.parse(values, SecuritySettings.Key::property);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(Socket s, ZmqOption<T> option, Object value) {
        s.setOption(option, (T) value);
    }

    @Override
    public String toString() {
        return type + (bind ? " bound to " : " connected to ") + String.join(",", endpoints)
                + (security.equals(SecuritySettings.NONE) ? "" : " (" + security + ")");
    }
}
