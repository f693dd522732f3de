package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;
import io.zconn.engine.security.Authenticator;
import io.zconn.engine.security.SecurityConfig;
import io.zconn.engine.security.ZapResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the PLAIN handshake (client or server, {@link ZmtpHandshakeHandler} with PLAIN) on an
 * {@link EmbeddedChannel} with arbitrary peer bytes in arbitrary chunks and a ZAP handler that
 * accepts, refuses, is absent or never answers. Input layout:
 * <pre>
 * byte 0   bits 0-3: local socket type (index into SocketType.values(), modulo); bit 4: PLAIN
 *          server (else client); bits 5-6: ZAP handler (0 accepts, 1 refuses with 400, 2 absent,
 *          3 never answers); bit 7: a handshake timeout, which is then let expire at the end
 * byte 1   chunking seed (0 = all bytes in one read), see {@link FuzzSupport#chunks}
 * rest     the peer's bytes (greeting, HELLO or WELCOME, INITIATE or READY, ERROR, ...)
 * </pre>
 * Properties, besides those of {@link HandshakeFuzzTest} (one outcome, no exception escaping, the
 * bytes after the handshake intact, no buffer leaked):
 * <ul>
 *   <li>the client's password appears in no failure message (unless the peer sent those bytes itself);</li>
 *   <li>a ZAP request is never left pending once the handshake has ended: it was answered or
 *       cancelled;</li>
 *   <li>a server succeeds only when its ZAP handler accepted.</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/PlainHandshakeFuzzTestInputs/}.
 */
class PlainHandshakeFuzzTest {
    private static final String PASSWORD = "fuzz-secret-pw";

    /** A ZAP handler answering as the input says. */
    private static final class Zap implements Authenticator {
        final int mode;
        int requests;
        int answered;
        int cancelled;

        Zap(int mode) {
            this.mode = mode;
        }

        @Override
        public Pending request(io.zconn.engine.ZapHandler.Request request, Consumer<ZapResult> onResult) {
            if (mode == 2) {
                return null;
            }
            requests++;
            if (mode == 0) {
                answered++;
                onResult.accept(new ZapResult(200, "OK", "user".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Map.of()));
            } else if (mode == 1) {
                answered++;
                onResult.accept(new ZapResult(400, "no", new byte[0], Map.of()));
            }
            return () -> cancelled++;
        }
    }

    @FuzzTest(maxDuration = "2m")
    void plainHandshakeEndsInSuccessFailureOrWaitingWithoutLeaksOrSecrets(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        SocketType[] types = SocketType.values();
        SocketType type = types[(input[0] & 0x0f) % types.length];
        boolean asServer = (input[0] & 0x10) != 0;
        boolean timeout = (input[0] & 0x80) != 0;
        Zap zap = new Zap((input[0] >> 5) & 3);
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        int[] chunks = FuzzSupport.chunks(wire.length, input[1] & 0xff);

        CountingAllocator alloc = new CountingAllocator();
        HandshakeOutcome o = new HandshakeOutcome();
        SecurityConfig sec = new SecurityConfig("PLAIN", asServer, asServer ? "" : "fuzz-user", asServer ? "" : PASSWORD,
                "", false, new byte[0], 500, zap);
        HandshakeConfig cfg = new HandshakeConfig(type, "fuzz".getBytes(java.nio.charset.StandardCharsets.US_ASCII), sec.provider(), asServer, -1,
                timeout ? 1000 : 0);
        ZmtpHandshakeHandler handler = new ZmtpHandshakeHandler(cfg, o);
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false, handler);
        ch.config().setAllocator(alloc);
        ch.register();

        List<ByteBuf> fed = new ArrayList<>();
        int pos = 0;
        for (int c : chunks) {
            if (!ch.isOpen()) {
                break;
            }
            ByteBuf chunk = Unpooled.buffer(c).writeBytes(wire, pos, c);
            pos += c;
            fed.add(chunk);
            ch.writeInbound(chunk); // rethrows whatever reached the end of the pipeline
            ch.runPendingTasks();
            drainOutbound(ch);
            check(o.succeeded + o.failed <= 1, "listener told " + o.succeeded + " successes, " + o.failed + " failures");
        }
        ch.runPendingTasks();
        if (timeout) {
            ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
            check(o.succeeded + o.failed == 1, "still waiting after the handshake timeout");
        }
        drainOutbound(ch);
        check(o.succeeded + o.failed <= 1, "listener told " + o.succeeded + " successes, " + o.failed + " failures");
        if (o.cause != null && !new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1).contains(PASSWORD)) {
            // a message may quote what the peer sent (its mechanism name, say): only our own copy is a leak
            check(!String.valueOf(o.cause.getMessage()).contains(PASSWORD), "the password shows in a failure message");
        }
        if (asServer && o.succeeded == 1) {
            check(zap.mode == 0 && zap.answered == 1, "a PLAIN server succeeded without its ZAP handler accepting");
        }
        boolean handlerPresent = ch.pipeline().get(ZmtpHandshakeHandler.class) != null;
        if (o.succeeded == 1) {
            check(ch.isOpen() && !handlerPresent && o.peer != null, "success, but channel closed or handler left");
            int n = 0;
            for (ByteBuf b : o.after) {
                n += b.readableBytes();
            }
            byte[] tail = new byte[n];
            int at = 0;
            for (ByteBuf b : o.after) {
                int k = b.readableBytes();
                b.readBytes(tail, at, k);
                at += k;
            }
            check(n <= pos && Arrays.equals(tail, Arrays.copyOfRange(wire, pos - n, pos)),
                    "bytes after the handshake were not passed on intact");
        } else if (o.failed == 1) {
            check(!ch.isOpen(), "failure, but the channel is still open");
        } else {
            check(ch.isOpen() && handlerPresent && o.after.isEmpty(), "neither outcome, yet not waiting either");
        }

        ch.finishAndReleaseAll();
        check(zap.requests == zap.answered || zap.cancelled >= 1, "a ZAP request was left pending after the handshake");
        for (ByteBuf b : o.after) {
            b.release();
        }
        for (ByteBuf b : fed) {
            check(b.refCnt() == 0, "an inbound buffer was not released (refCnt " + b.refCnt() + ")");
        }
        for (ByteBuf b : alloc.allocated) {
            check(b.refCnt() == 0, "a buffer of capacity " + b.capacity() + " the handler allocated leaked");
        }
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ((ByteBuf) m).release();
        }
    }
}
