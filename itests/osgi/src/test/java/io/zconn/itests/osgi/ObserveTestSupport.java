package io.zconn.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * {@link OsgiTestSupport}'s framework plus the Felix Health Check API (with the SLF4J it logs
 * through) and Felix Event Admin: the optional imports of the zconn bundle are wired.
 */
public abstract class ObserveTestSupport extends OsgiTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(options(
                mavenBundle("org.slf4j", "slf4j-api").versionAsInProject(),
                mavenBundle("org.slf4j", "slf4j-simple").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.healthcheck.api").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.eventadmin").versionAsInProject()),
                super.config());
    }

    /** The health check service of a socket, or null. */
    protected ServiceReference<HealthCheck> healthCheck(String socket) {
        try {
            Collection<ServiceReference<HealthCheck>> refs = context.getServiceReferences(HealthCheck.class,
                    "(&(hc.tags=zconn)(zconn.name=" + socket + "))");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Runs the health check of a socket (as an executor would), waiting for it to be registered. */
    protected Result execute(String socket) throws Exception {
        awaitTrue("health check of " + socket, () -> healthCheck(socket) != null);
        ServiceReference<HealthCheck> ref = healthCheck(socket);
        HealthCheck hc = context.getService(ref);
        try {
            return hc.execute();
        } finally {
            context.ungetService(ref);
        }
    }

    /** @return the messages of a result, in order */
    protected static List<String> messages(Result r) {
        List<String> out = new ArrayList<>();
        for (ResultLog.Entry e : r) {
            out.add(e.getMessage());
        }
        return out;
    }
}
