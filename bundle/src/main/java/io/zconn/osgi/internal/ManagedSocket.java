package io.zconn.osgi.internal;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketMonitor;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketSpec;
import io.zconn.osgi.ZconnConstants;
import io.zconn.support.DeliveryCounters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * One socket managed by the bundle: made from a {@link SocketSpec}, registered as a {@link Socket}
 * service, reconfigured in place when the spec changes (endpoints, options, subscriptions), and
 * given a {@link Delivery} thread while whiteboard listeners name it. Getters read volatile
 * snapshots so that consoles never wait on a socket being set up.
 *
 * <p>Each socket it opens is monitored from its creation on: the events update its
 * {@link SocketActivity} (peers, counts) and go to the manager's observers (health checks, Event
 * Admin). A socket re-created by a reconfiguration gets a new activity and monitor.
 */
final class ManagedSocket implements SocketInfo {
    private static final long BIND_RETRY_NANOS = 1_000_000_000L;

    private final String name;
    private final String origin;
    private final Context context;
    private final BundleContext bundleContext;
    private final Listeners listeners;
    private final BiConsumer<ManagedSocket, SocketEvent> events;

    /** Received and sent messages, across the deliveries this socket had (listeners come and go). */
    private final DeliveryCounters counters = new DeliveryCounters();
    private final AtomicLong failures = new AtomicLong();

    private volatile SocketSpec spec;
    private volatile Socket socket;
    private volatile State state = State.STARTING;
    private volatile String error;
    /** Configured bind endpoint to the endpoint actually bound (port chosen for {@code *}). */
    private volatile Map<String, String> bound = Map.of();
    private ServiceRegistration<Socket> registration;
    private Delivery delivery;
    private volatile DeliveryConfig deliveryConfig = DeliveryConfig.DEFAULT;
    private volatile SocketActivity activity = new SocketActivity();
    private SocketMonitor monitor;

    ManagedSocket(String name, String origin, Context context, BundleContext bundleContext, Listeners listeners) {
        this(name, origin, context, bundleContext, listeners, (s, e) -> { });
    }

    ManagedSocket(String name, String origin, Context context, BundleContext bundleContext, Listeners listeners,
                  BiConsumer<ManagedSocket, SocketEvent> events) {
        this.name = name;
        this.origin = origin;
        this.context = context;
        this.bundleContext = bundleContext;
        this.listeners = listeners;
        this.events = events;
    }

    /**
     * Creates, configures and registers the socket.
     *
     * @throws RuntimeException (after cleaning up and recording the failure) when it cannot be set up
     */
    synchronized void open(SocketSpec newSpec) {
        this.spec = newSpec;
        this.state = State.STARTING;
        this.error = null;
        Socket s = context.socket(newSpec.type());
        SocketActivity a = new SocketActivity();
        this.activity = a;
        try {
            // before any bind or connect, so that LISTENING and the first connections are seen too
            this.monitor = s.monitor(e -> onEvent(a, e));
            for (Map.Entry<ZmqOption<?>, Object> o : newSpec.options().entrySet()) {
                set(s, o.getKey(), o.getValue());
            }
            for (String prefix : newSpec.subscribe()) {
                s.subscribe(prefix);
            }
            Map<String, String> b = new LinkedHashMap<>();
            for (String ep : newSpec.bind()) {
                b.put(ep, bind(s, ep));
            }
            for (String ep : newSpec.connect()) {
                s.connect(ep);
            }
            this.socket = s;
            this.bound = b;
            this.state = State.ACTIVE;
            this.error = null;
            this.registration = bundleContext.registerService(Socket.class, s, serviceProperties());
        } catch (RuntimeException e) {
            s.close();
            closeMonitor();
            this.socket = null;
            this.bound = Map.of();
            fail(e);
            throw e;
        }
        listenersChanged();
        Log.socketOpened(name, newSpec.type(), endpoints());
    }

