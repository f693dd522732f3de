package io.zconn.perf.jmh;

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
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.util.concurrent.TimeUnit;

/** The same jobs as {@link InprocBench} on JeroMQ 0.6.0, for a JVM baseline. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JeromqInprocBench {
    private static final int BATCH = 100;

    /** Shared state: a context and a background peer thread. */
    @State(Scope.Benchmark)
    public static class Peers {
        /** Message size in bytes. */
        @Param({"1", "1024"})
        public int size;

        ZMQ.Context ctx;
        ZMQ.Socket req;
        ZMQ.Socket push;
        ZMQ.Socket loopPush;
        ZMQ.Socket loopPull;
        byte[] data;
        private Thread echo;
        private Thread drain;

        /** Starts the peers. */
        @Setup(Level.Trial)
        public void setUp() {
            ctx = ZMQ.context(1);
            data = new byte[size];

            ZMQ.Socket rep = ctx.socket(SocketType.REP);
            rep.bind("inproc://bench-rep");
            req = ctx.socket(SocketType.REQ);
            req.connect("inproc://bench-rep");
            echo = daemon("bench-echo", () -> {
                while (true) {
                    byte[] b = rep.recv(0);
                    if (b == null) {
                        return;
                    }
                    rep.send(b, 0);
                }
            });

            ZMQ.Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("inproc://bench-pull");
            push = ctx.socket(SocketType.PUSH);
            push.connect("inproc://bench-pull");
            drain = daemon("bench-drain", () -> {
                while (pull.recv(0) != null) {
                    // drain
                }
            });

            loopPull = ctx.socket(SocketType.PULL);
            loopPull.bind("inproc://bench-loop");
            loopPush = ctx.socket(SocketType.PUSH);
            loopPush.setSndHWM(BATCH * 2);
            loopPush.connect("inproc://bench-loop");
        }

        /** Terminates the context, which ends the peer threads (ETERM). */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            req.close();
            push.close();
            loopPush.close();
            loopPull.close();
            Thread closer = new Thread(ctx::term, "bench-term");
            closer.setDaemon(true);
            closer.start();
            echo.join(5000);
            drain.join(5000);
            closer.join(5000);
        }

        private static Thread daemon(String name, Runnable loop) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (ZMQException e) {
                    // ETERM at tear-down
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /**
     * @param p the peers
     * @return the reply
     */
    @Benchmark
    public byte[] reqRepRoundTrip(Peers p) {
        p.req.send(p.data, 0);
        return p.req.recv(0);
    }

    /**
     * @param p the peers
     * @return whether it was queued
     */
    @Benchmark
    public boolean pushToPull(Peers p) {
        return p.push.send(p.data, 0);
    }

    /**
     * @param p the peers
     * @return the last message received
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] pushPullSameThread(Peers p) {
        for (int i = 0; i < BATCH; i++) {
            p.loopPush.send(p.data, 0);
        }
        byte[] b = null;
        for (int i = 0; i < BATCH; i++) {
            b = p.loopPull.recv(0);
        }
        return b;
    }
}
