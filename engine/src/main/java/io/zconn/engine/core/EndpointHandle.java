package io.zconn.engine.core;

/**
 * What a socket keeps for each bind or connect: the resolved endpoint and a way to stop it.
 */
public interface EndpointHandle {
    /** @return the endpoint as resolved (e.g. with the real port for {@code tcp://*:*}) */
    String endpoint();

    /** Stops listening or connecting; sessions opened through it end (with linger). */
    void close();
}
