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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The server side of CURVE (RFC 26): opens the client's HELLO with our long-term secret key, answers
 * WELCOME with a fresh short-term key S' and a cookie (C' and s' boxed under a per-connection cookie
 * key), checks INITIATE (the cookie, the box, the vouch binding the client's long-term key C to C' and
 * to us), asks the ZAP handler about C (credentials: the 32-byte key, as libzmq sends it) without
 * blocking the I/O thread, and sends READY; then every frame travels in a MESSAGE box.
 *
 * <p>As libzmq 4.3: with no ZAP handler every client that knows our public key is accepted (logged
 * once per context, loudly), unless ZAP_ENFORCE_DOMAIN is set; a 400 or 500 answer sends ERROR with
 * the status code, a 300 closes without one. A HELLO or INITIATE that fails to open closes the
 * connection (logged once per connection); no key appears in any message.
 */
final class CurveServer implements Mechanism {
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { WAIT_HELLO, SEND_WELCOME, WAIT_INITIATE, WAIT_ZAP, SEND_READY, READY }

    private final SocketType type;
    private final Map<String, byte[]> local;
    private final CurveKeys keys;
    private final byte[] publicKey;
    private final long maxMsgSize;
    private final boolean enforceDomain;
    private final ZapExchange zap;
    private final CurveNonces nonces = new CurveNonces();
    private final byte[] shortSecret = new byte[32];
    private byte[] shortPublic;
    private byte[] clientShortPublic;
    private CryptoBox cookieKey;
    private CryptoBox messageBox;
    private State state = State.WAIT_HELLO;
    private Map<String, byte[]> peer;
    private Map<String, byte[]> auth = Map.of();
    private Command.Error errorToSend;
    private ZmtpException error;

