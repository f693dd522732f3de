package io.zconn.perf.jmh;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
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

import java.util.concurrent.TimeUnit;

/**
 * zconn over inproc:// through the public API only:
 * <ul>
 *   <li>{@code reqRepRoundTrip}: REQ send + receive against a REP echo thread (average time per round trip);</li>
 *   <li>{@code pushToPull}: PUSH sends while a PULL thread drains (throughput; the HWM keeps sender and receiver in step);</li>
 *   <li>{@code pushPullSameThread}: send a batch of 100 then receive it on one thread (pipe cost without a
 *       thread hand-off).</li>
 * </ul>
 * The worker threads end when the context closes at tear-down.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InprocBench {
    private static final int BATCH = 100;

    /** Shared state: a context and a background peer thread. */
    @State(Scope.Benchmark)
    public static class Peers {
        /** Message size in bytes. */
        @Param({"1", "1024"})
        public int size;

        Context ctx;
        Socket req;
        Socket push;
        Socket loopPush;
        Socket loopPull;
        Frame frame;
        private Thread echo;
        private Thread drain;

        /** Starts the peers. */
        @Setup(Level.Trial)
        public void setUp() {
            ctx = new Context();
            frame = Frame.wrap(new byte[size]);

            Socket rep = ctx.socket(SocketType.REP);
            rep.bind("inproc://bench-rep");
            req = ctx.socket(SocketType.REQ);
            req.connect("inproc://bench-rep");
            echo = daemon("bench-echo", () -> {
                while (true) {
                    rep.send(rep.recvFrame());
                }
            });

            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("inproc://bench-pull");
            push = ctx.socket(SocketType.PUSH);
            push.connect("inproc://bench-pull");
            drain = daemon("bench-drain", () -> {
                while (true) {
                    pull.recvFrame();
                }
            });

            loopPull = ctx.socket(SocketType.PULL);
            loopPull.bind("inproc://bench-loop");
            loopPush = ctx.socket(SocketType.PUSH);
            loopPush.setOption(ZmqOption.SNDHWM, BATCH * 2);
            loopPush.connect("inproc://bench-loop");
        }

        /** Closes the context, which ends the peer threads (ETERM). */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            ctx.close();
            echo.join(5000);
            drain.join(5000);
        }

        private static Thread daemon(String name, Runnable loop) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (ZmqException e) {
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
     * @return the reply (so the work is not dead code)
     */
    @Benchmark
    public Frame reqRepRoundTrip(Peers p) {
        p.req.send(p.frame);
        return p.req.recvFrame();
    }

    /**
     * @param p the peers
     */
    @Benchmark
    public void pushToPull(Peers p) {
        p.push.send(p.frame);
    }

    /**
     * @param p the peers
     * @return the last frame received
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Frame pushPullSameThread(Peers p) {
        for (int i = 0; i < BATCH; i++) {
            p.loopPush.send(p.frame);
        }
        Frame f = null;
        for (int i = 0; i < BATCH; i++) {
            f = p.loopPull.recvFrame();
        }
        return f;
    }
}
