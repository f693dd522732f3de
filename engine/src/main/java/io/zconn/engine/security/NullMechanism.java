package io.zconn.engine.security;

import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.MechanismProvider;
import io.zconn.engine.zmtp.ZmtpException;

import java.util.List;
import java.util.Map;

/**
 * The ZMTP NULL mechanism: each side sends READY with its metadata; the handshake fails when the
 * peer's Socket-Type cannot talk to ours (an ERROR command tells the peer why).
 *
 * <p>With a ZAP_DOMAIN, as in libzmq, the connection is first put to the ZAP handler (mechanism
 * {@code NULL}, no credentials) and READY is sent only once it accepts: a 400 or 500 reply sends an
 * ERROR with the status code, a 300 closes the connection without one. With no ZAP handler the
 * connection is accepted, unless ZAP_ENFORCE_DOMAIN is set.
 */
public final class NullMechanism implements Mechanism {
    /** Provider for the NULL mechanism, without ZAP. */
    public static final MechanismProvider PROVIDER = new MechanismProvider() {
        @Override
        public String name() {
            return "NULL";
        }

        @Override
        public Mechanism create(SocketType type, Map<String, byte[]> localProperties, boolean asServer) {
            return new NullMechanism(type, localProperties);
        }
    };

    private final SocketType type;
    private final Map<String, byte[]> local;
    private final ZapExchange zap;
    private Map<String, byte[]> peer;
    private boolean readySent;
    private boolean errorSent;
    private boolean zapWaiting;
    private Command.Error errorToSend;
    private Map<String, byte[]> auth = Map.of();
    private ZmtpException error;

    /**
     * @param type  local socket type
     * @param local metadata to send
     */
    public NullMechanism(SocketType type, Map<String, byte[]> local) {
        this.type = type;
        this.local = local;
        this.zap = null;
    }

    /**
     * @param session the connection
     * @param config  the socket's security settings (ZAP_DOMAIN, ZAP_ENFORCE_DOMAIN)
     */
    NullMechanism(HandshakeSession session, SecurityConfig config) {
        this.type = session.socketType();
        this.local = session.localProperties();
        if (config.zapDomain().isEmpty()) {
            this.zap = null;
            return;
        }
        this.zap = new ZapExchange(session, config);
        if (zap.start("NULL", List.of(), this::zapAnswered)) {
            zapWaiting = true;
        } else if (config.enforceDomain()) {
            error = new ZmtpException("no ZAP handler for ZAP domain '" + config.zapDomain() + "' (ZAP_ENFORCE_DOMAIN is set)");
        }
    }

    private void zapAnswered(ZapResult r) {
        zapWaiting = false;
        if (r.accepted()) {
            auth = ZapExchange.properties(r);
            return;
        }
        errorToSend = ZapExchange.refusal(r);
        error = new ZmtpException("the ZAP handler refused the peer: " + ZapExchange.describe(r))
                .zapStatus(r.statusCode()).protocolCode(ZmtpException.ZAP_UNSPECIFIED);
    }

    @Override
    public String name() {
        return "NULL";
    }

    @Override
    public Command nextHandshakeCommand() {
        if (errorToSend != null) {
            Command c = errorToSend;
            errorToSend = null;
            errorSent = true;
            return c;
        }
        if (error != null || zapWaiting) {
            return null;
        }
        if (!readySent) {
            readySent = true;
            return new Command.Ready(local);
        }
        return null;
    }

    @Override
    public void processHandshakeCommand(Command command) {
        if (command instanceof Command.Error e) {
            String reason = e.reason();
            // an ERROR carrying a ZAP status code: the peer's ZAP handler refused us; as libzmq, do not retry
            error = SecurityConfig.isZapStatus(reason)
                    ? ZmtpException.fatal("the peer refused this connection (ZAP status " + reason + ")")
                    : new ZmtpException("peer refused the handshake: " + reason);
            error.zapStatus(SecurityConfig.zapStatus(reason));
            errorSent = true;
            return;
        }
        if (!(command instanceof Command.Ready ready) || peer != null) {
            throw new ZmtpException("unexpected " + command.name() + " command in NULL handshake").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
        }
        peer = ready.properties();
        String problem = SecurityConfig.checkPeerType(type, peer);
        if (problem != null && error == null) {
            error = new ZmtpException(problem).protocolCode(ZmtpException.INVALID_METADATA);
            if (!errorSent) {
                errorToSend = new Command.Error(problem);
            }
        }
    }

    @Override
    public Status status() {
        if (error != null) {
            return errorToSend != null ? Status.HANDSHAKING : Status.ERROR;
        }
        return readySent && peer != null ? Status.READY : Status.HANDSHAKING;
    }

    @Override
    public Map<String, byte[]> peerProperties() {
        return peer == null ? Map.of() : peer;
    }

    @Override
    public String errorReason() {
        return error == null ? null : error.getMessage();
    }

    @Override
    public ZmtpException failure() {
        return error;
    }

    @Override
    public Map<String, byte[]> authProperties() {
        return auth;
    }

    @Override
    public void close() {
        if (zap != null) {
            zap.close();
        }
    }
}
