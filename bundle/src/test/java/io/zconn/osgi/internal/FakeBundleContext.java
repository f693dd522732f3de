package io.zconn.osgi.internal;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Just enough of a BundleContext to record service registrations. */
final class FakeBundleContext {
    /** A registered service and its current properties. */
    static final class Registered {
        final Object service;
        volatile Map<String, Object> properties;
        volatile boolean unregistered;

        Registered(Object service, Map<String, Object> properties) {
            this.service = service;
            this.properties = properties;
        }
    }

    final List<Registered> registrations = new CopyOnWriteArrayList<>();
    final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("registerService") && args.length == 3) {
                    Registered r = new Registered(args[1], toMap((Dictionary<?, ?>) args[2]));
                    registrations.add(r);
                    return registration(r);
                }
                throw new UnsupportedOperationException(method.toString());
            });

    List<Registered> active() {
        return registrations.stream().filter(r -> !r.unregistered).toList();
    }

    private static ServiceRegistration<?> registration(Registered r) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(FakeBundleContext.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setProperties" -> r.properties = toMap((Dictionary<?, ?>) args[0]);
                        case "unregister" -> {
                            if (r.unregistered) {
                                throw new IllegalStateException("already unregistered");
                            }
                            r.unregistered = true;
                        }
                        default -> throw new UnsupportedOperationException(method.toString());
                    }
                    return null;
                });
    }

    private static Map<String, Object> toMap(Dictionary<?, ?> d) {
        Map<String, Object> m = new HashMap<>();
        for (Object k : Collections.list(d.keys())) {
            m.put((String) k, d.get(k));
        }
        return m;
    }
}
