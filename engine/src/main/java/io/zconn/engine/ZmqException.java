package io.zconn.engine;

import java.util.Objects;

/**
 * The unchecked exception thrown by zconn operations. {@link #errno()} tells which libzmq error
 * condition applies, so callers can react to {@link Errno#EAGAIN} or {@link Errno#ETERM} without
 * parsing messages.
 */
public class ZmqException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * Creates an exception for the given condition.
     *
     * @param errno   the libzmq error name that applies
     * @param message a message naming what failed (endpoint, option, socket)
     */
    public ZmqException(Errno errno, String message) {
        super(errno + ": " + message);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /**
     * Creates an exception for the given condition with a cause.
     *
     * @param errno   the libzmq error name that applies
     * @param message a message naming what failed
     * @param cause   the underlying failure
     */
    public ZmqException(Errno errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /** @return the libzmq error name for this failure */
    public Errno errno() {
        return errno;
    }
}
