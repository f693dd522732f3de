package io.zconn.perf.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.zconn.engine.Frame;
import io.zconn.engine.zmtp.Command;
import io.zconn.engine.zmtp.FrameDecoder;
import io.zconn.engine.zmtp.FrameEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Decoding one large data frame ({@link FrameDecoder}) from a pooled direct buffer, either whole
 * (all its bytes already there: one copy into its array) or as 64 KiB reads arrive, as a socket
 * delivers it (a frame over 64 KiB is received in 64 KiB chunks and joined once complete: the cost
 * of never allocating more than arrived). Score: microseconds per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LargeFrameDecodeBench {
    private static final int READ = 64 * 1024;

    /** Frame body size in bytes. */
    @Param({"65536", "1048576", "16777216"})
    public int size;

    private ByteBuf encoded;
    private FrameDecoder decoder;
    private Blackhole hole;

    /**
     * @param bh where decoded frames go
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        this.hole = bh;
        Frame frame = Frame.wrap(new byte[size]);
        int wire = FrameEncoder.encodedSize(frame);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer(wire, wire);
        FrameEncoder.encode(frame, encoded);
        decoder = new FrameDecoder(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame f) {
                hole.consume(f);
                return true;
            }

            @Override
            public boolean onCommand(Command command) {
                return true;
            }
        });
    }

    /** Releases the buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
    }

    /** The whole frame in one buffer. */
    @Benchmark
    public void whole() {
        encoded.readerIndex(0);
        decoder.decode(encoded);
    }

    /** The frame in 64 KiB reads (the header arrives with the first). */
    @Benchmark
    public void streamed() {
        int end = encoded.writerIndex();
        for (int at = 0; at < end; at += READ) {
            decoder.decode(encoded.slice(at, Math.min(READ, end - at)));
        }
    }
}
