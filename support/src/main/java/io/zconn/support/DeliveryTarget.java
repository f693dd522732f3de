package io.zconn.support;

import io.zconn.engine.Message;

import java.util.List;

/**
 * What a message is delivered to: the integration's listener call (the resource adapter's MDB
 * endpoint with beforeDelivery/afterDelivery, the bundle's whiteboard listeners). One call is one
 * attempt; the layer retries, replies, dead-letters and counts around it.
 */
public interface DeliveryTarget {
    /**
     * @param body the message without its envelope (not to be modified: a retry gets it again)
     * @return the listener's reply, or null for none
     * @throws Exception what the listener threw (an {@link Error} is passed on as thrown)
     */
    Message deliver(Message body) throws Exception;

    /**
     * @return whether the listener returns replies (a request listener): then a failed request is
     *         owed an answer under the {@link ReplyPolicy}; read after an attempt
     */
    boolean answers();

    /**
     * One attempt at a batch (only called when {@link DeliverySettings#maxBatch()} is above 1): the
     * listener takes every message of it in one call (one transaction when the integration brackets
     * it). A failure fails the whole batch: it is retried as a whole, then each of its messages is
     * dead-lettered or dropped.
     *
     * @param bodies the messages in arrival order (not to be modified: a retry gets them again)
     * @throws Exception what the listener threw (an {@link Error} is passed on as thrown)
     */
    default void deliverBatch(List<Message> bodies) throws Exception {
        throw new UnsupportedOperationException("this target takes one message per call");
    }
}
