package io.zconn.support;

import io.zconn.engine.Message;

import java.time.Duration;

/** Where replies go: the socket's {@code send}. */
@FunctionalInterface
public interface Outbox {
    /**
     * @param message the reply, with its envelope
     * @param timeout how long to wait for room
     * @return whether it was queued
     */
    boolean send(Message message, Duration timeout);
}
