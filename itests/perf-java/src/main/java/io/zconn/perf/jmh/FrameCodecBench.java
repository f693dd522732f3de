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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * ZMTP 3 data-frame encoding and decoding ({@link FrameEncoder}, {@link FrameDecoder}) into and
 * from a pooled direct buffer, as the TCP/IPC pipeline does, for a batch of frames per invocation
 * so the per-call buffer handling is amortised. Score: frames per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBench {
    private static final int BATCH = 64;

    /** Frame body size in bytes (1 and 64 take the short header, 1024 and 65536 the long one). */
    @Param({"1", "64", "1024", "65536"})
    public int size;

    private Frame frame;
    private ByteBuf out;
    private ByteBuf encoded;
    private FrameDecoder decoder;
    private Blackhole sinkHole;

    /**
     * @param bh where decoded frames go
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        this.sinkHole = bh;
        frame = Frame.wrap(new byte[size]);
        int wire = FrameEncoder.encodedSize(frame) * BATCH;
        out = PooledByteBufAllocator.DEFAULT.directBuffer(wire, wire);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer(wire, wire);
        for (int i = 0; i < BATCH; i++) {
            FrameEncoder.encode(frame, encoded);
        }
        decoder = new FrameDecoder(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame f) {
                sinkHole.consume(f);
                return true;
            }

            @Override
            public boolean onCommand(Command command) {
                sinkHole.consume(command);
                return true;
            }
        });
    }

    /** Releases the buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        out.release();
        encoded.release();
    }

    /**
     * @return the buffer written (so the work is not dead code)
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ByteBuf encode() {
        out.clear();
        for (int i = 0; i < BATCH; i++) {
            FrameEncoder.encode(frame, out);
        }
        return out;
    }

    /** Decodes {@value #BATCH} frames (one {@code decode} call over all of them). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decode() {
        encoded.readerIndex(0);
        decoder.decode(encoded);
    }
}
