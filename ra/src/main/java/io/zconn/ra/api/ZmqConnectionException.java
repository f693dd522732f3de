package io.zconn.ra.api;

/**
 * Thrown by {@link ZmqConnection} operations that fail: timeouts, closed handles, broken sockets.
 */
public class ZmqConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** The operation did not complete in time; the connection stays usable (except after a request). */
        TIMEOUT,
        /** The handle was closed, or the adapter stopped. */
        CLOSED,
        /** The operation is not possible for this socket type or configuration. */
        NOT_SUPPORTED,
        /** The socket failed; it is removed from the pool. */
        FAILED
    }

    private final Reason reason;

    /**
     * @param reason  why
     * @param message what failed
     * @param cause   the underlying failure, or null
     */
    public ZmqConnectionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** @return why the operation failed */
    public Reason reason() {
        return reason;
    }
}