    CurveServer(HandshakeSession session, SecurityConfig config) {
        this.type = session.socketType();
        this.local = session.localProperties();
        this.keys = config.curve();
        this.maxMsgSize = config.maxMsgSize();
        this.enforceDomain = config.enforceDomain();
        this.zap = new ZapExchange(session, config);
        byte[] pub = null;
        if (keys.secretKey().length != 32) {
            error = ZmtpException.fatal("a CURVE server needs CURVE_SECRETKEY; refusing the connection");
        } else {
            try {
                pub = CryptoBox.publicKey(keys.secretKey());
                RANDOM.nextBytes(shortSecret);
                shortPublic = CryptoBox.publicKey(shortSecret);
            } catch (GeneralSecurityException e) {
                error = ZmtpException.fatal("CURVE: no X25519 in this JDK: " + e.getClass().getSimpleName());
            }
        }
        this.publicKey = pub;
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
                return new Command.Unknown("WELCOME", welcome());
            }
            case SEND_READY -> {
                state = State.READY;
                return new Command.Unknown("READY", ready());
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
        try {
            if (state == State.WAIT_HELLO && command instanceof Command.Unknown u && u.name().equals("HELLO")) {
                hello(u.data());
                return;
            }
            if (state == State.WAIT_INITIATE && command instanceof Command.Unknown u && u.name().equals("INITIATE")) {
                initiate(u.data());
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new ZmtpException("CURVE: the client sent an unusable key (" + e.getClass().getSimpleName() + ")");
        }
        throw new ZmtpException("unexpected " + command.name() + " command in CURVE handshake (server)").protocolCode(ZmtpException.UNEXPECTED_COMMAND);
    }

    /** Version 1.0, padding, C', the short nonce, Box[64 zeros](C'->S). */
    private void hello(byte[] d) throws GeneralSecurityException {
        if (d.length != 2 + 72 + 32 + 8 + 80) {
            throw new ZmtpException("CURVE: malformed HELLO command (" + d.length + " bytes)").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        if (d[0] != 1 || d[1] != 0) {
            throw new ZmtpException("CURVE: HELLO of unknown version " + d[0] + "." + d[1]);
        }
        clientShortPublic = Arrays.copyOfRange(d, 74, 106);
        long counter = CurveNonces.counter(d, 106);
        nonces.acceptPeer(counter);
        byte[] plain = CryptoBox.between(keys.secretKey(), clientShortPublic)
                .open(CurveNonces.shortNonce("CurveZMQHELLO---", counter), d, 114, 80);
        if (plain == null) {
            throw new ZmtpException("CURVE: the client's HELLO does not open with our secret key"
                    + " (its CURVE_SERVERKEY is another server's)").protocolCode(ZmtpException.CRYPTOGRAPHIC);
        }
        state = State.SEND_WELCOME;
    }

    /** The WELCOME nonce (16), then Box[S' + cookie](S->C'); the cookie holds C' and s'. */
    private byte[] welcome() {
        try {
            cookieKey = CryptoBox.random(RANDOM);
            byte[] cookieNonce = CurveNonces.randomLongNonce("COOKIE--");
            byte[] cookiePlain = new byte[64];
            System.arraycopy(clientShortPublic, 0, cookiePlain, 0, 32);
            System.arraycopy(shortSecret, 0, cookiePlain, 32, 32);
            byte[] plain = new byte[128];
            System.arraycopy(shortPublic, 0, plain, 0, 32);
            System.arraycopy(cookieNonce, 8, plain, 32, 16);
            cookieKey.seal(cookieNonce, cookiePlain, 0, 64, plain, 48);
            Arrays.fill(cookiePlain, (byte) 0);
            byte[] welcomeNonce = CurveNonces.randomLongNonce("WELCOME-");
            byte[] d = new byte[16 + 144];
            System.arraycopy(welcomeNonce, 8, d, 0, 16);
            CryptoBox.between(keys.secretKey(), clientShortPublic).seal(welcomeNonce, plain, 0, 128, d, 16);
            Arrays.fill(plain, (byte) 0);
            return d;
        } catch (GeneralSecurityException e) {
            throw new ZmtpException("CURVE: the client's short-term key is unusable (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The cookie (96), the short nonce, then Box[C + vouch nonce + vouch + metadata](C'->S'). */
    private void initiate(byte[] d) throws GeneralSecurityException {
        if (d.length < 96 + 8 + CryptoBox.MAC_BYTES + 128) {
            throw new ZmtpException("CURVE: malformed INITIATE command (" + d.length + " bytes)").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        byte[] cookie = cookieKey.open(CurveNonces.longNonce("COOKIE--", d, 0), d, 16, 80);
        cookieKey.destroy();
        if (cookie == null || !MessageDigest.isEqual(Arrays.copyOfRange(cookie, 0, 32), clientShortPublic)
                || !MessageDigest.isEqual(Arrays.copyOfRange(cookie, 32, 64), shortSecret)) {
            throw new ZmtpException("CURVE: INITIATE carries a cookie this connection did not issue");
        }
        long counter = CurveNonces.counter(d, 96);
        if (!nonces.acceptPeer(counter)) {
            throw new ZmtpException("CURVE: INITIATE nonce not above HELLO's");
        }
        messageBox = CryptoBox.between(shortSecret, clientShortPublic);
        byte[] plain = messageBox.open(CurveNonces.shortNonce("CurveZMQINITIATE", counter), d, 104, d.length - 104);
        if (plain == null) {
            throw new ZmtpException("CURVE: the client's INITIATE fails authentication").protocolCode(ZmtpException.CRYPTOGRAPHIC);
        }
        byte[] clientKey = Arrays.copyOfRange(plain, 0, 32);
        byte[] vouch = CryptoBox.between(shortSecret, clientKey)
                .open(CurveNonces.longNonce("VOUCH---", plain, 32), plain, 48, 80);
        if (vouch == null || !MessageDigest.isEqual(Arrays.copyOfRange(vouch, 0, 32), clientShortPublic)
                || !MessageDigest.isEqual(Arrays.copyOfRange(vouch, 32, 64), publicKey)) {
            throw new ZmtpException("CURVE: the client's vouch does not bind its key to this connection");
        }
        peer = Metadata.decode(Unpooled.wrappedBuffer(Arrays.copyOfRange(plain, 128, plain.length)));
        String problem = SecurityConfig.checkPeerType(type, peer);
        if (problem != null) {
            error = new ZmtpException(problem).protocolCode(ZmtpException.INVALID_METADATA);
            errorToSend = new Command.Error(problem);
            return;
        }
        state = State.WAIT_ZAP;
        if (!zap.start("CURVE", List.of(clientKey), this::zapAnswered)) {
            if (enforceDomain) {
                zap.noHandler("a CURVE server with ZAP_ENFORCE_DOMAIN", "every client is refused, as in libzmq");
                error = ZmtpException.reported("no ZAP handler and ZAP_ENFORCE_DOMAIN: the CURVE server refuses"
                        + " every client, as libzmq does");
            } else {
                zap.noHandler("a CURVE server (CURVE_SERVER set)", "every client that knows this server's public"
                        + " key is accepted, unauthenticated, as in libzmq 4.3; set a ZAP handler to choose clients");
                state = State.SEND_READY;
            }
        }
    }

    private void zapAnswered(ZapResult r) {
        if (r.accepted()) {
            auth = ZapExchange.properties(r);
            state = State.SEND_READY;
            return;
        }
        errorToSend = ZapExchange.refusal(r);
        error = new ZmtpException("the ZAP handler refused the client's CURVE key: " + ZapExchange.describe(r))
                .zapStatus(r.statusCode()).protocolCode(ZmtpException.ZAP_UNSPECIFIED);
    }

    /** The short nonce, then Box[metadata](S'->C'). */
    private byte[] ready() {
        byte[] metadata = Metadata.toBytes(local);
        byte[] nonce = nonces.nextShort("CurveZMQREADY---");
        byte[] d = new byte[8 + CryptoBox.MAC_BYTES + metadata.length];
        System.arraycopy(nonce, 16, d, 0, 8);
        messageBox.seal(nonce, metadata, 0, metadata.length, d, 8);
        return d;
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
    public ChannelHandler dataLayer() {
        return state == State.READY ? new CurveMessageCodec(messageBox, nonces, false, maxMsgSize) : null;
    }

    @Override
    public void close() {
        zap.close();
        Arrays.fill(shortSecret, (byte) 0);
        if (cookieKey != null) {
            cookieKey.destroy();
        }
    }
}
