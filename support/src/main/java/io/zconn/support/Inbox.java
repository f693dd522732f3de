package io.zconn.support;

import io.zconn.engine.Message;

import java.time.Duration;

/** Where the receive loop takes messages from: the socket's {@code recvMessage}. */
@FunctionalInterface
public interface Inbox {
    /**
     * @param timeout how long to wait (bounded)
     * @return the next message, or null
     */
    Message receive(Duration timeout);
}
