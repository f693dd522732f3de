package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

/**
 * PROBE_ROUTER: the empty message a ROUTER, DEALER or REQ sends first on each new pipe, so that a
 * ROUTER peer sees the connection at once (as {@code [routing id, empty]}).
 */
public final class RouterProbe {
    private RouterProbe() {
    }

    /**
     * Queues the probe on a new pipe, unless it is already full or gone.
     *
     * @param pipe the new pipe
     */
    public static void send(Pipe pipe) {
        if (pipe.checkWrite()) {
            pipe.write(Frame.EMPTY);
            pipe.flush();
        }
    }
}
