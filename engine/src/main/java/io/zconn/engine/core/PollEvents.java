package io.zconn.engine.core;

/**
 * The event bits of {@link io.zconn.engine.ZmqOption#EVENTS} and the poller, kept in core so that
 * core does not depend on the API's {@link io.zconn.engine.Poller} (which re-exports them).
 */
public final class PollEvents {
    /** Ready to receive. */
    public static final int POLLIN = 1;
    /** Ready to send. */
    public static final int POLLOUT = 2;

    private PollEvents() {
    }
}
