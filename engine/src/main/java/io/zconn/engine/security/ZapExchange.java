package io.zconn.engine.security;

import io.zconn.engine.ZapHandler;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One mechanism's ZAP request: sent without blocking, answered on the connection's I/O thread
 * (through {@link HandshakeSession#resume}), given up after the timeout.
 */
final class ZapExchange {
    private final HandshakeSession session;
    private final SecurityConfig config;
    private Authenticator.Pending pending;
    private boolean closed;

    ZapExchange(HandshakeSession session, SecurityConfig config) {
        this.session = session;
        this.config = config;
    }

    /**
     * Sends the request; on the I/O thread.
     *
     * @param mechanism   the mechanism's name
     * @param credentials its credentials
     * @param onResult    called once on the I/O thread with the answer (or the timeout)
     * @return false when there is no ZAP handler
     */
    boolean start(String mechanism, List<byte[]> credentials, Consumer<ZapResult> onResult) {
        ZapHandler.Request request = new ZapHandler.Request(config.zapDomain(), session.peerAddress(),
                config.routingId(), mechanism, credentials);
        boolean[] answered = new boolean[1];
        Consumer<ZapResult> once = r -> {
            if (!answered[0] && !closed) {
                answered[0] = true;
                onResult.accept(r);
            }
        };
        pending = config.authenticator().request(request, r -> session.resume(() -> once.accept(r)));
        if (pending == null) {
            return false;
        }
        long timeout = config.zapTimeoutMillis();
        session.schedule(() -> {
            if (!answered[0] && !closed) {
                cancel();
                once.accept(ZapResult.failed("no answer from the ZAP handler within " + timeout + " ms"));
            }
        }, timeout);
        return true;
    }

    /** Gives up on a pending answer. */
    void close() {
        closed = true;
        cancel();
    }

    private void cancel() {
        if (pending != null) {
            Authenticator.Pending p = pending;
            pending = null;
            p.cancel();
        }
    }

    /** Logs once that no handler is there (for PLAIN servers, which then refuse everyone). */
    void noHandler(String what) {
        if (config.authenticator() instanceof ZapDispatcher d) {
            d.noHandler(what);
        }
    }

    /** Logs once per kind of server that no handler is there, and what follows from it. */
    void noHandler(String what, String consequence) {
        if (config.authenticator() instanceof ZapDispatcher d) {
            d.noHandler(what, consequence);
        }
    }

    /**
     * @param result an accepted reply
     * @return User-Id and the reply's metadata, as libzmq adds them to the connection's properties
     */
    static Map<String, byte[]> properties(ZapResult result) {
        Map<String, byte[]> p = Metadata.newMap();
        p.putAll(result.metadata());
        p.put("User-Id", result.userId());
        return p;
    }

    /**
     * @param result a reply
     * @return how the log shows it
     */
    static String describe(ZapResult result) {
        return result.statusCode() == 0 ? result.statusText()
                : "ZAP " + result.statusCode() + " " + result.statusText();
    }

    /**
     * @param result a refusing reply (or none)
     * @return the ERROR a refused peer is told, as libzmq: the status code of a 400 or 500 and
     *         nothing else; null for a 300 or no reply (the connection just closes)
     */
    static Command.Error refusal(ZapResult result) {
        return result.statusCode() == 400 || result.statusCode() == 500
                ? new Command.Error(Integer.toString(result.statusCode())) : null;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
