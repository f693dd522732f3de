package io.zconn.engine.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.FrameDecoder;
import io.zconn.engine.zmtp.FrameEncoder;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * What the fuzz targets share: cheap checks (no assertion objects on the hot path, so the fuzzer
 * runs many inputs per second), how an input is cut into the chunks a socket would deliver, the
 * allocation meter, and structural equality of commands.
 */
final class FuzzSupport {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzSupport() {
    }

    /** Fails the input with {@code what} unless {@code ok}. */
    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** Fails the input with {@code what}'s message unless {@code ok} (built only on failure). */
    static void check(boolean ok, Supplier<String> what) {
        if (!ok) {
            throw new AssertionError(what.get());
        }
    }

    /** @return bytes allocated by this thread so far (HotSpot's per-thread counter) */
    static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Chunk sizes for {@code length} bytes: one chunk when {@code seed} is 0, else sizes drawn from
     * 1 to {@code 2 * seed} by a generator seeded with it (so the fuzzer explores splits by mutating
     * one byte, and the same input always splits the same way).
     */
    static int[] chunks(int length, int seed) {
        if (seed == 0 || length == 0) {
            return length == 0 ? new int[0] : new int[] {length};
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[length];
        int n = 0;
        for (int left = length; left > 0; ) {
            int c = Math.min(left, 1 + r.nextInt(2 * seed));
            out[n++] = c;
            left -= c;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Whether a parsed command survives encoding: its strings carry no character the parser made up
     * for bytes it could not decode (names are ASCII, ERROR's reason UTF-8) and an ERROR reason fits
     * its 255-byte field.
     */
    static boolean lossless(Command c) {
        if (!isAscii(c.name())) {
            return false;
        }
        if (c instanceof Command.Ready r) {
            for (String k : r.properties().keySet()) {
                if (!isAscii(k)) {
                    return false;
                }
            }
            return true;
        }
        if (c instanceof Command.Error e) {
            return e.reason().indexOf('\uFFFD') < 0 && e.reason().getBytes(StandardCharsets.UTF_8).length <= 255;
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Structural equality (records compare arrays by identity, so spell it out). */
    static boolean same(Command a, Command b) {
        if (a.getClass() != b.getClass() || !a.name().equals(b.name())) {
            return false;
        }
        if (a instanceof Command.Ready ra) {
            Map<String, byte[]> pa = ra.properties();
            Map<String, byte[]> pb = ((Command.Ready) b).properties();
            if (pa.size() != pb.size()) {
                return false;
            }
            for (Map.Entry<String, byte[]> e : pa.entrySet()) {
                if (!Arrays.equals(e.getValue(), pb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Command.Error ea) {
            return ea.reason().equals(((Command.Error) b).reason());
        }
        if (a instanceof Command.Ping pa) {
            Command.Ping pb = (Command.Ping) b;
            return pa.ttlDeciseconds() == pb.ttlDeciseconds() && Arrays.equals(pa.context(), pb.context());
        }
        return Arrays.equals(encodeData(a), encodeData(b));
    }

    static byte[] encodeData(Command c) {
        ByteBuf out = Unpooled.buffer(c.dataSize());
        c.encodeData(out);
        check(out.readableBytes() == c.dataSize(), () -> c.name() + ": dataSize() disagrees with encodeData()");
        return bytes(out);
    }

    /**
     * Encodes a command as a whole frame and decodes it again with a fresh decoder (a handshake
     * decoder: the data-phase one drops commands it does not use, such as READY).
     */
    static Command roundTrip(Command c) {
        ByteBuf wire = Unpooled.buffer();
        FrameEncoder.encodeCommand(c, wire);
        int size = 1 + c.name().length() + c.dataSize();
        check(wire.readableBytes() == size + (size < 256 ? 2 : 9), () -> c.name() + ": frame size");
        List<Command> got = new ArrayList<>(1);
        FrameDecoder d = FrameDecoder.forHandshake(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame frame) {
                throw new AssertionError("a command came back as a data frame");
            }

            @Override
            public boolean onCommand(Command command) {
                got.add(command);
                return true;
            }
        });
        d.decode(wire);
        check(got.size() == 1 && !wire.isReadable(), () -> c.name() + ": not decoded as exactly one command");
        return got.get(0);
    }

    static byte[] bytes(ByteBuf b) {
        byte[] a = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), a);
        return a;
    }
}
