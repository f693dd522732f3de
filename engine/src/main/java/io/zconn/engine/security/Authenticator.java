package io.zconn.engine.security;

import io.zconn.engine.ZapHandler;

import java.util.function.Consumer;

/**
 * Where a mechanism's ZAP requests go (RFC 27): a context's {@link ZapDispatcher}, or nothing. A
 * request is answered exactly once, on any thread, unless cancelled first.
 */
public interface Authenticator {
    /** No ZAP handler, ever. */
    Authenticator NONE = (request, onResult) -> null;

    /**
     * @param request  the request
     * @param onResult told the outcome once, on any thread
     * @return the pending request, or null when no ZAP handler is there
     */
    Pending request(ZapHandler.Request request, Consumer<ZapResult> onResult);

    /** A request waiting for its answer. */
    interface Pending {
        /** Gives up on the answer (idempotent): frees the request's slot and its pipe. */
        void cancel();
    }
}
