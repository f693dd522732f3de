package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.FrameDecoder;
import io.zconn.engine.zmtp.FrameEncoder;
import io.zconn.engine.zmtp.ZmtpException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes {@link FrameDecoder} with arbitrary bytes cut into arbitrary chunks, as a connection
 * delivers them. Input layout:
 * <pre>
 * byte 0   bits 0-2: MAXMSGSIZE, one of {@link #LIMITS} (-1 = unlimited, the rest small);
 *          bits 3-5: back-pressure, the sink refuses every k-th frame or command (0 = never);
 *          bits 6-7: the decoder: data phase with SUBSCRIBE/CANCEL as commands, as frames, or
 *          discarded, or the handshake decoder ({@link FrameDecoder#forHandshake})
 * byte 1   chunking seed (0 = all bytes in one read), see {@link FuzzSupport#chunks}
 * rest     the peer's bytes
 * </pre>
 * Properties:
 * <ul>
 *   <li>the only failure is a {@link ZmqException} (ZmtpException); after one, the decoder refuses
 *       to go on;</li>
 *   <li>bounded: all decode calls together allocate at most {@link #ALLOC_PER_BYTE} bytes per byte
 *       fed plus {@link #ALLOC_CONSTANT} (measured with HotSpot's per-thread allocation counter,
 *       least of up to three runs), whatever sizes the headers announce;</li>
 *   <li>no frame over MAXMSGSIZE is delivered;</li>
 *   <li>each delivered frame is exactly the bytes it was decoded from: flags, size, body; encoded
 *       again it equals its input span when that span was canonical (short header below 256 bytes,
 *       no reserved flag bits); commands survive encode/decode;</li>
 *   <li>nothing decodable is left behind: what stays in the buffer is an incomplete frame.</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/FrameDecoderFuzzTestInputs/}.
 */
class FrameDecoderFuzzTest {
    static final long[] LIMITS = {-1, 0, 1, 255, 256, 1000, 8191, 8300};
    static final long ALLOC_PER_BYTE = 64;
    /** Allowed on top of {@link #ALLOC_PER_BYTE} per byte fed (regression mode). */
    static final long ALLOC_CONSTANT = 64 * 1024;
    /**
     * While fuzzing (JAZZER_FUZZ set), Jazzer's instrumentation allocates on the same thread: seen
     * up to ~5 KB per decode call and ~350 KB per input while the corpus loads, on paths where the
     * decoder itself allocates 56-520 bytes. The fuzzing bound then allows 1 MiB plus 16 KiB per
     * decode call on top; an allocation sized by what a header announces (the bug class this
     * guards against: 16 MiB or 2 GiB for a 9-byte header) still stands out, and every input the
     * fuzzer keeps is replayed against the strict bound in regression mode.
     */
    static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null;

    /** A decoded frame or command (or a discarded command: neither) and where its bytes end. */
    private record Event(Frame frame, Command command, long end) {
    }

    @FuzzTest(maxDuration = "2m")
    void decoderIsBoundedAndDeliversExactlyTheFramesSent(byte[] input) {
        if (input.length < 2) {
            return;
        }
        long limit = LIMITS[input[0] & 7];
        int refuseEvery = (input[0] >> 3) & 7;
        int mode = (input[0] >> 6) & 3;
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        int[] chunks = FuzzSupport.chunks(wire.length, input[1] & 0xff);

        Run run = new Run(limit, refuseEvery, mode, wire, chunks);
        long bound = ALLOC_PER_BYTE * run.fed + ALLOC_CONSTANT + (FUZZING ? (1 << 20) + 16384L * run.calls : 0);
        for (int again = 0; again < 2 && run.allocated > bound; again++) {
            // the first time through a path links call sites and loads classes (~1 MB), and in
            // fuzzing mode Jazzer's instrumentation has first-time costs too; the same input
            // measured again with a fresh decoder shows what the decoder itself allocates
            run = new Run(limit, refuseEvery, mode, wire, chunks);
        }
        check(run.allocated <= bound, "decoder allocated " + run.allocated + " bytes for " + run.fed
                + " bytes fed (MAXMSGSIZE " + limit + ")");
        if (run.failure != null) {
            check(run.failure instanceof ZmtpException, "not a ZmtpException: " + run.failure);
            try {
                run.decoder.decode(run.acc);
                throw new AssertionError("a failed decoder went on decoding");
            } catch (ZmtpException expected) {
                // it stays failed
            }
        }

        int start = 0;
        for (int i = 0; i < run.events.size(); i++) {
            Event e = run.events.get(i);
            if (e.end() > wire.length) {
                // a discarded command whose bytes are still being skipped
                check(e.frame() == null && e.command() == null && i == run.events.size() - 1
                        && (run.failure != null || run.decoder.inFrame()), "an event ends after the input");
                break;
            }
            checkSpan(e, Arrays.copyOfRange(wire, start, (int) e.end()), limit, mode);
            start = (int) e.end();
        }
        if (run.failure == null) {
            checkRemainder(run.acc, run.decoder);
        }
    }

    /** Feeds the chunks to a fresh decoder, counting what its decode calls allocate. */
    private static final class Run {
        final ByteBuf acc;
        final List<Event> events;
        final FrameDecoder decoder;
        long allocated;
        int fed;
        int calls;
        ZmqException failure;

        Run(long limit, int refuseEvery, int mode, byte[] wire, int[] chunks) {
            // everything the measured calls need is allocated up front
            acc = Unpooled.buffer(wire.length, wire.length);
            events = new ArrayList<>(wire.length / 2 + 2);
            boolean[] refused = new boolean[1];
            int[] delivered = new int[1];
            FrameDecoder.Sink sink = new FrameDecoder.Sink() {
                @Override
                public boolean onFrame(Frame frame) {
                    events.add(new Event(frame, null, acc.readerIndex()));
                    return accept();
                }

                @Override
                public boolean onCommand(Command command) {
                    events.add(new Event(null, command, acc.readerIndex()));
                    return accept();
                }

                @Override
                public void onDiscarded(String name, long size) {
                    // called with the header consumed and the body about to be skipped
                    events.add(new Event(null, null, acc.readerIndex() + size));
                }

                private boolean accept() {
                    if (refuseEvery != 0 && ++delivered[0] % refuseEvery == 0) {
                        refused[0] = true;
                        return false;
                    }
                    return true;
                }
            };
            decoder = switch (mode) {
                case 0 -> new FrameDecoder(limit, sink, FrameDecoder.Subscriptions.AS_COMMANDS);
                case 1 -> new FrameDecoder(limit, sink, FrameDecoder.Subscriptions.AS_FRAMES);
                case 2 -> new FrameDecoder(limit, sink, FrameDecoder.Subscriptions.DISCARD);
                default -> FrameDecoder.forHandshake(limit, sink);
            };
            for (int c : chunks) {
                acc.writeBytes(wire, fed, c);
                fed += c;
                do {
                    refused[0] = false;
                    calls++;
                    long before = FuzzSupport.allocatedBytes();
                    try {
                        decoder.decode(acc);
                    } catch (ZmqException e) {
                        failure = e;
                        return;
                    } finally {
                        allocated += FuzzSupport.allocatedBytes() - before;
                    }
                } while (refused[0]); // the engine resumes decoding once the pipe has room again
            }
        }
    }

    private static void checkSpan(Event e, byte[] span, long limit, int mode) {
        check(span.length >= 2, "a frame decoded from fewer than 2 bytes");
        int flags = span[0] & 0xff;
        boolean isLong = (flags & 2) != 0;
        int header = isLong ? 9 : 2;
        check(span.length >= header, "a frame decoded from a partial header");
        long size = isLong ? Unpooled.wrappedBuffer(span).getLong(1) : span[1] & 0xff;
        check(span.length == header + size, "span of " + span.length + " bytes for a frame of " + size);
        check(limit < 0 || size <= limit, "a frame of " + size + " bytes passed MAXMSGSIZE " + limit);
        boolean canonical = (flags & ~7) == 0 && isLong == (size > 255);
        if (e.frame() == null && e.command() == null) {
            check((flags & 4) != 0 && mode != 3, "a data frame, or a command during the handshake, was discarded");
            return;
        }
        if (e.frame() != null && (flags & 4) != 0) {
            // SUBSCRIBE/CANCEL as the ZMTP 3.0 subscription message: kind byte, then the topic
            check(mode == 1, "a command was delivered as a data frame");
            int nameLen = span[header] & 0xff;
            String name = new String(span, header + 1, nameLen, java.nio.charset.StandardCharsets.US_ASCII);
            byte[] want = Arrays.copyOfRange(span, header + nameLen, span.length);
            want[0] = (byte) (name.equals("SUBSCRIBE") ? 1 : 0);
            check((name.equals("SUBSCRIBE") || name.equals("CANCEL")) && Arrays.equals(e.frame().data(), want)
                    && !e.frame().hasMore(), "subscription frame does not match its command");
            return;
        }
        if (e.frame() != null) {
            check(mode != 3, "a data frame was delivered during the handshake");
            Frame f = e.frame();
            check((flags & 4) == 0, "a command frame was delivered as data");
            check(f.hasMore() == ((flags & 1) != 0), "MORE flag changed");
            check(Arrays.equals(f.data(), Arrays.copyOfRange(span, header, span.length)), "frame body changed");
            if (canonical) {
                ByteBuf re = Unpooled.buffer(span.length);
                FrameEncoder.encode(f, re);
                check(Arrays.equals(FuzzSupport.bytes(re), span), "re-encoded frame differs from its input");
            }
        } else {
            check((flags & 4) != 0 && (flags & 1) == 0, "a data frame or a command with MORE was delivered as a command");
            Command c = e.command();
            if (FuzzSupport.lossless(c)) {
                check(FuzzSupport.same(c, FuzzSupport.roundTrip(c)), c.name() + ": encode/decode round trip changed it");
            }
        }
    }

    /** Whatever is left must be an incomplete frame (or the rest of one being filled in place). */
    private static void checkRemainder(ByteBuf acc, FrameDecoder d) {
        int left = acc.readableBytes();
        if (d.inFrame()) {
            check(left == 0, "bytes left unread while a frame is being filled");
            return;
        }
        if (left < 2) {
            return;
        }
        int r = acc.readerIndex();
        boolean isLong = (acc.getByte(r) & 2) != 0;
        int header = isLong ? 9 : 2;
        if (left < header) {
            return;
        }
        long size = isLong ? acc.getLong(r + 1) : acc.getUnsignedByte(r + 1);
        check(left - header < size, "a complete frame was left undecoded");
    }
}
