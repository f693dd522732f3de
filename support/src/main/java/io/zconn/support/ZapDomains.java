package io.zconn.support;

import io.zconn.engine.ZapHandler;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One engine context has one {@link ZapHandler}; this one sends each request to the handler
 * registered for the request's ZAP domain, so that several sockets (activations, OSGi socket
 * configurations) can each bring their own allow-list. Requests of a domain nobody registered go to
 * the fallback handler, if one is set (in OSGi: the whiteboard {@link ZapHandler} service), and are
 * refused otherwise.
 *
 * <p>Registrations of one domain share a handler when their keys are equal (two activations with the
 * same allow-list); a different key for a domain already registered is refused, so that two
 * configurations never silently override each other's allow-list.
 */
public final class ZapDomains implements ZapHandler {
    private final Map<String, Entry> domains = new HashMap<>();
    private volatile ZapHandler fallback;

    /** A registration; closing it removes the handler once its last user has closed. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param domain  the ZAP domain (may be empty: sockets without {@code zapDomain})
     * @param key     what the handler is made from (equal keys share the handler)
     * @param handler makes the handler, called only for the first registration of the domain
     * @return the registration
     * @throws IllegalStateException when the domain already has a handler made from a different key
     */
    public synchronized Registration register(String domain, Object key, Supplier<? extends ZapHandler> handler) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(key, "key");
        Entry e = domains.get(domain);
        if (e == null) {
            e = new Entry(key, Objects.requireNonNull(handler.get(), "handler"));
            domains.put(domain, e);
        } else if (!e.key.equals(key)) {
            throw new IllegalStateException("ZAP domain '" + domain + "' already has a different allow-list; give "
                    + "this socket a ZAP domain of its own");
        }
        e.users++;
        Entry registered = e;
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (ZapDomains.this) {
                if (!closed[0]) {
                    closed[0] = true;
                    if (--registered.users == 0) {
                        domains.remove(domain, registered);
                    }
                }
            }
        };
    }

    /** @param handler the handler for domains nobody registered, or null to refuse those */
    public void fallback(ZapHandler handler) {
        this.fallback = handler;
    }

    /** @return the fallback handler, or null */
    public ZapHandler fallback() {
        return fallback;
    }

    /** @return whether there is nothing to ask: no domain registered, no fallback */
    public synchronized boolean isEmpty() {
        return domains.isEmpty() && fallback == null;
    }

    @Override
    public Reply authenticate(Request request) {
        ZapHandler h;
        synchronized (this) {
            Entry e = domains.get(request.domain());
            h = e != null ? e.handler : fallback;
        }
        if (h == null) {
            return Reply.deny("no ZAP handler for domain '" + request.domain() + "'");
        }
        return h.authenticate(request);
    }

    private static final class Entry {
        final Object key;
        final ZapHandler handler;
        int users;

        Entry(Object key, ZapHandler handler) {
            this.key = key;
            this.handler = handler;
        }
    }
}
