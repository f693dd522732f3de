package io.zconn.engine.zmtp;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

/** A peer broke the ZMTP protocol (or sent a frame over MAXMSGSIZE): its connection is dropped. */
public final class ZmtpException extends ZmqException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong */
    public ZmtpException(String message) {
        super(Errno.EPROTO, message);
    }

    /**
     * @param errno   the condition (EMSGSIZE for oversized frames)
     * @param message what was wrong
     */
    public ZmtpException(Errno errno, String message) {
        super(errno, message);
    }
}
