package io.zconn.engine;

/**
 * Receives a socket's {@link SocketEvent}s; see {@link Socket#monitor(SocketListener, SocketEvent.Type...)}.
 *
 * <p>Called off the I/O threads, on the context's host-supplied executor (or thread factory), or
 * else on short-lived {@code zconn-events-N} daemon threads that end when no event is waiting;
 * one event at a time and in order for each listener. A slow listener delays only its own events:
 * past {@link Socket#MONITOR_QUEUE} waiting events the next are dropped, counted, and reported
 * once as an {@link SocketEvent.Type#EVENTS_DROPPED} event. An exception thrown here is logged and
 * the next event is delivered.
 */
@FunctionalInterface
public interface SocketListener {
    /** @param event what happened */
    void onEvent(SocketEvent event);
}
