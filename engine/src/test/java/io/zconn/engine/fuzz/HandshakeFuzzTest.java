package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.zconn.engine.SocketType;
import io.zconn.engine.zmtp.HandshakeConfig;
import io.zconn.engine.zmtp.ZmtpHandshakeHandler;
import io.zconn.engine.security.NullMechanism;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the ZMTP handshake ({@link ZmtpHandshakeHandler} with the NULL mechanism) on an
 * {@link EmbeddedChannel} with arbitrary peer bytes in arbitrary chunks. Input layout:
 * <pre>
 * byte 0   bits 0-3: local socket type (index into SocketType.values(), modulo);
 *          bit 4: as-server; bit 7: a handshake timeout, which is then let expire at the end
 * byte 1   chunking seed (0 = all bytes in one read), see {@link FuzzSupport#chunks}
 * rest     the peer's bytes (greeting, READY, ...)
 * </pre>
 * Properties:
 * <ul>
 *   <li>no exception escapes the pipeline; the listener hears at most one outcome;</li>
 *   <li>the handshake ends in exactly one of: success (handler gone, channel open), failure
 *       (channel closed) or waiting for more bytes (handler in place, channel open); once the
 *       timeout expires, waiting becomes failure;</li>
 *   <li>after success, the bytes that followed the handshake reach the next handler intact (they are
 *       the tail of the input);</li>
 *   <li>no buffer leaks: once the channel is finished, every buffer the handler allocated (through
 *       a counting allocator) and every buffer fed to it has been released.</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/HandshakeFuzzTestInputs/}.
 */
class HandshakeFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void handshakeEndsInSuccessFailureOrWaitingWithoutLeaks(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        SocketType[] types = SocketType.values();
        SocketType type = types[(input[0] & 0x0f) % types.length];
        boolean asServer = (input[0] & 0x10) != 0;
        boolean timeout = (input[0] & 0x80) != 0;
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        int[] chunks = FuzzSupport.chunks(wire.length, input[1] & 0xff);

        CountingAllocator alloc = new CountingAllocator();
        HandshakeOutcome o = new HandshakeOutcome();
        HandshakeConfig cfg = new HandshakeConfig(type, "fuzz".getBytes(StandardCharsets.US_ASCII), NullMechanism.PROVIDER, asServer, -1,
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
            drainOutbound(ch);
            check(o.succeeded + o.failed <= 1, () -> "listener told " + o.succeeded + " successes, " + o.failed + " failures");
        }
        ch.runPendingTasks();
        if (timeout) {
            ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
            check(o.succeeded + o.failed == 1, "still waiting after the handshake timeout");
        }
        drainOutbound(ch);
        check(o.succeeded + o.failed <= 1, () -> "listener told " + o.succeeded + " successes, " + o.failed + " failures");
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
        for (ByteBuf b : o.after) {
            b.release();
        }
        for (ByteBuf b : fed) {
            check(b.refCnt() == 0, () -> "an inbound buffer was not released (refCnt " + b.refCnt() + ")");
        }
        for (ByteBuf b : alloc.allocated) {
            check(b.refCnt() == 0, () -> "a buffer of capacity " + b.capacity() + " the handler allocated leaked");
        }
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object m;
        while ((m = ch.readOutbound()) != null) {
            ((ByteBuf) m).release();
        }
    }
}
