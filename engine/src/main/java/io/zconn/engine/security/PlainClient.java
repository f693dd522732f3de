package io.zconn.engine.security;

import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.ZmtpException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The client side of PLAIN (RFC 24): sends HELLO with the username and password, waits for
 * WELCOME, sends INITIATE with its metadata and waits for READY. An ERROR from the server (its ZAP
 * handler refused the credentials) ends the handshake for good: as libzmq, the socket does not
 * reconnect to that endpoint. The password appears in no message.
 */
final class PlainClient implements Mechanism {
    private enum State { SEND_HELLO, WAIT_WELCOME, SEND_INITIATE, WAIT_READY, READY }

    private final SocketType type;
    private final Map<String, byte[]> local;
    private final byte[] username;
    private final byte[] password;
    private State state = State.SEND_HELLO;
    private Map<String, byte[]> peer;
    private ZmtpException error;

    PlainClient(HandshakeSession session, SecurityConfig config) {
        this.type = session.socketType();
        this.local = session.localProperties();
        this.username = config.username().getBytes(StandardCharsets.UTF_8);
        this.password = config.password().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public Command nextHandshakeCommand() {
        if (error != null) {
            return null;
        }
        switch (state) {
            case SEND_HELLO -> {
                state = State.WAIT_WELCOME;
                byte[] d = new byte[2 + username.length + password.length];
                d[0] = (byte) username.length;
                System.arraycopy(username, 0, d, 1, username.length);
                d[1 + username.length] = (byte) password.length;
                System.arraycopy(password, 0, d, 2 + username.length, password.length);
                return new Command.Unknown("HELLO", d);
            }
            case SEND_INITIATE -> {
                state = State.WAIT_READY;
                return new Command.Unknown("INITIATE", Metadata.toBytes(local));
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public void processHandshakeCommand(Command command) {
        if (command instanceof Command.Error e && (state == State.WAIT_WELCOME || state == State.WAIT_READY)) {
            String reason = e.reason();
            error = ZmtpException.fatal(SecurityConfig.isZapStatus(reason)
                    ? "the PLAIN server refused our credentials (ZAP status " + reason + "); not reconnecting, as libzmq"
                    : "the PLAIN server refused the handshake: " + reason + "; not reconnecting, as libzmq")
                    .zapStatus(SecurityConfig.zapStatus(reason));
            return;
        }
        if (state == State.WAIT_WELCOME && command instanceof Command.Unknown u && u.name().equals("WELCOME")) {
            if (u.data().length != 0) {
                throw new ZmtpException("malformed WELCOME command").protocolCode(ZmtpException.MALFORMED_COMMAND);
            }
            state = State.SEND_INITIATE;
            return;
        }
        if (state == State.WAIT_READY && command instanceof Command.Ready ready) {
            peer = ready.properties();
            String problem = SecurityConfig.checkPeerType(type, peer);
            if (problem != null) {
                error = new ZmtpException(problem).protocolCode(ZmtpException.INVALID_METADATA);
                return;
            }
            state = State.READY;
            return;
        }
        throw new ZmtpException("unexpected " + command.name() + " command in PLAIN handshake (client)").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
    }

    @Override
    public Status status() {
        if (error != null) {
            return Status.ERROR;
        }
        return state == State.READY ? Status.READY : Status.HANDSHAKING;
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
}
