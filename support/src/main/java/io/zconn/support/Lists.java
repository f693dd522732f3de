package io.zconn.support;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Configuration lists (endpoints, subscriptions, option entries). One rule everywhere: entries are
 * separated by commas only, and trimmed; spaces inside an entry are kept (the subscription
 * {@code news today} is one prefix). A configuration may also give a list as an array or a
 * collection (OSGi {@code String[]} properties); each element is then split the same way.
 */
public final class Lists {
    private Lists() {
    }

    /**
     * Splits a list whose empty entries mean nothing (endpoints, option entries).
     *
     * @param value a String, an array or a collection of them, or null
     * @return the non-empty, trimmed entries, in order
     */
    public static List<String> split(Object value) {
        List<String> out = new ArrayList<>();
        collect(value, false, out);
        return out;
    }

    /**
     * Splits a list where the empty entry is meaningful: the empty subscription prefix subscribes to
     * everything. An entry is empty when the whole text is empty or blank (e.g. {@code subscriptions=""}),
     * or when an array or collection holds an empty element; empty pieces between commas
     * ({@code "a,,b"}, a trailing comma) are ignored, so a stray comma never subscribes to everything.
     *
     * @param value a String, an array or a collection of them, or null (no entries)
     * @return the trimmed entries, in order, possibly including {@code ""}
     */
    public static List<String> splitKeepingEmpty(Object value) {
        List<String> out = new ArrayList<>();
        collect(value, true, out);
        return out;
    }

    private static void collect(Object value, boolean keepEmpty, List<String> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            for (Object o : c) {
                collect(o, keepEmpty, out);
            }
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                collect(Array.get(value, i), keepEmpty, out);
            }
        } else {
            String text = value.toString();
            if (text.isBlank()) {
                if (keepEmpty) {
                    out.add("");
                }
                return;
            }
            for (String part : text.split(",", -1)) {
                String t = part.trim();
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
    }
}
