package io.zconn.ra.api;

/**
 * Message listener for one-way deliveries (PULL, SUB, PAIR, DEALER activations). Implement it in a
 * message-driven bean bound to the zconn resource adapter.
 */
public interface ZmqMessageListener {
    /**
     * Handles one message. An exception makes the adapter retry the delivery (up to the
     * activation's {@code maxRetries}), then count it as failed.
     *
     * @param message the message
     */
    void onMessage(ZmqMessage message);
}
