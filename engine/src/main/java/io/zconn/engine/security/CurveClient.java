package io.zconn.engine.security;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.zconn.engine.SocketType;
import io.zconn.engine.security.curve.CryptoBox;
import io.zconn.engine.security.curve.CurveMessageCodec;
import io.zconn.engine.security.curve.CurveNonces;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.HandshakeSession;
import io.zconn.engine.zmtp.Mechanism;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.ZmtpException;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;

/**
 * The client side of CURVE (RFC 26): HELLO with a fresh short-term key C', the server's WELCOME
 * (its short-term key S' and a cookie) opened with the server's long-term key S, INITIATE with our
 * long-term key C vouched for and our metadata, and READY with the server's metadata; then every frame
 * travels in a MESSAGE box ({@link CurveMessageCodec}). A WELCOME that does not open means the server
 * does not hold the secret key of CURVE_SERVERKEY: the handshake fails (logged), and the socket
 * reconnects per RECONNECT_IVL, as libzmq's does. An ERROR from the server (its ZAP handler refused
 * our key) ends the handshake for good, as PLAIN's. No key appears in any message.
 */
final class CurveClient implements Mechanism {
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { SEND_HELLO, WAIT_WELCOME, SEND_INITIATE, WAIT_READY, READY }

    private final SocketType type;
    private final Map<String, byte[]> local;
    private final CurveKeys keys;
    private final long maxMsgSize;
    private final CurveNonces nonces = new CurveNonces();
    private final byte[] shortSecret = new byte[32];
    private byte[] shortPublic;
    private byte[] serverShortPublic;
    private byte[] cookie;
    private CryptoBox messageBox;
    private State state = State.SEND_HELLO;
    private Map<String, byte[]> peer;
    private ZmtpException error;

