package io.zconn.ra.api;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;

import java.io.Serializable;

/**
 * Hands out {@link ZmqConnection}s for one configured ZeroMQ socket (type, endpoints, options),
 * as bound in JNDI by the application server or created directly outside a container.
 *
 * <pre>{@code
 * @Resource(lookup = "java:/zconn/Push")
 * ZmqConnectionFactory factory;
 *
 * try (ZmqConnection c = factory.getConnection()) {
 *     c.send(ZmqMessage.of("hello"));
 * }
 * }</pre>
 */
public interface ZmqConnectionFactory extends Serializable, Referenceable {
    /**
     * Obtains a connection handle. Close it when done; the socket behind it goes back to the pool
     * (or, for bound sockets, stays shared inside the adapter).
     *
     * @return a connection handle
     * @throws ResourceException when no connection can be made (bad configuration, adapter stopped)
     */
    ZmqConnection getConnection() throws ResourceException;

    /**
     * Tells {@code listener} what happens to the network connections of this factory's sockets from
     * now on (connected, accepted, disconnected, reconnect scheduled); adding it twice does nothing.
     * A pooled socket is opened at the first {@link #getConnection()} that needs it, so its first
     * events come after that. Remove the listener when the application stops.
     *
     * @param listener the listener
     */
    void addConnectionListener(ZmqConnectionListener listener);

    /** @param listener a listener added before; removing one that is not there does nothing */
    void removeConnectionListener(ZmqConnectionListener listener);
}
