package io.zconn.perf.jmh;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The pipe between a socket and its peer (or session): a lock-free SPSC queue with HWM accounting
 * and wake-ups on transitions only.
 * <ul>
 *   <li>{@code sameThread}: write + flush a batch, then read it back on the same thread — the cost of
 *       the queue and its HWM bookkeeping without a thread hand-off;</li>
 *   <li>{@code handover} (group {@code writer}/{@code reader}): one thread writes while another
 *       reads, each retrying when the pipe is full or empty — what inproc:// and the I/O thread
 *       see. The figure to read is {@code handover:received}, messages per microsecond through the
 *       pipe (the group's raw score also counts empty and full attempts).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipeBench {
    private static final int BATCH = 100;
    private static final Frame FRAME = Frame.wrap(new byte[16]);

    /** A pipe used by one thread. */
    @State(Scope.Thread)
    public static class Local {
        Pipe writer;
        Pipe reader;

        /** Creates the pipe. */
        @Setup(Level.Trial)
        public void setUp() {
            Pipe[] pair = Pipe.pair(BATCH * 2, BATCH * 2);
            writer = pair[0];
            reader = pair[1];
        }
    }

    /** A pipe shared by the writer and reader threads of the group. */
    @State(Scope.Group)
    public static class Shared {
        /** The pipe's HWM in messages (1000 is libzmq's default). */
        @Param({"1000"})
        public int hwm;

        Pipe writer;
        Pipe reader;

        /** Creates the pipe. */
        @Setup(Level.Trial)
        public void setUp() {
            Pipe[] pair = Pipe.pair(hwm, hwm);
            writer = pair[0];
            reader = pair[1];
        }
    }

    /** Messages actually moved (the raw scores also count calls that found the pipe full or empty). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Moved {
        /** Messages the reader got. */
        public long received;
        /** Messages the writer put in. */
        public long sent;

        /** Zeroes the counters for each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            received = 0;
            sent = 0;
        }
    }

    /**
     * @param p  the pipe
     * @param bh sink for what is read
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sameThread(Local p, Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            p.writer.write(FRAME);
            p.writer.flush();
        }
        for (int i = 0; i < BATCH; i++) {
            bh.consume(p.reader.read());
        }
    }

    /**
     * @param p the pipe
     * @param n counts messages written
     * @return whether the message was written (false: full, retried on the next call)
     */
    @Benchmark
    @Group("handover")
    public boolean writer(Shared p, Moved n) {
        if (!p.writer.checkWrite()) {
            Thread.onSpinWait();
            return false;
        }
        p.writer.write(FRAME);
        p.writer.flush();
        n.sent++;
        return true;
    }

    /**
     * @param p the pipe
     * @param n counts messages read
     * @return the frame read, or null when the pipe was empty
     */
    @Benchmark
    @Group("handover")
    public Frame reader(Shared p, Moved n) {
        Frame f = p.reader.read();
        if (f == null) {
            Thread.onSpinWait();
        } else {
            n.received++;
        }
        return f;
    }
}
