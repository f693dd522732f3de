package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.zconn.engine.Frame;
import io.zconn.engine.ZmqException;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.Cumulation;
import io.zconn.engine.zmtp.DecoderProbe;
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
 * Each read is appended to the undecoded rest with {@link Cumulation} and the rest is let go
 * once decoded, as {@code ZmtpEngine} does; reads are at most {@link #MAX_READ} bytes (Netty's
 * largest receive buffer). Properties:
 * <ul>
 *   <li>the only failure is a {@link ZmqException} (ZmtpException); after one, the decoder refuses
 *       to go on;</li>
 *   <li>bounded by what the peer sent (checked after every decode call, in both modes): the memory
 *       the connection retains - the capacity of the cumulation buffer plus the partly received
 *       bodies the decoder holds ({@link DecoderProbe#heldBytes}) - is at most the bytes fed that
 *       were not yet handed out (delivered or dropped) plus {@link #RETAINED_CONSTANT}, whatever
 *       sizes the headers announce. This looks at the objects kept, not at allocation counters,
 *       so it holds the same under Jazzer's instrumentation;</li>
 *   <li>in regression mode also: all decode calls together allocate at most
 *       {@link #ALLOC_PER_BYTE} bytes per byte fed plus {@link #ALLOC_CONSTANT} (HotSpot's
 *       per-thread allocation counter, least of up to three runs). While fuzzing that counter
 *       also counts what the coverage instrumentation allocates on the same thread (up to ~2 MB
 *       for a 10 KB input), so it is not checked then; every input the fuzzer keeps is replayed
 *       against it in regression mode;</li>
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
    /** The largest read: Netty's adaptive receive buffer grows to 64 KiB. */
    static final int MAX_READ = 64 * 1024;
    /**
     * What a connection may retain beyond the bytes it was sent and has not handed out: one 64 KiB
     * chunk of a large body (allocated when its first byte arrives), and a cumulation buffer grown
     * geometrically (at most twice) around one read plus the longest undecoded rest (a small frame
     * or command waiting whole: below {@code STREAM_THRESHOLD} + a 9-byte header, or a header and a
     * command name).
     */
    static final long RETAINED_CONSTANT = DecoderProbe.CHUNK + 2L * (MAX_READ + DecoderProbe.STREAM_THRESHOLD + 9 + 256);
    /** Fuzzing (JAZZER_FUZZ set): the allocation counter is not checked, see the class javadoc. */
    static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null;
    /** Heap buffers, no leak detector: what a failed input leaves is garbage. */
    private static final UnpooledByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

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
        int[] chunks = reads(wire.length, input[1] & 0xff);

        Run run = new Run(limit, refuseEvery, mode, wire, chunks, !FUZZING);
        if (!FUZZING) {
            long bound = ALLOC_PER_BYTE * run.fed + ALLOC_CONSTANT;
            for (int again = 0; again < 2 && run.allocated > bound; again++) {
                // the first time through a path links call sites and loads classes (~1 MB); the
                // same input measured again with a fresh decoder shows what the decoder allocates
                run = new Run(limit, refuseEvery, mode, wire, chunks, true);
            }
            check(run.allocated <= bound, "decoder allocated " + run.allocated + " bytes for " + run.fed
                    + " bytes fed (MAXMSGSIZE " + limit + ")");
        }
        if (run.failure != null) {
            check(run.failure instanceof ZmtpException, "not a ZmtpException: " + run.failure);
            try {
                run.decoder.decode(run.cum != null ? run.cum : Unpooled.EMPTY_BUFFER);
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
            checkRemainder(run.cum != null ? run.cum : Unpooled.EMPTY_BUFFER, run.decoder);
        }
    }

    /** The fuzzer's chunks ({@link FuzzSupport#chunks}), none larger than {@link #MAX_READ}. */
    private static int[] reads(int length, int seed) {
        int[] chunks = FuzzSupport.chunks(length, seed);
        if (chunks.length != 1 || length <= MAX_READ) {
            return chunks;
        }
        int[] out = new int[(length + MAX_READ - 1) / MAX_READ];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(MAX_READ, length - i * MAX_READ);
        }
        return out;
    }

    /**
     * Feeds the chunks to a fresh decoder as a connection does, checking after every decode call
     * what is retained, and counting what the decode calls allocate when {@code measure}.
     */
    private static final class Run {
        final List<Event> events;
        final FrameDecoder decoder;
        ByteBuf cum;
        long allocated;
        int fed;
        ZmqException failure;

        Run(long limit, int refuseEvery, int mode, byte[] wire, int[] chunks, boolean measure) {
            events = new ArrayList<>(wire.length / 2 + 2);
            boolean[] refused = new boolean[1];
            int[] delivered = new int[1];
            FrameDecoder.Sink sink = new FrameDecoder.Sink() {
                @Override
                public boolean onFrame(Frame frame) {
                    events.add(new Event(frame, null, consumed()));
                    return accept();
                }

                @Override
                public boolean onCommand(Command command) {
                    events.add(new Event(null, command, consumed()));
                    return accept();
                }

                @Override
                public void onDiscarded(String name, long size) {
                    // called with the header consumed and the body about to be skipped
                    events.add(new Event(null, null, consumed() + size));
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
                ByteBuf read = Unpooled.buffer(c, c).writeBytes(wire, fed, c);
                fed += c;
                cum = Cumulation.append(HEAP, cum, read);
                do {
                    refused[0] = false;
                    long before = measure ? FuzzSupport.allocatedBytes() : 0;
                    try {
                        decoder.decode(cum);
                    } catch (ZmqException e) {
                        failure = e;
                        return;
                    } finally {
                        if (measure) {
                            allocated += FuzzSupport.allocatedBytes() - before;
                        }
                    }
                    checkRetained();
                } while (refused[0]); // the engine resumes decoding once the pipe has room again
                if (!cum.isReadable()) {
                    cum.release();
                    cum = null;
                }
            }
        }

        /** @return how many of the bytes fed the decoder has consumed */
        private long consumed() {
            return (long) fed - (cum == null ? 0 : cum.readableBytes());
        }

        private void checkRetained() {
            long consumed = consumed();
            long handedOut = events.isEmpty() ? 0 : Math.min(events.get(events.size() - 1).end(), consumed);
            long pending = fed - handedOut;
            long held = DecoderProbe.heldBytes(decoder);
            long retained = held + (cum == null ? 0 : cum.capacity());
            if (retained > pending + RETAINED_CONSTANT) {
                throw new AssertionError("connection retains " + retained + " bytes (decoder " + held
                        + ", cumulation " + cum.capacity() + ") for " + pending + " bytes fed and not handed out");
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
        check(span.length == header + size, () -> "span of " + span.length + " bytes for a frame of " + size);
        check(limit < 0 || size <= limit, () -> "a frame of " + size + " bytes passed MAXMSGSIZE " + limit);
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
                check(FuzzSupport.same(c, FuzzSupport.roundTrip(c)), () -> c.name() + ": encode/decode round trip changed it");
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
