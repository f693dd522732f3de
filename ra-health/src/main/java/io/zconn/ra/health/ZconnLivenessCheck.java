package io.zconn.ra.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.lang.management.ManagementFactory;

/**
 * The {@code zconn} liveness check (MicroProfile Health, {@code /health/live}): DOWN when an
 * activation's receive loop died of a fatal error (only a redeploy or restart recovers it); see
 * {@link ZconnHealth}.
 */
@Liveness
@ApplicationScoped
public class ZconnLivenessCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return ZconnHealth.liveness(ManagementFactory.getPlatformMBeanServer());
    }
}
