package io.zconn.osgi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the sockets' health checks, PID {@code io.zconn.health}. */
@ObjectClassDefinition(id = HealthChecks.PID, name = "zconn health checks",
        description = "Felix Health Checks of the zconn sockets: one per managed socket, named 'zconn socket <name>'."
                + " Active only when the Felix Health Check API is installed.")
@interface HealthConfig {
    /** @return the tags */
    @AttributeDefinition(name = "Tags", description = "The health checks' tags (hc.tags), by which executors"
            + " select them; 'zconn' is always one of them.")
    String[] tags() default {"zconn"};

    /** @return fewer peers than this is WARN */
    @AttributeDefinition(name = "Minimum peers", min = "0", description = "A socket with fewer connected peers"
            + " than this is WARN (0: never). A PUB or XPUB counts a peer once it subscribed.")
    int min_peers() default 1;
}
