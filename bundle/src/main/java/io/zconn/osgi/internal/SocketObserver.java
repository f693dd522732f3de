package io.zconn.osgi.internal;

import io.zconn.engine.SocketEvent;

/**
 * Told by the {@link SocketManager} when a managed socket appears or goes and what happens to its
 * connections; the health checks and the Event Admin bridge are observers. Called on the thread
 * that opens or closes the socket, and for events on the engine's monitor thread of that socket
 * (one event at a time, in order); an observer must not block for long (a slow one delays only
 * that socket's events, which the engine then drops past its bounded queue) and what it throws is
 * logged (ZCONN-152) without stopping the others.
 */
interface SocketObserver {
    /** @param socket a socket now managed (open, or configured and FAILED) */
    default void added(ManagedSocket socket) {
    }

    /** @param socket a socket closed and no longer managed */
    default void removed(ManagedSocket socket) {
    }

    /**
     * @param socket the socket
     * @param event  what happened to its connections
     */
    default void event(ManagedSocket socket, SocketEvent event) {
    }
}
