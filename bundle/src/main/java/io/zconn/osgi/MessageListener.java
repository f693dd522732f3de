package io.zconn.osgi;

import io.zconn.engine.Message;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard listener: register a service of this type with the property
 * {@code zconn.socket=<socket name>} and it receives every message that socket receives.
 *
 * <p>Messages are delivered one at a time, in order, on the socket's delivery thread; a slow
 * listener slows the socket (and, past the receive high-water mark, its peers). Exceptions are
 * logged and counted, and delivery goes on with the next message.
 */
@ConsumerType
@FunctionalInterface
public interface MessageListener {
    /**
     * @param message the message received, all frames
     * @throws Exception logged and counted; it does not stop delivery
     */
    void onMessage(Message message) throws Exception;
}
