package io.zconn.support;

import io.zconn.engine.Context;
import io.zconn.engine.Message;

import java.time.Duration;

/**
 * Where messages go whose delivery failed. {@link #push} is the one integrations use; tests plug
 * in their own.
 */
public interface DeadLetters extends AutoCloseable {
    /**
     * A PUSH socket connected to the endpoint with IMMEDIATE set, so that a dead letter is queued
     * only to a connected collector; one that cannot be handed over in time is counted and logged
     * as dropped instead of vanishing at close.
     *
     * @param context  the engine context
     * @param endpoint where to connect
     * @param linger   LINGER of the socket (ms)
     * @return the dead-letter socket
     */
    static DeadLetters push(Context context, String endpoint, int linger) {
        return new PushDeadLetters(context, endpoint, linger);
    }

    /** @return the endpoint, for log lines */
    String endpoint();

    /**
     * @param body    the failed message
     * @param timeout how long to wait for room and a connected collector
     * @return whether it was queued
     */
    boolean send(Message body, Duration timeout);

    @Override
    void close();
}
