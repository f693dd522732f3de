package io.zconn.ra.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A handle to one ZeroMQ socket managed by the resource adapter. Handles are cheap: obtain one,
 * use it, close it (try-with-resources). A handle is meant for one thread at a time; the socket
 * behind it may be shared by the adapter (bound sockets, see the factory's documentation).
 *
 * <p>Every method throws {@link ZmqConnectionException} when the socket failed or the handle is
 * closed; a failed socket is destroyed and never handed out again.
 */
public interface ZmqConnection extends AutoCloseable {
    /**
     * Sends a (multipart) message, blocking up to the factory's send timeout.
     *
     * @param message the message
     * @throws ZmqConnectionException when it could not be queued in time or the socket failed
     */
    void send(ZmqMessage message);

    /**
     * Sends a single-frame message.
     *
     * @param frame the bytes
     */
    default void send(byte[] frame) {
        send(ZmqMessage.of(frame));
    }

    /**
     * Sends a single-frame UTF-8 message.
     *
     * @param text the text
     */
    default void send(String text) {
        send(ZmqMessage.of(text));
    }

    /**
     * Receives the next message, waiting up to the factory's {@code receiveTimeout}.
     *
     * @return the message, or empty when none arrived in time
     */
    Optional<ZmqMessage> receive();

    /**
     * Receives the next message (PULL, SUB, DEALER, PAIR sockets).
     *
     * @param timeout how long to wait; {@code Duration.ZERO} does not block
     * @return the message, or empty when none arrived in time
     */
    Optional<ZmqMessage> receive(Duration timeout);

    /**
     * Sends a request and waits for its reply (REQ and DEALER sockets). A timeout affects only this
     * caller: a socket of its own ({@code bind=false}) is discarded, since a REQ socket that missed
     * its reply cannot be reused; on the shared bound socket ({@code bind=true}) each request carries
     * its own id, so the socket stays in service for everyone and the late reply is discarded.
     *
     * @param request the request
     * @param timeout how long to wait for the reply
     * @return the reply
     * @throws ZmqConnectionException on timeout, or when the socket type cannot make requests
     */
    ZmqMessage request(ZmqMessage request, Duration timeout);

    /**
     * Sends a request and waits up to the factory's {@code receiveTimeout} for the reply.
     *
     * @param request the request
     * @return the reply
     */
    ZmqMessage request(ZmqMessage request);

    /** @return the socket type's name, e.g. {@code PUSH} */
    String socketType();

    /** Releases the handle; the socket stays with the adapter. Idempotent. */
    @Override
    void close();
}
