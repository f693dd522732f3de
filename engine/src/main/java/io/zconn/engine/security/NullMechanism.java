package io.zconn.engine.security;

import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.MechanismProvider;
import io.zconn.engine.zmtp.ZmtpException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The ZMTP NULL mechanism: each side sends READY with its metadata; the handshake fails when the
 * peer's Socket-Type cannot talk to ours (an ERROR command tells the peer why).
 */
public final class NullMechanism implements Mechanism {
    /** Provider for the NULL mechanism. */
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
    private Map<String, byte[]> peer;
    private boolean readySent;
    private boolean errorSent;
    private String error;

    /**
     * @param type  local socket type
     * @param local metadata to send
     */
    public NullMechanism(SocketType type, Map<String, byte[]> local) {
        this.type = type;
        this.local = local;
    }

    @Override
    public String name() {
        return "NULL";
    }

    @Override
    public Command nextHandshakeCommand() {
        if (error != null) {
            if (!errorSent && peer != null) {
                errorSent = true;
                return new Command.Error(error);
            }
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
            error = "peer refused the handshake: " + e.reason();
            errorSent = true;
            return;
        }
        if (!(command instanceof Command.Ready ready) || peer != null) {
            throw new ZmtpException("unexpected " + command.name() + " command in NULL handshake");
        }
        peer = ready.properties();
        byte[] t = peer.get("Socket-Type");
        if (t == null) {
            error = "peer sent no Socket-Type";
            return;
        }
        String peerType = new String(t, StandardCharsets.US_ASCII);
        if (!type.isCompatibleWith(peerType)) {
            error = "incompatible socket type " + peerType + " for " + type;
        }
    }

    @Override
    public Status status() {
        if (error != null) {
            return Status.ERROR;
        }
        return readySent && peer != null ? Status.READY : Status.HANDSHAKING;
    }

    @Override
    public Map<String, byte[]> peerProperties() {
        return peer == null ? Map.of() : peer;
    }

    @Override
    public String errorReason() {
        return error;
    }
}