    /**
     * Applies a changed spec: in place when the type is the same and the socket is up, otherwise by
     * closing and opening again.
     *
     * @throws RuntimeException (after recording the failure) when it cannot be applied
     */
    synchronized void reconfigure(SocketSpec newSpec) {
        SocketSpec old = spec;
        if (newSpec.equals(old) && state == State.ACTIVE) {
            return;
        }
        if (state != State.ACTIVE || old.type() != newSpec.type()) {
            teardown();
            open(newSpec);
            return;
        }
        Socket s = socket;
        try {
            applyOptions(s, old, newSpec);
            applySubscriptions(s, old, newSpec);
            Map<String, String> b = new LinkedHashMap<>(bound);
            for (String ep : old.bind()) {
                if (!newSpec.bind().contains(ep)) {
                    s.unbind(b.remove(ep));
                }
            }
            for (String ep : old.connect()) {
                if (!newSpec.connect().contains(ep)) {
                    s.disconnect(ep);
                }
            }
            for (String ep : newSpec.bind()) {
                if (!b.containsKey(ep)) {
                    b.put(ep, bind(s, ep));
                }
            }
            for (String ep : newSpec.connect()) {
                if (!old.connect().contains(ep)) {
                    s.connect(ep);
                }
            }
            this.bound = b;
            this.spec = newSpec;
            registration.setProperties(serviceProperties());
        } catch (RuntimeException e) {
            this.spec = newSpec;
            teardown();
            fail(e);
            throw e;
        }
        Log.socketReconfigured(name, endpoints());
    }

    /** Stops delivery, unregisters and closes. Idempotent. */
    synchronized void close() {
        teardown();
        state = State.CLOSED;
        error = null;
    }

    /**
     * Sets how messages are delivered (retries, reply on failure, dead letters); a running delivery
     * is restarted with it, leaving what the socket holds for the new one.
     */
    synchronized void deliveryConfig(DeliveryConfig config) {
        if (config.equals(deliveryConfig)) {
            return;
        }
        deliveryConfig = config;
        if (delivery != null) {
            delivery.stop(false);
            delivery = null;
            listenersChanged();
        }
    }

    /** Starts the delivery thread when listeners appeared, stops it when the last one left. */
    synchronized void listenersChanged() {
        boolean wanted = state == State.ACTIVE && listeners.size() > 0;
        if (wanted && delivery == null) {
            try {
                delivery = new Delivery(this, socket, listeners, counters, deliveryConfig, context);
            } catch (RuntimeException e) {
                // e.g. a dead-letter endpoint the engine refuses: the socket stays, its listeners get nothing
                error = "delivery cannot start: " + e.getMessage();
                Log.socketFailed(name, error);
                return;
            }
            delivery.start();
        } else if (!wanted && delivery != null) {
            // the socket stays: what it holds waits there for the next listeners
            delivery.stop(false);
            delivery = null;
        }
    }