    CurveClient(HandshakeSession session, SecurityConfig config) {
        this.type = session.socketType();
        this.local = session.localProperties();
        this.keys = config.curve();
        this.maxMsgSize = config.maxMsgSize();
        if (keys.serverKey().length != 32 || keys.publicKey().length != 32 || keys.secretKey().length != 32) {
            error = ZmtpException.fatal("a CURVE client needs CURVE_SERVERKEY, CURVE_PUBLICKEY and CURVE_SECRETKEY;"
                    + " not connecting");
            return;
        }
        RANDOM.nextBytes(shortSecret);
        try {
            shortPublic = CryptoBox.publicKey(shortSecret);
        } catch (GeneralSecurityException e) {
            error = ZmtpException.fatal("CURVE: no X25519 in this JDK: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String name() {
        return "CURVE";
    }

    @Override
    public boolean rawCommands() {
        return true;
    }

    @Override
    public Command nextHandshakeCommand() {
        if (error != null) {
            return null;
        }
        try {
            switch (state) {
                case SEND_HELLO -> {
                    state = State.WAIT_WELCOME;
                    return new Command.Unknown("HELLO", hello());
                }
                case SEND_INITIATE -> {
                    state = State.WAIT_READY;
                    return new Command.Unknown("INITIATE", initiate());
                }
                default -> {
                    return null;
                }
            }
        } catch (GeneralSecurityException e) {
            error = new ZmtpException("CURVE: a key the server sent or we hold is unusable ("
                    + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /** Version 1.0, 72 bytes of anti-amplification padding, C', the short nonce, Box[64 zeros](C'->S). */
    private byte[] hello() throws GeneralSecurityException {
        byte[] d = new byte[2 + 72 + 32 + 8 + 80];
        d[0] = 1;
        System.arraycopy(shortPublic, 0, d, 74, 32);
        byte[] nonce = nonces.nextShort("CurveZMQHELLO---");
        System.arraycopy(nonce, 16, d, 106, 8);
        CryptoBox.between(shortSecret, keys.serverKey()).seal(nonce, new byte[64], 0, 64, d, 114);
        return d;
    }

    /** The WELCOME nonce (16), then Box[S' + cookie](S->C'). */
    private void welcome(byte[] d) throws GeneralSecurityException {
        if (d.length != 16 + 144) {
            throw new ZmtpException("CURVE: malformed WELCOME command (" + d.length + " bytes)").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        byte[] plain = CryptoBox.between(shortSecret, keys.serverKey())
                .open(CurveNonces.longNonce("WELCOME-", d, 0), d, 16, 144);
        if (plain == null) {
            throw new ZmtpException("CURVE: the server's WELCOME does not open with CURVE_SERVERKEY"
                    + " (the server holds another key)").protocolCode(ZmtpException.CRYPTOGRAPHIC);
        }
        serverShortPublic = java.util.Arrays.copyOfRange(plain, 0, 32);
        cookie = java.util.Arrays.copyOfRange(plain, 32, 128);
        messageBox = CryptoBox.between(shortSecret, serverShortPublic);
        state = State.SEND_INITIATE;
    }

    /** The cookie, the short nonce, then Box[C + vouch nonce + Box[C' + S](C->S') + metadata](C'->S'). */
    private byte[] initiate() throws GeneralSecurityException {
        byte[] vouchNonce = CurveNonces.randomLongNonce("VOUCH---");
        byte[] vouchPlain = new byte[64];
        System.arraycopy(shortPublic, 0, vouchPlain, 0, 32);
        System.arraycopy(keys.serverKey(), 0, vouchPlain, 32, 32);
        byte[] metadata = Metadata.toBytes(local);
        byte[] plain = new byte[32 + 16 + 80 + metadata.length];
        System.arraycopy(keys.publicKey(), 0, plain, 0, 32);
        System.arraycopy(vouchNonce, 8, plain, 32, 16);
        CryptoBox.between(keys.secretKey(), serverShortPublic).seal(vouchNonce, vouchPlain, 0, 64, plain, 48);
        System.arraycopy(metadata, 0, plain, 128, metadata.length);
        byte[] d = new byte[96 + 8 + CryptoBox.MAC_BYTES + plain.length];
        System.arraycopy(cookie, 0, d, 0, 96);
        byte[] nonce = nonces.nextShort("CurveZMQINITIATE");
        System.arraycopy(nonce, 16, d, 96, 8);
        messageBox.seal(nonce, plain, 0, plain.length, d, 104);
        return d;
    }

    /** The short nonce, then Box[metadata](S'->C'). */
    private void ready(byte[] d) {
        if (d.length < 8 + CryptoBox.MAC_BYTES) {
            throw new ZmtpException("CURVE: malformed READY command (" + d.length + " bytes)").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        long counter = CurveNonces.counter(d, 0);
        if (!nonces.acceptPeer(counter)) {
            throw new ZmtpException("CURVE: READY nonce not above the last one");
        }
        byte[] plain = messageBox.open(CurveNonces.shortNonce("CurveZMQREADY---", counter), d, 8, d.length - 8);
        if (plain == null) {
            throw new ZmtpException("CURVE: the server's READY fails authentication").protocolCode(ZmtpException.CRYPTOGRAPHIC);
        }
        peer = Metadata.decode(Unpooled.wrappedBuffer(plain));
        String problem = SecurityConfig.checkPeerType(type, peer);
        if (problem != null) {
            error = new ZmtpException(problem).protocolCode(ZmtpException.INVALID_METADATA);
            return;
        }
        state = State.READY;
    }

    @Override
    public void processHandshakeCommand(Command command) {
        if (error != null) {
            return;
        }
        if (command instanceof Command.Error e && (state == State.WAIT_WELCOME || state == State.WAIT_READY)) {
            String reason = e.reason();
            error = ZmtpException.fatal(SecurityConfig.isZapStatus(reason)
                    ? "the CURVE server refused our key (ZAP status " + reason + "); not reconnecting, as libzmq"
                    : "the CURVE server refused the handshake: " + reason + "; not reconnecting, as libzmq")
                    .zapStatus(SecurityConfig.zapStatus(reason));
            return;
        }
        try {
            if (state == State.WAIT_WELCOME && command instanceof Command.Unknown u && u.name().equals("WELCOME")) {
                welcome(u.data());
                return;
            }
        } catch (GeneralSecurityException e) {
            error = new ZmtpException("CURVE: the server's short-term key is unusable (" + e.getClass().getSimpleName() + ")");
            return;
        }
        if (state == State.WAIT_READY && command instanceof Command.Unknown u && u.name().equals("READY")) {
            ready(u.data());
            return;
        }
        throw new ZmtpException("unexpected " + command.name() + " command in CURVE handshake (client)").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
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

    @Override
    public ChannelHandler dataLayer() {
        return state == State.READY ? new CurveMessageCodec(messageBox, nonces, true, maxMsgSize) : null;
    }

    @Override
    public void close() {
        java.util.Arrays.fill(shortSecret, (byte) 0);
    }
}
