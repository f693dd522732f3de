package io.zconn.osgi.internal;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketSpec;
import io.zconn.osgi.ZconnConstants;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Owns the shared engine {@link Context} and every managed socket, by name, and the whiteboard
 * listeners waiting for sockets by name. Internal: the other components and the
 * {@link io.zconn.osgi.SocketRegistry} work through it. Deactivating it (bundle stop, or a change
 * of {@code io.zconn.context}) closes every socket and the context, leaving no thread behind.
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
        Log.contextStarted(config.io_threads());
    }

    @Deactivate
    void deactivate() {
        closeAll();
        context.close();
        Log.contextClosed();
    }

    /** Closes every socket (for deactivation and tests). */
    void closeAll() {
        synchronized (this) {
            closed = true;
        }
        for (ManagedSocket s : List.copyOf(sockets.values())) {
            s.close();
        }
        sockets.clear();
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
        ManagedSocket ms;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("zconn is stopping");
            }
            if (sockets.containsKey(spec.name())) {
                throw new IllegalStateException("a socket named '" + spec.name() + "' already exists");
            }
            ms = new ManagedSocket(spec.name(), origin, context, bundleContext, listenersFor(spec.name()));
            sockets.put(spec.name(), ms);
        }
        try {
            ms.open(spec);
        } catch (RuntimeException e) {
            if (!FROM_CONFIGURATION.equals(origin)) {
                sockets.remove(spec.name(), ms);
            }
            throw e;
        }
        return ms;
    }

    /** Closes the socket of that name, if any, and forgets it. */
    void close(String name) {
        ManagedSocket ms = sockets.remove(name);
        if (ms != null) {
            ms.close();
            Log.socketClosed(name);
        }
    }

    /** Closes {@code ms} only if it is still the socket registered under its name. */
    void close(ManagedSocket ms) {
        if (sockets.remove(ms.name(), ms)) {
            ms.close();
            Log.socketClosed(ms.name());
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
