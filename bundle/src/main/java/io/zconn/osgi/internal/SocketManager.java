package io.zconn.osgi.internal;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.ZapHandler;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketSpec;
import io.zconn.osgi.ZconnConstants;
import io.zconn.support.AllowListZapHandler;
import io.zconn.support.ZapDomains;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Owns the shared engine {@link Context} and every managed socket, by name, and the whiteboard
 * listeners waiting for sockets by name. Internal: the other components and the
 * {@link io.zconn.osgi.SocketRegistry} work through it. Deactivating it (bundle stop, or a change
 * of {@code io.zconn.context}) closes every socket and the context, leaving no thread behind.
 *
 * <p>ZAP: the context's handler is a {@link ZapDomains}. A socket configuration with an allow-list
 * ({@code zap.curve.keys}, {@code zap.curve.keys.directory}, {@code zap.plain.users.file}) serves its
 * {@code zap.domain}; every other request goes to the {@link ZapHandler} service registered in the
 * framework, one at a time: the one with the highest {@code service.ranking} (then the lowest
 * {@code service.id}) is used and replaced when a better one appears. While neither exists the
 * context has no handler and the engine's defaults apply (PLAIN servers refuse every client, CURVE
 * servers accept every client that knows their key); once one exists, a request of a domain it
 * does not serve is refused.
 */
@Component(service = SocketManager.class, configurationPid = ZconnConstants.CONTEXT_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ContextConfig.class)
// MessageListener/RequestListener overloads: callers pass typed listener services, never lambdas
@SuppressWarnings("overloads")
public final class SocketManager {
    static final String FROM_CONFIGURATION = "configuration";
    static final String FROM_REGISTRY = "registry";

    private final Map<String, ManagedSocket> sockets = new ConcurrentHashMap<>();
    private final Map<String, Listeners> listeners = new ConcurrentHashMap<>();
    private Context context;
    private BundleContext bundleContext;
    private volatile boolean closed;
    private final ZapDomains zap = new ZapDomains();
    private final List<SocketObserver> observers = new CopyOnWriteArrayList<>();

    /** For DS. */
    public SocketManager() {
    }

    /** For tests outside a framework. */
    SocketManager(Context context, BundleContext bundleContext) {
        this.context = context;
        this.bundleContext = bundleContext;
    }

    @Activate
    void activate(BundleContext bc, ContextConfig config) {
        this.bundleContext = bc;
        this.context = Context.builder().ioThreads(config.io_threads()).threadFactory(new IoThreads()).build();
        updateZap();
        Log.contextStarted(config.io_threads());
    }

    @Deactivate
    void deactivate() {
        closeAll();
        context.close();
        Log.contextClosed();
    }

    /**
     * The whiteboard ZAP handler: DS binds the best-ranked {@link ZapHandler} service (greedy: a
     * better one replaces it).
     *
     * @param handler the service
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetZapHandler")
    void setZapHandler(ZapHandler handler) {
        synchronized (zap) {
            zap.fallback(handler);
            updateZap();
        }
        Log.zapHandler(handler);
    }

    void unsetZapHandler(ZapHandler handler) {
        boolean removed;
        synchronized (zap) {
            removed = zap.fallback() == handler;
            if (removed) {
                zap.fallback(null);
                updateZap();
            }
        }
        if (removed) {
            Log.zapHandler(null);
        }
    }

    /**
     * Makes an allow-list the ZAP handler of a domain.
     *
     * @param domain the ZAP domain
     * @param config the allow-list
     * @return the registration, closed when the socket configuration goes
     * @throws IllegalArgumentException when the lists cannot be read
     * @throws IllegalStateException    when the domain has a different allow-list already
     */
    ZapDomains.Registration registerZap(String domain, AllowListZapHandler.Config config) {
        synchronized (zap) {
            ZapDomains.Registration r = zap.register(domain, config, config::handler);
            updateZap();
            return () -> {
                synchronized (zap) {
                    r.close();
                    updateZap();
                }
            };
        }
    }

    /** The context's handler: the domains while there is anything to ask, else none (engine defaults). */
    private void updateZap() {
        Context c = context;
        if (c != null && !c.isClosed()) {
            c.setZapHandler(zap.isEmpty() ? null : zap);
        }
    }

    /** Closes every socket (for deactivation and tests). */
    void closeAll() {
        synchronized (this) {
            closed = true;
        }
        for (ManagedSocket s : List.copyOf(sockets.values())) {
            s.close();
            if (sockets.remove(s.name(), s)) {
                fireRemoved(s);
            }
        }
        sockets.clear();
    }

    /**
     * Adds an observer; it is then told of the sockets added from now on (those already managed
     * are in {@link #managedSockets()}).
     */
    void addObserver(SocketObserver o) {
        observers.add(o);
    }

    void removeObserver(SocketObserver o) {
        observers.remove(o);
    }

    /** @return every managed socket now, by name */
    List<ManagedSocket> managedSockets() {
        List<ManagedSocket> out = new ArrayList<>(sockets.values());
        out.sort(Comparator.comparing(ManagedSocket::name));
        return out;
    }

