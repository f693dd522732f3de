package io.zconn.engine.core;

/**
 * A transport {@link Ctx} routes endpoints to: inproc, or tcp and ipc on Netty. The implementations
 * live in the transport packages, which depend on core; {@link io.zconn.engine.Context} wires them
 * into {@link Ctx}, so core never depends on a transport.
 */
public interface Transport {
    /**
     * @param socket the binding socket
     * @param ep     where
     * @return the handle that stops listening
     */
    EndpointHandle bind(SocketBase socket, Endpoint ep);

    /**
     * @param socket the connecting socket
     * @param ep     where
     * @return the handle that stops connecting
     */
    EndpointHandle connect(SocketBase socket, Endpoint ep);

    /** Stops the transport's threads, if it has any; called once when the context closes. */
    default void shutdown() {
    }
}
