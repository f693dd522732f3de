package io.zconn.ra.api;

/**
 * Told what happens to the network connections of a connection factory's sockets: a peer
 * connected or was accepted, a connection was lost, a reconnect was scheduled. Register it with
 * {@link ZmqConnectionFactory#addConnectionListener(ZmqConnectionListener)}, e.g. from a
 * {@code @Startup @Singleton}'s {@code @PostConstruct}, and remove it in {@code @PreDestroy}.
 *
 * <p>Called on an adapter thread (the engine's event delivery, off its I/O threads), one event at a
 * time and in order for each socket; not in a transaction and without the application's naming
 * context or security identity. Return quickly: events for a slow listener queue up (bounded) and
 * the excess is dropped. An exception is logged (ZCONNRA0071) and the next event still comes.
 */
@FunctionalInterface
public interface ZmqConnectionListener {
    /** @param event what happened */
    void onConnectionEvent(ZmqConnectionEvent event);
}
