package io.zconn.ra.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.lang.management.ManagementFactory;

/**
 * The {@code zconn} readiness check (MicroProfile Health, {@code /health/ready}): DOWN while an
 * activation or a connection factory of the zconn resource adapter is not ready; see
 * {@link ZconnHealth} for the rule and the data.
 */
@Readiness
@ApplicationScoped
public class ZconnReadinessCheck implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
        return ZconnHealth.readiness(ManagementFactory.getPlatformMBeanServer());
    }
}
