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
        values[option.index()] = value;
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
