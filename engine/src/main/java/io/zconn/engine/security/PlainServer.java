package io.zconn.engine.security;

import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.ZmtpException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The server side of PLAIN (RFC 24): takes HELLO, asks the ZAP handler (without blocking the I/O
 * thread: the handshake resumes when the answer comes), then WELCOME, INITIATE (the client's
 * metadata) and READY. As libzmq 4.3: with no ZAP handler every client is refused (the connection
 * is closed, logged once); a 400 or 500 reply sends ERROR with the status code (only the code: the
 * status text stays in this side's log), a 300 closes without one; the handshake times out like
 * any other (HANDSHAKE_IVL) while the handler thinks. User-Id and the reply's metadata become the
 * connection's properties. Credentials appear in no message.
 */
final class PlainServer implements Mechanism {
    private enum State { WAIT_HELLO, WAIT_ZAP, SEND_WELCOME, WAIT_INITIATE, SEND_READY, READY }

    private final SocketType type;
    private final Map<String, byte[]> local;
    private final ZapExchange zap;
    private State state = State.WAIT_HELLO;
    private Map<String, byte[]> peer;
    private Map<String, byte[]> auth = Map.of();
    private Command.Error errorToSend;
    private ZmtpException error;

    PlainServer(HandshakeSession session, SecurityConfig config) {
        this.type = session.socketType();
        this.local = session.localProperties();
        this.zap = new ZapExchange(session, config);
    }

    @Override
    public String name() {
        return "PLAIN";
    }

    @Override
    public Command nextHandshakeCommand() {
        if (errorToSend != null) {
            Command c = errorToSend;
            errorToSend = null;
            return c;
        }
        if (error != null) {
            return null;
        }
        switch (state) {
            case SEND_WELCOME -> {
                state = State.WAIT_INITIATE;
                return new Command.Unknown("WELCOME", new byte[0]);
            }
            case SEND_READY -> {
                state = State.READY;
                return new Command.Ready(local);
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public void processHandshakeCommand(Command command) {
        if (error != null) {
            return;
        }
        if (state == State.WAIT_HELLO && command instanceof Command.Unknown u && u.name().equals("HELLO")) {
            hello(u.data());
            return;
        }
        if (state == State.WAIT_INITIATE && command instanceof Command.Unknown u && u.name().equals("INITIATE")) {
            peer = Metadata.decode(io.netty.buffer.Unpooled.wrappedBuffer(u.data()));
            String problem = SecurityConfig.checkPeerType(type, peer);
            if (problem != null) {
                error = new ZmtpException(problem).protocolCode(ZmtpException.INVALID_METADATA);
                errorToSend = new Command.Error(problem);
                return;
            }
            state = State.SEND_READY;
            return;
        }
        throw new ZmtpException("unexpected " + command.name() + " command in PLAIN handshake (server)").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
    }

    private void hello(byte[] d) {
        // username length, username, password length, password, nothing more (as libzmq checks it)
        if (d.length < 1 || d.length < 1 + (d[0] & 0xFF) + 1) {
            throw new ZmtpException("malformed HELLO command").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        int ulen = d[0] & 0xFF;
        int plen = d[1 + ulen] & 0xFF;
        if (d.length != 2 + ulen + plen) {
            throw new ZmtpException("malformed HELLO command").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        byte[] username = Arrays.copyOfRange(d, 1, 1 + ulen);
        byte[] password = Arrays.copyOfRange(d, 2 + ulen, d.length);
        Arrays.fill(d, (byte) 0);
        state = State.WAIT_ZAP;
        if (!zap.start("PLAIN", List.of(username, password), this::zapAnswered)) {
            zap.noHandler("a PLAIN server (PLAIN_SERVER set)");
            error = ZmtpException.reported("no ZAP handler: the PLAIN server refuses every client, as libzmq does");
        }
    }

    private void zapAnswered(ZapResult r) {
        if (r.accepted()) {
            auth = ZapExchange.properties(r);
            state = State.SEND_WELCOME;
            return;
        }
        errorToSend = ZapExchange.refusal(r);
        error = new ZmtpException("the ZAP handler refused the client: " + ZapExchange.describe(r))
                .zapStatus(r.statusCode()).protocolCode(ZmtpException.ZAP_UNSPECIFIED);
    }

    @Override
    public Status status() {
        if (error != null) {
            return errorToSend != null ? Status.HANDSHAKING : Status.ERROR;
        }
        return state == State.READY ? Status.READY : Status.HANDSHAKING;
    }

    @Override
    public Map<String, byte[]> peerProperties() {
        return peer == null ? Map.of() : peer;
    }

    @Override
    public Map<String, byte[]> authProperties() {
        return auth;
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
    public void close() {
        zap.close();
    }
}
