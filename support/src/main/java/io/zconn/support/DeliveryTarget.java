package io.zconn.support;

import io.zconn.engine.Message;

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
}
