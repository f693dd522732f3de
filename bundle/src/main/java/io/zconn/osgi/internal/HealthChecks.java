package io.zconn.osgi.internal;

import io.zconn.osgi.ZconnConstants;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Registers one Felix {@link HealthCheck} service per managed socket (a configured socket that
 * FAILED included), named {@code zconn socket <name>}, tagged {@code zconn} (and the configured
 * tags), carrying {@code zconn.name}; unregisters it when the socket goes, and all of them on
 * deactivation. Disabled unless the Health Check API is wired (see {@link OptionalFeatures}).
 */
@Component(name = HealthChecks.PID, configurationPid = HealthChecks.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false, immediate = true, service = {})
@Designate(ocd = HealthConfig.class)
public final class HealthChecks implements SocketObserver {
    /** Component name and configuration PID. */
    static final String PID = "io.zconn.health";

    private final SocketManager manager;
    private final BundleContext bundleContext;
    private final String[] tags;
    private final int minPeers;
    private final IdentityHashMap<ManagedSocket, ServiceRegistration<HealthCheck>> registrations =
            new IdentityHashMap<>();
    private boolean closed;

    @Activate
    public HealthChecks(@Reference SocketManager manager, BundleContext bundleContext, HealthConfig config) {
        this(manager, bundleContext, config.tags(), config.min_peers());
    }

    HealthChecks(SocketManager manager, BundleContext bundleContext, String[] tags, int minPeers) {
        this.manager = manager;
        this.bundleContext = bundleContext;
        Set<String> t = new LinkedHashSet<>();
        t.add(ZconnConstants.HEALTH_CHECK_TAG);
        for (String s : tags == null ? new String[0] : tags) {
            if (s != null && !s.isBlank()) {
                t.add(s.trim());
            }
        }
        this.tags = t.toArray(String[]::new);
        this.minPeers = Math.max(0, minPeers);
        manager.addObserver(this);
        List<ManagedSocket> now = manager.managedSockets();
        now.forEach(this::added);
        Log.healthChecks(now.size(), List.of(this.tags));
    }

    @Deactivate
    void deactivate() {
        manager.removeObserver(this);
        List<ServiceRegistration<HealthCheck>> gone;
        synchronized (this) {
            closed = true;
            gone = List.copyOf(registrations.values());
            registrations.clear();
        }
        gone.forEach(HealthChecks::unregister);
    }

    @Override
    public synchronized void added(ManagedSocket socket) {
        if (closed || registrations.containsKey(socket)) {
            return;
        }
        registrations.put(socket, bundleContext.registerService(HealthCheck.class,
                new SocketHealthCheck(socket, minPeers), properties(socket.name())));
    }

    @Override
    public void removed(ManagedSocket socket) {
        ServiceRegistration<HealthCheck> r;
        synchronized (this) {
            r = registrations.remove(socket);
        }
        if (r != null) {
            unregister(r);
        }
    }

    @SuppressWarnings("JdkObsolete") // OSGi service properties are a Dictionary: Hashtable is the one to hand
    private Dictionary<String, Object> properties(String name) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HealthCheck.NAME, "zconn socket " + name);
        p.put(HealthCheck.TAGS, tags.clone());
        p.put(ZconnConstants.NAME, name);
        return p;
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it when the bundle stopped
        }
    }

    @Override
    public String toString() {
        return "zconn health checks";
    }
}
