package io.zconn.ra.api;

/**
 * Message listener for request/reply activations (REP, ROUTER; also DEALER and PAIR): the returned
 * message is sent back to the peer that asked, after the delivery's transaction (if any) commits.
 */
public interface ZmqRequestListener {
    /**
     * Answers one request.
     *
     * @param request the request (without envelope)
     * @return the reply; null sends nothing back
     */
    ZmqMessage onRequest(ZmqMessage request);
}