    private void teardown() {
        Delivery d = delivery;
        delivery = null;
        if (d != null) {
            // before the socket closes: what it already received is delivered, or counted and logged
            d.stop(true);
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it when the bundle stopped
            }
            registration = null;
        }
        Socket s = socket;
        socket = null;
        if (s != null) {
            // Unbind first so that the port is free when close returns, whatever LINGER says.
            for (String ep : bound.values()) {
                try {
                    s.unbind(ep);
                } catch (ZmqException ignored) {
                    // closing anyway
                }
            }
            s.close();
        }
        closeMonitor();
        bound = Map.of();
    }

    private void closeMonitor() {
        SocketMonitor m = monitor;
        monitor = null;
        if (m != null) {
            m.close();
        }
    }

    /** From the engine's monitor thread of the socket whose activity {@code a} is. */
    private void onEvent(SocketActivity a, SocketEvent e) {
        a.record(e);
        events.accept(this, e);
    }

    private void fail(RuntimeException e) {
        state = State.FAILED;
        error = e.getMessage();
    }

    @SuppressWarnings("JdkObsolete") // OSGi service properties are a Dictionary: Hashtable is the one to hand
    private Dictionary<String, Object> serviceProperties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ZconnConstants.NAME, name);
        p.put(ZconnConstants.TYPE, spec.type().name());
        p.put(ZconnConstants.ENDPOINTS, endpoints().toArray(String[]::new));
        p.put(ZconnConstants.BIND, spec.bind().toArray(String[]::new));
        p.put(ZconnConstants.CONNECT, spec.connect().toArray(String[]::new));
        p.put(ZconnConstants.ORIGIN, origin);
        return p;
    }

    private static void applyOptions(Socket s, SocketSpec old, SocketSpec now) {
        for (ZmqOption<?> o : old.options().keySet()) {
            if (!now.options().containsKey(o)) {
                set(s, o, o.defaultValue());
            }
        }
        for (Map.Entry<ZmqOption<?>, Object> e : now.options().entrySet()) {
            Object before = old.options().get(e.getKey());
            boolean same = (before instanceof byte[] a && e.getValue() instanceof byte[] b)
                    ? Arrays.equals(a, b) : e.getValue().equals(before);
            if (!same) {
                set(s, e.getKey(), e.getValue());
            }
        }
    }

    private static void applySubscriptions(Socket s, SocketSpec old, SocketSpec now) {
        List<String> remove = new ArrayList<>(old.subscribe());
        List<String> add = new ArrayList<>();
        for (String p : now.subscribe()) {
            if (!remove.remove(p)) {
                add.add(p);
            }
        }
        for (String p : remove) {
            s.unsubscribe(p);
        }
        for (String p : add) {
            s.subscribe(p);
        }
    }

    @SuppressWarnings("unchecked")
    private static void set(Socket s, ZmqOption<?> option, Object value) {
        s.setOption((ZmqOption<Object>) option, value);
    }

    /** Binds, retrying briefly while the address is in use (a socket just closed may still hold it). */
    private static String bind(Socket s, String endpoint) {
        long deadline = System.nanoTime() + BIND_RETRY_NANOS;
        while (true) {
            try {
                s.bind(endpoint);
                String actual = s.getOption(ZmqOption.LAST_ENDPOINT);
                return actual == null || actual.isEmpty() ? endpoint : actual;
            } catch (ZmqException e) {
                if (e.errno() != Errno.EADDRINUSE || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ZmqException(Errno.EADDRINUSE, "interrupted while waiting to bind " + endpoint);
            }
        }
    }

    Socket socket() {
        return socket;
    }

    /** @return the endpoints bound now, with the port actually chosen */
    List<String> boundEndpoints() {
        return List.copyOf(bound.values());
    }

    /** @return what the current socket's monitor told so far */
    SocketActivity activity() {
        return activity;
    }

    /**
     * @return the peers that count for the socket's {@code awaitPeers} now (see
     *         {@link Socket#peers()}), or -1 when it is not active
     */
    int peers() {
        Socket s = socket;
        if (s == null || state != State.ACTIVE) {
            return -1;
        }
        try {
            return s.peers();
        } catch (ZmqException closedMeanwhile) {
            return -1;
        }
    }

    /** @return the delivery's counters (received, delivered, failed, dead-lettered, dropped, replied, retried) */
    DeliveryCounters counters() {
        return counters;
    }

    SocketSpec spec() {
        return spec;
    }

    void countSent() {
        counters.countReplied();
    }

    long countFailure() {
        return failures.incrementAndGet();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SocketType type() {
        return spec.type();
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public String error() {
        return error;
    }

    @Override
    public List<String> endpoints() {
        SocketSpec sp = spec;
        List<String> out = new ArrayList<>(bound.values());
        if (sp != null && state == State.ACTIVE) {
            out.addAll(sp.connect());
        }
        return List.copyOf(out);
    }

    @Override
    public int listeners() {
        return listeners.size();
    }

    @Override
    public long received() {
        return counters.received();
    }

    @Override
    public long sent() {
        return counters.replied();
    }

    @Override
    public long listenerFailures() {
        return failures.get();
    }

    @Override
    public String toString() {
        return "socket '" + name + "' (" + spec.type() + ", " + state + ")";
    }
}
