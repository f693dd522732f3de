package io.zconn.engine;

/**
 * A registration made by {@link Socket#monitor(SocketListener, SocketEvent.Type...)}: closing it
 * stops the events (the listener gets a last {@link SocketEvent.Type#MONITOR_STOPPED} if it asked
 * for that type); so does closing the socket or its context.
 */
public interface SocketMonitor extends AutoCloseable {
    /** @return how many events this listener has lost to its bounded queue so far */
    long droppedEvents();

    /** Stops monitoring; idempotent, never blocks, throws nothing. */
    @Override
    void close();
}
