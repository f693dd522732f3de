package io.zconn.support;

import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns configuration text into typed socket options. An option is named by its libzmq name, in
 * any case, with or without {@code ZMQ_} ({@code sndhwm}, {@code ZMQ_SNDHWM}, {@code SNDHWM}; a
 * configuration key may use dots for underscores, {@code reconnect.ivl}); its value is parsed to the
 * option's type and validated. Only options that can be both set and read are configurable
 * (subscriptions have their own property; {@code LAST_ENDPOINT} and the like cannot be set).
 * Every error is an {@link IllegalArgumentException} whose message names the configuration
 * property and the option.
 */
public final class OptionParser {
    private OptionParser() {
    }

    /**
     * @param property the configuration property the name comes from, for messages
     * @param name     an option name, e.g. {@code tcp_keepalive}, {@code ZMQ_LINGER} or {@code reconnect.ivl}
     * @return the option
     * @throws IllegalArgumentException naming the property and the option when it is unknown or not configurable
     */
    public static ZmqOption<?> option(String property, String name) {
        String n = name == null ? "" : name.trim().replace('.', '_');
        ZmqOption<?> o;
        try {
            o = ZmqOption.forName(n);
        } catch (ZmqException e) {
            throw new IllegalArgumentException(property + ": unknown socket option '" + n + "'", e);
        }
        if (o.access() != ZmqOption.Access.READ_WRITE) {
            throw new IllegalArgumentException(property + ": socket option " + o.name() + " cannot be configured"
                    + (o == ZmqOption.SUBSCRIBE || o == ZmqOption.UNSUBSCRIBE ? " (use the subscriptions property)"
                    : ""));
        }
        return o;
    }

    /**
     * @param property the configuration property, for messages
     * @param option   the option
     * @param text     its textual value
     * @param <T>      the option's type
     * @return the typed, validated value
     * @throws IllegalArgumentException naming the property, the option and the value
     */
    public static <T> T value(String property, ZmqOption<T> option, String text) {
        if (text == null) {
            throw new IllegalArgumentException(property + ": no value for socket option " + option.name());
        }
        try {
            return option.parse(text);
        } catch (ZmqException e) {
            throw new IllegalArgumentException(property + ": socket option " + option.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code NAME=value} entries, as given in a comma-separated string or an array/collection.
     *
     * @param property the configuration property, for messages
     * @param entries  the entries (see {@link Lists#split})
     * @return the options with their values, in the order given (a later entry for the same option wins)
     * @throws IllegalArgumentException naming the property and the entry that is wrong
     */
    public static Map<ZmqOption<?>, Object> parse(String property, Object entries) {
        Map<ZmqOption<?>, Object> out = new LinkedHashMap<>();
        List<String> list = Lists.split(entries);
        for (int i = 0; i < list.size(); i++) {
            String entry = list.get(i);
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                // not echoed: a mistyped entry may hold a secret (PLAIN_PASSWORD hunter2)
                throw new IllegalArgumentException(property + ": entry " + (i + 1) + " of " + list.size()
                        + " is not NAME=value");
            }
            ZmqOption<?> o = option(property, entry.substring(0, eq));
            out.remove(o);
            out.put(o, value(property, o, entry.substring(eq + 1).trim()));
        }
        return out;
    }

    /**
     * @param property the configuration property, for messages
     * @param entries  {@code NAME=value} entries
     * @return their canonical text (libzmq names upper-case, trimmed, comma-separated, a repeated
     *         option once with its last value): equal for configurations that set the same options
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static String canonical(String property, Object entries) {
        Map<ZmqOption<?>, String> texts = new LinkedHashMap<>();
        parse(property, entries);
        for (String entry : Lists.split(entries)) {
            int eq = entry.indexOf('=');
            ZmqOption<?> o = option(property, entry.substring(0, eq));
            texts.remove(o);
            texts.put(o, entry.substring(eq + 1).trim());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<ZmqOption<?>, String> e : texts.entrySet()) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(e.getKey().name()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    /**
     * Maps a configuration key in the OSGi style, the option's name in lower case with dots for
     * underscores ({@code sndhwm}, {@code reconnect.ivl}), to its option.
     *
     * @param key a configuration key
     * @return the option, or null when the key names no configurable option (other keys are
     *         the framework's or the application's and are left alone)
     */
    public static ZmqOption<?> forKey(String key) {
        if (key == null || key.isEmpty() || !key.equals(key.toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            ZmqOption<?> o = ZmqOption.forName(key.replace('.', '_'));
            return o.access() == ZmqOption.Access.READ_WRITE ? o : null;
        } catch (ZmqException e) {
            return null;
        }
    }
}
