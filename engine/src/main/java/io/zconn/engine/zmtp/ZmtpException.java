package io.zconn.engine.zmtp;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

/** A peer broke the ZMTP protocol (or sent a frame over MAXMSGSIZE): its connection is dropped. */
public final class ZmtpException extends ZmqException {
    private static final long serialVersionUID = 1L;

    private final boolean fatal;
    private final boolean reported;

    /** @param message what was wrong */
    public ZmtpException(String message) {
        this(Errno.EPROTO, message);
    }

    /**
     * @param errno   the condition (EMSGSIZE for oversized frames)
     * @param message what was wrong
     */
    public ZmtpException(Errno errno, String message) {
        this(errno, message, false, false);
    }

    private ZmtpException(Errno errno, String message, boolean fatal, boolean reported) {
        super(errno, message);
        this.fatal = fatal;
        this.reported = reported;
    }

    /**
     * A refusal the connecting side must not retry, as libzmq does not: the peer refused our
     * credentials (an ERROR with a ZAP status code) or uses another security mechanism.
     *
     * @param message what happened
     * @return the exception
     */
    public static ZmtpException fatal(String message) {
        return new ZmtpException(Errno.EPROTO, message, true, false);
    }

    /**
     * A failure already logged where an operator sees it (once, not per connection).
     *
     * @param message what happened
     * @return the exception
     */
    public static ZmtpException reported(String message) {
        return new ZmtpException(Errno.EPROTO, message, false, true);
    }

    /** @return whether a connecting socket should stop reconnecting to this peer */
    public boolean isFatal() {
        return fatal;
    }

    /** @return whether it has already been logged */
    public boolean isReported() {
        return reported;
    }
}
