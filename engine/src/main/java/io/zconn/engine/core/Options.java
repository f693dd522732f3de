package io.zconn.engine.core;

import io.zconn.engine.ZmqOption;

/**
 * A socket's option values, indexed by {@link ZmqOption#index()}. Only the owning socket writes it,
 * under its lock; transports read a snapshot when they create a connection.
 */
public final class Options {
    private final Object[] values;

    /** Creates a table with every option at its default. */
    public Options() {
        var all = ZmqOption.values();
        values = new Object[all.size()];
        for (ZmqOption<?> o : all) {
            values[o.index()] = o.defaultValue();
        }
    }

    private Options(Object[] values) {
        this.values = values.clone();
    }

    /**
     * @param option the option
     * @param <T>    its type
     * @return its value
     */
    public <T> T get(ZmqOption<T> option) {
        return option.type().cast(values[option.index()]);
    }

    /**
     * Stores an already validated value.
     *
     * @param option the option
     * @param value  the value
     * @param <T>    its type
     */
    public <T> void put(ZmqOption<T> option, T value) {
        values[option.index()] = curveKey(option, value);
        // as libzmq: the option set last selects the mechanism and this side's role in it
        if (option == ZmqOption.CURVE_SERVER) {
            values[ZmqOption.MECHANISM.index()] = (Boolean) value ? "CURVE" : "NULL";
        } else if (option == ZmqOption.CURVE_SERVERKEY) {
            values[ZmqOption.CURVE_SERVER.index()] = false;
            values[ZmqOption.MECHANISM.index()] = "CURVE";
        } else if (option == ZmqOption.CURVE_PUBLICKEY || option == ZmqOption.CURVE_SECRETKEY) {
            values[ZmqOption.MECHANISM.index()] = "CURVE";
        } else if (option == ZmqOption.PLAIN_SERVER) {
            values[ZmqOption.MECHANISM.index()] = (Boolean) value ? "PLAIN" : "NULL";
        } else if (option == ZmqOption.PLAIN_USERNAME || option == ZmqOption.PLAIN_PASSWORD) {
            values[ZmqOption.PLAIN_SERVER.index()] = false;
            values[ZmqOption.MECHANISM.index()] = ((String) value).isEmpty() ? "NULL" : "PLAIN";
        }
    }

    /** @return the security mechanism selected (MECHANISM) */
    public String mechanism() {
        return get(ZmqOption.MECHANISM);
    }

    /** @return whether this side is its mechanism's server (PLAIN_SERVER for PLAIN, CURVE_SERVER for CURVE; NULL has none) */
    public boolean asServer() {
        return switch (mechanism()) {
            case "PLAIN" -> get(ZmqOption.PLAIN_SERVER);
            case "CURVE" -> get(ZmqOption.CURVE_SERVER);
            default -> false;
        };
    }

    /** A CURVE key given as 40 Z85 characters is kept as its 32 bytes; anything else as given. */
    private static Object curveKey(ZmqOption<?> option, Object value) {
        if ((option == ZmqOption.CURVE_PUBLICKEY || option == ZmqOption.CURVE_SECRETKEY
                || option == ZmqOption.CURVE_SERVERKEY) && value instanceof byte[] key && key.length == 40) {
            return io.zconn.engine.Z85.decode(new String(key, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return value;
    }

    /** @return an independent copy, for a connection to keep */
    public Options snapshot() {
        return new Options(values);
    }

    /** @return SNDHWM */
    public int sndHwm() {
        return get(ZmqOption.SNDHWM);
    }

    /** @return RCVHWM */
    public int rcvHwm() {
        return get(ZmqOption.RCVHWM);
    }

    /** @return LINGER in ms */
    public int linger() {
        return get(ZmqOption.LINGER);
    }

    /** @return ROUTING_ID */
    public byte[] routingId() {
        return get(ZmqOption.ROUTING_ID);
    }

    /** @return CONNECT_ROUTING_ID, or null when none was set for this connect */
    public byte[] connectRoutingId() {
        byte[] id = get(ZmqOption.CONNECT_ROUTING_ID);
        return id.length == 0 ? null : id;
    }
}
