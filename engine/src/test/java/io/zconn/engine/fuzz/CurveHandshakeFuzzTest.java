package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.SocketType;
import io.zconn.engine.security.Authenticator;
import io.zconn.engine.security.CurveKeys;
import io.zconn.engine.security.SecurityConfig;
import io.zconn.engine.zmtp.Greeting;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.HandshakeListener;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the CURVE handshake (RFC 26: {@code CurveServer} and {@code CurveClient} under
 * {@link ZmtpHandshakeHandler}) on an {@link EmbeddedChannel} with arbitrary peer bytes in arbitrary
 * chunks. Input layout:
 * <pre>
 * byte 0   bit 0: the local side is the CURVE server (else the client);
 *          bit 1: a valid CURVE greeting from the other side is put before the rest
 * byte 1   chunking seed (0 = all bytes in one read), see {@link FuzzSupport#chunks}
 * rest     the peer's bytes
 * </pre>
 * Properties:
 * <ul>
 *   <li>no exception escapes the pipeline; the listener hears at most one outcome;</li>
 *   <li>the handshake never succeeds: without the short-term keys of this very connection, no bytes
 *       hold a box that opens (a success would be an authentication hole);</li>
 *   <li>a failure closes the channel; otherwise the handshake is still waiting, channel open;</li>
 *   <li>no buffer leaks (every buffer allocated through a counting allocator or fed is released).</li>
 * </ul>
 * {@link #shapedInputsReplay()} runs, in every build, inputs that reach past the length checks: a
 * genuine client's HELLO and INITIATE (from another connection) and a genuine server's WELCOME.
 */
class CurveHandshakeFuzzTest {
    private static final CurveKeyPair SERVER = Curve.keyPair(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    private static final CurveKeyPair CLIENT = Curve.keyPair(new byte[] {
        32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1});

    static SecurityConfig config(boolean server) {
        CurveKeys keys = server ? new CurveKeys(SERVER.publicKey(), SERVER.secretKey(), new byte[0])
                : new CurveKeys(CLIENT.publicKey(), CLIENT.secretKey(), SERVER.publicKey());
        return new SecurityConfig("CURVE", server, "", "", "", false, new byte[0], 5000, Authenticator.NONE, keys, 4096);
    }

    private static EmbeddedChannel side(boolean server, SocketType type, HandshakeListener listener) {
        SecurityConfig sec = config(server);
        HandshakeConfig cfg = new HandshakeConfig(type, new byte[0], sec.provider(), server, -1, 0);
        return new EmbeddedChannel(new ZmtpHandshakeHandler(cfg, listener));
    }

    @FuzzTest(maxDuration = "2m")
    void curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        boolean server = (input[0] & 0x01) != 0;
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        if ((input[0] & 0x02) != 0) {
            ByteBuf g = Unpooled.buffer();
            new Greeting(3, 1, "CURVE", !server).encode(g);
            byte[] greeting = ByteBufUtil.getBytes(g);
            g.release();
            byte[] all = Arrays.copyOf(greeting, greeting.length + wire.length);
            System.arraycopy(wire, 0, all, greeting.length, wire.length);
            wire = all;
        }
        int[] chunks = FuzzSupport.chunks(wire.length, input[1] & 0xff);

        CountingAllocator alloc = new CountingAllocator();
        HandshakeOutcome o = new HandshakeOutcome();
        SecurityConfig sec = config(server);
        HandshakeConfig cfg = new HandshakeConfig(server ? SocketType.REP : SocketType.REQ, new byte[0], sec.provider(),
                server, -1, 0);
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false,
                new ZmtpHandshakeHandler(cfg, o));
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
            ch.writeInbound(chunk);
            drainOutbound(ch);
            check(o.succeeded + o.failed <= 1, "listener told " + o.succeeded + " successes, " + o.failed + " failures");
        }
        ch.runPendingTasks();
        drainOutbound(ch);
        check(o.succeeded == 0, "a CURVE handshake succeeded on bytes without a box of this connection");
        boolean handlerPresent = ch.pipeline().get(ZmtpHandshakeHandler.class) != null;
        if (o.failed == 1) {
            check(!ch.isOpen(), "failure, but the channel is still open");
        } else {
            check(ch.isOpen() && handlerPresent && o.after.isEmpty(), "no failure, yet not waiting either");
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            check(b.refCnt() == 0, "an inbound buffer was not released (refCnt " + b.refCnt() + ")");
        }
        for (ByteBuf b : alloc.allocated) {
            check(b.refCnt() == 0, "a buffer of capacity " + b.capacity() + " the handler allocated leaked");
        }
    }

    /** Genuine handshake bytes of another connection, fed to fresh ones, whole, in pieces and cut short. */
    @Test
    void shapedInputsReplay() throws Exception {
        HandshakeOutcome co = new HandshakeOutcome();
        HandshakeOutcome so = new HandshakeOutcome();
        EmbeddedChannel client = side(false, SocketType.REQ, co);
        EmbeddedChannel server = side(true, SocketType.REP, so);
        ByteBuf fromClient = Unpooled.buffer();
        ByteBuf fromServer = Unpooled.buffer();
        boolean moved = true;
        while (moved) {
            moved = false;
            Object m;
            while ((m = client.readOutbound()) != null) {
                moved = true;
                fromClient.writeBytes(((ByteBuf) m).duplicate());
                server.writeInbound(m);
            }
            while ((m = server.readOutbound()) != null) {
                moved = true;
                fromServer.writeBytes(((ByteBuf) m).duplicate());
                client.writeInbound(m);
            }
        }
        check(co.succeeded == 1 && so.succeeded == 1, "the genuine handshake itself failed");
        byte[] c = ByteBufUtil.getBytes(fromClient);
        byte[] s = ByteBufUtil.getBytes(fromServer);
        fromClient.release();
        fromServer.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        for (int seed : new int[] {0, 1, 7, 200}) {
            for (byte[] peer : List.of(c, Arrays.copyOf(c, c.length - 1), Arrays.copyOf(c, 64 + 200))) {
                curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(input(0x01, seed, peer));
            }
            for (byte[] peer : List.of(s, Arrays.copyOf(s, s.length - 3))) {
                curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(input(0x00, seed, peer));
            }
            byte[] flipped = c.clone();
            flipped[64 + 2 + 120] = (byte) (flipped[64 + 2 + 120] ^ 0x40); // inside HELLO's box
            curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(input(0x01, seed, flipped));
            curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(input(0x03, seed, new byte[] {0x04, 5}));
            curveHandshakeNeverSucceedsOnForeignBytesAndFailsClosedWithoutLeaks(input(0x02, seed, Arrays.copyOfRange(s, 64,
                    s.length)));
        }
    }

    private static byte[] input(int mode, int seed, byte[] peer) {
        byte[] in = new byte[2 + peer.length];
        in[0] = (byte) mode;
        in[1] = (byte) seed;
        System.arraycopy(peer, 0, in, 2, peer.length);
        return in;
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ((ByteBuf) m).release();
        }
    }
}
