package io.zconn.osgi.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Enables the components that use an optionally imported package ({@link HealthChecks}: the Felix
 * Health Check API; {@link EventPublisher}: Event Admin) when this bundle is wired to it, so that
 * without them no class of theirs is ever loaded and the bundle works as before (ZCONN-150 says
 * which are on).
 */
@Component(immediate = true, service = {})
public final class OptionalFeatures {

    @Activate
    void activate(ComponentContext cc) {
        enableIfWired(cc, "health checks", "org.apache.felix.hc.api.HealthCheck", HealthChecks.PID);
        enableIfWired(cc, "socket events to Event Admin", "org.osgi.service.event.EventAdmin", EventPublisher.PID);
    }

    private static void enableIfWired(ComponentContext cc, String feature, String className, String component) {
        String pkg = className.substring(0, className.lastIndexOf('.'));
        boolean wired;
        try {
            cc.getBundleContext().getBundle().loadClass(className);
            wired = true;
        } catch (ClassNotFoundException e) {
            wired = false;
        }
        if (wired) {
            cc.enableComponent(component);
        }
        Log.optionalFeature(feature, pkg, wired);
    }
}
