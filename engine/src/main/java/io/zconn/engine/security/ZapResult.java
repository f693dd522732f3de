package io.zconn.engine.security;

import java.util.Map;

/**
 * The outcome of a ZAP request: a valid reply, or why none came (no answer in time, a malformed
 * reply, too many requests pending, the handler gone).
 *
 * @param statusCode 200, 300, 400 or 500; 0 when there is no valid reply
 * @param statusText the reply's status text, or why there is no reply
 * @param userId     the User-Id (empty if none)
 * @param metadata   the reply's metadata (case-insensitive names)
 */
@SuppressWarnings("ArrayRecordComponent") // a reply's bytes, never compared or hashed
public record ZapResult(int statusCode, String statusText, byte[] userId, Map<String, byte[]> metadata) {
    /**
     * @param why what went wrong
     * @return a result without a reply
     */
    public static ZapResult failed(String why) {
        return new ZapResult(0, why, new byte[0], Map.of());
    }

    /** @return whether the peer is accepted */
    public boolean accepted() {
        return statusCode == 200;
    }
}
