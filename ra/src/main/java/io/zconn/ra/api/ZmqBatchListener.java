package io.zconn.ra.api;

import java.util.List;

/**
 * Message listener that takes several one-way messages per call (PULL and SUB activations): the
 * container's cost of a message-driven bean invocation (interceptors, transaction, instance pool) is
 * paid once per batch instead of once per message. Implement it in a message-driven bean bound to the
 * zconn resource adapter.
 *
 * <p>A call gets the messages the socket already holds when the delivery can start, in arrival order,
 * at most the activation's {@code maxBatch} (default 100). The adapter never waits for a batch to
 * fill: a message that arrives alone is delivered alone, at once, so batching adds no latency; under
 * load batches grow. At most {@code maxConcurrentDeliveries} batches run at a time (one at a time, in
 * order, with {@code orderedDelivery}); messages beyond them wait in the socket.
 *
 * <p>One call is one delivery: with a container-managed transaction (REQUIRED) the whole batch is one
 * transaction. An exception fails the whole batch: it is retried as a whole (up to the activation's
 * {@code maxRetries}), then each of its messages is counted as failed and sent to the dead-letter
 * endpoint, if any. A listener that must not see a message twice should therefore make its work for
 * the batch atomic (one transaction) or idempotent.
 */
public interface ZmqBatchListener {
    /**
     * Handles a batch of messages.
     *
     * @param messages one or more messages in arrival order (an unmodifiable list; not to be kept
     *                 after the call: a retry gets the same messages again)
     */
    void onMessages(List<ZmqMessage> messages);
}
