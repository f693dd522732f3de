package io.zconn.osgi.internal;

import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The whiteboard listeners attached to one socket name. Copy-on-write: the delivery thread reads
 * without locking while services come and go.
 */
// MessageListener/RequestListener overloads: callers pass typed listener services, never lambdas
@SuppressWarnings("overloads")
final class Listeners {
    /** A listener service with what orders it: higher ranking first, then older (lower id) first. */
    record Entry<T>(T listener, long serviceId, int ranking) {
    }

    private static final Comparator<Entry<?>> ORDER = Comparator.<Entry<?>>comparingInt(e -> -e.ranking())
            .thenComparingLong(Entry::serviceId);

    private volatile List<Entry<MessageListener>> messageListeners = List.of();
    private volatile List<Entry<RequestListener>> requestListeners = List.of();

    synchronized void add(MessageListener l, long serviceId, int ranking) {
        messageListeners = with(messageListeners, new Entry<>(l, serviceId, ranking));
    }

    synchronized void add(RequestListener l, long serviceId, int ranking) {
        requestListeners = with(requestListeners, new Entry<>(l, serviceId, ranking));
    }

    synchronized void remove(MessageListener listener) {
        messageListeners = without(messageListeners, listener);
    }

    synchronized void remove(RequestListener listener) {
        requestListeners = without(requestListeners, listener);
    }

    List<Entry<MessageListener>> messageListeners() {
        return messageListeners;
    }

    /** @return the request listener that answers (highest ranking), or null */
    RequestListener requestListener() {
        List<Entry<RequestListener>> r = requestListeners;
        return r.isEmpty() ? null : r.get(0).listener();
    }

    int size() {
        return messageListeners.size() + requestListeners.size();
    }

    private static <T> List<Entry<T>> with(List<Entry<T>> list, Entry<T> e) {
        List<Entry<T>> copy = new ArrayList<>(list);
        copy.add(e);
        copy.sort(ORDER);
        return List.copyOf(copy);
    }

    private static <T> List<Entry<T>> without(List<Entry<T>> list, Object listener) {
        List<Entry<T>> copy = new ArrayList<>(list);
        copy.removeIf(e -> e.listener() == listener);
        return List.copyOf(copy);
    }
}
