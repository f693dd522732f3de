package io.zconn.engine.zmtp;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

/** A peer broke the ZMTP protocol (or sent a frame over MAXMSGSIZE): its connection is dropped. */
public final class ZmtpException extends ZmqException {
    private static final long serialVersionUID = 1L;

    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED. */
    public static final int UNSPECIFIED = 0x10000000;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND. */
    public static final int UNEXPECTED_COMMAND = 0x10000001;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED. */
    public static final int MALFORMED_COMMAND = 0x10000011;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA. */
    public static final int INVALID_METADATA = 0x10000018;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC. */
    public static final int CRYPTOGRAPHIC = 0x11000001;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH. */
    public static final int MECHANISM_MISMATCH = 0x11000002;
    /** libzmq's ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED. */
    public static final int ZAP_UNSPECIFIED = 0x20000000;

    private final boolean fatal;
    private final boolean reported;
    /** What a monitor is told: libzmq's protocol error code; 0 for no detail (a timeout). */
    @SuppressWarnings("serial")
    private int protocolCode = UNSPECIFIED;
    /** The ZAP status code that refused the handshake (300, 400, 500), or 0. */
    private int zapStatus;

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

    /**
     * @param code libzmq's {@code ZMQ_PROTOCOL_ERROR_*} code for monitors, 0 for no detail
     * @return this exception
     */
    public ZmtpException protocolCode(int code) {
        this.protocolCode = code;
        return this;
    }

    /**
     * @param status the ZAP status code that refused the handshake (300, 400 or 500)
     * @return this exception
     */
    public ZmtpException zapStatus(int status) {
        this.zapStatus = status;
        return this;
    }

    /** @return libzmq's protocol error code for monitors ({@link #UNSPECIFIED} by default), 0 for none */
    public int protocolCode() {
        return protocolCode;
    }

    /** @return the ZAP status code that refused the handshake, or 0 */
    public int zapStatus() {
        return zapStatus;
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