    private void fireAdded(ManagedSocket ms) {
        for (SocketObserver o : observers) {
            try {
                o.added(ms);
            } catch (RuntimeException e) {
                Log.observerFailed(ms.name(), o, e);
            }
        }
    }

    private void fireRemoved(ManagedSocket ms) {
        for (SocketObserver o : observers) {
            try {
                o.removed(ms);
            } catch (RuntimeException e) {
                Log.observerFailed(ms.name(), o, e);
            }
        }
    }

    private void fireEvent(ManagedSocket ms, SocketEvent e) {
        for (SocketObserver o : observers) {
            try {
                o.event(ms, e);
            } catch (RuntimeException ex) {
                Log.observerFailed(ms.name(), o, ex);
            }
        }
    }

    /**
     * Creates and registers a socket.
     *
     * @param spec   what to create
     * @param origin {@link #FROM_CONFIGURATION} or {@link #FROM_REGISTRY}
     * @return the managed socket
     * @throws IllegalStateException when the name is taken or the manager is closed
     * @throws RuntimeException      when it cannot be set up; a configured socket stays listed as FAILED
     */
    ManagedSocket open(SocketSpec spec, String origin) {
        return open(spec, origin, DeliveryConfig.DEFAULT);
    }

    /**
     * Creates and registers a socket whose listeners get its messages as {@code delivery} says.
     *
     * @see #open(SocketSpec, String)
     */
    ManagedSocket open(SocketSpec spec, String origin, DeliveryConfig delivery) {
        ManagedSocket ms;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("zconn is stopping");
            }
            if (sockets.containsKey(spec.name())) {
                throw new IllegalStateException("a socket named '" + spec.name() + "' already exists");
            }
            ms = new ManagedSocket(spec.name(), origin, context, bundleContext, listenersFor(spec.name()),
                    this::fireEvent);
            ms.deliveryConfig(delivery);
            sockets.put(spec.name(), ms);
        }
        try {
            ms.open(spec);
        } catch (RuntimeException e) {
            if (!FROM_CONFIGURATION.equals(origin)) {
                sockets.remove(spec.name(), ms);
            } else {
                // a configured socket stays listed as FAILED: its health check says so
                fireAdded(ms);
            }
            throw e;
        }
        fireAdded(ms);
        return ms;
    }

    /** Closes the socket of that name, if any, and forgets it. */
    void close(String name) {
        ManagedSocket ms = sockets.remove(name);
        if (ms != null) {
            ms.close();
            Log.socketClosed(name);
            fireRemoved(ms);
        }
    }

    /** Closes {@code ms} only if it is still the socket registered under its name. */
    void close(ManagedSocket ms) {
        if (sockets.remove(ms.name(), ms)) {
            ms.close();
            Log.socketClosed(ms.name());
            fireRemoved(ms);
        }
    }

    Optional<Socket> lookup(String name) {
        ManagedSocket ms = sockets.get(name);
        return ms == null || ms.state() != SocketInfo.State.ACTIVE ? Optional.empty() : Optional.ofNullable(ms.socket());
    }

    Optional<Socket> await(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Socket> s = lookup(name);
            if (s.isPresent() || System.nanoTime() - deadline >= 0) {
                return s;
            }
            Thread.sleep(20);
        }
    }

    Optional<ManagedSocket> managed(String name) {
        return Optional.ofNullable(sockets.get(name));
    }

    List<SocketInfo> sockets() {
        List<SocketInfo> out = new ArrayList<>(sockets.values());
        out.sort(Comparator.comparing(SocketInfo::name));
        return out;
    }

    void addListener(String socketName, MessageListener listener, long serviceId, int ranking) {
        listenersFor(socketName).add(listener, serviceId, ranking);
        managed(socketName).ifPresent(ManagedSocket::listenersChanged);
    }

    void addListener(String socketName, RequestListener listener, long serviceId, int ranking) {
        listenersFor(socketName).add(listener, serviceId, ranking);
        managed(socketName).ifPresent(ManagedSocket::listenersChanged);
    }

    void removeListener(String socketName, MessageListener listener) {
        listenersFor(socketName).remove(listener);
        managed(socketName).ifPresent(ManagedSocket::listenersChanged);
    }

    void removeListener(String socketName, RequestListener listener) {
        listenersFor(socketName).remove(listener);
        managed(socketName).ifPresent(ManagedSocket::listenersChanged);
    }

    void removeListenerEverywhere(MessageListener listener) {
        listeners.values().forEach(l -> l.remove(listener));
        sockets.values().forEach(ManagedSocket::listenersChanged);
    }

    void removeListenerEverywhere(RequestListener listener) {
        listeners.values().forEach(l -> l.remove(listener));
        sockets.values().forEach(ManagedSocket::listenersChanged);
    }

    private Listeners listenersFor(String name) {
        return listeners.computeIfAbsent(name, n -> new Listeners());
    }

    /** Daemon I/O threads named {@code zconn-io-N}, with this bundle's class loader as context loader. */
    private static final class IoThreads implements ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "zconn-io-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(SocketManager.class.getClassLoader());
            return t;
        }
    }
}
