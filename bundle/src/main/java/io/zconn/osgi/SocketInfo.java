package io.zconn.osgi;

import io.zconn.engine.SocketType;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of one managed socket, for consoles and health checks.
 */
@ProviderType
public interface SocketInfo {
    /** The state of a managed socket. */
    enum State {
        /** Being set up (options, binds, connects). */
        STARTING,
        /** Open, bound and connected as configured, registered as a service. */
        ACTIVE,
        /** The configuration could not be applied (see {@link #error()}); nothing is registered. */
        FAILED,
        /** Closed: its configuration was deleted, or its owner closed it. */
        CLOSED
    }

    /** @return the socket's name */
    String name();

    /** @return the socket's type */
    SocketType type();

    /** @return where it came from: {@code configuration} or {@code registry} */
    String origin();

    /** @return the state */
    State state();

    /** @return why it failed, or null */
    String error();

    /** @return bound endpoints (with the actual port) and connected endpoints */
    List<String> endpoints();

    /** @return how many whiteboard listeners receive its messages */
    int listeners();

    /** @return messages received by the delivery thread */
    long received();

    /** @return messages sent through the registry's console commands and replies from request listeners */
    long sent();

    /** @return listener calls that threw */
    long listenerFailures();
}
