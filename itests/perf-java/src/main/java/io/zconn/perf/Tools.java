package io.zconn.perf;

import io.zconn.perf.PerfApi.Kind;
import io.zconn.perf.PerfApi.PerfContext;
import io.zconn.perf.PerfApi.PerfSocket;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The perf jobs, written once against {@link PerfApi}. They do what libzmq's perf tools do and
 * print the same fields: PUSH/PULL for throughput (clock started by the first message received),
 * REQ/REP for latency (one-way latency = round-trip time / 2). Every socket gets SNDHWM/RCVHWM
 * from {@code ZPERF_HWM} (default 1000, libzmq's default, which libzmq's tools run with) and
 * receivers RCVTIMEO from {@code ZPERF_RCVTIMEO_MS} (default -1: wait forever); senders keep
 * everything until delivered (LINGER -1, libzmq's default). A tcp/ipc sender (remote_thr,
 * local_lat) waits {@code ZPERF_SETTLE_MS} (default 500) after its last send before closing, outside
 * any timed section, as libzmq's local_lat does: libzmq 4.3 can lose the tail of a stream when the
 * sending process closes at once, which would fail a crossed run for reasons not zconn's.
 * {@code ZPERF_WARMUP} (default 0, as libzmq's tools) messages or round trips go first, untimed;
 * both sides, and the C tools, read the same variable. {@code ZPERF_BATCH} (default 1) &gt; 1 makes
 * throughput senders send bursts of that many messages with one call where the implementation
 * has one (zconn's {@code Socket.sendBatch}), one by one otherwise (JeroMQ).
 */
public final class Tools {
    /** Exit status when a receiver timed out before getting every message. */
    public static final int EXIT_INCOMPLETE = 2;
    /** Exit status when a message of the wrong size arrived. */
    public static final int EXIT_BAD_SIZE = 3;

    private static final String INPROC_THR = "inproc://zperf_thr";
    private static final String INPROC_LAT = "inproc://zperf_lat";

    private final PerfApi api;
    private final PrintStream out;
    private final int hwm = envInt("ZPERF_HWM", 1000);
    private final int rcvTimeout = envInt("ZPERF_RCVTIMEO_MS", -1);
    private final int settleMillis = envInt("ZPERF_SETTLE_MS", 500);
    private final long warmup = envInt("ZPERF_WARMUP", 0);
    /** Throughput senders: messages per burst ({@link PerfSocket#sendBatch}); 1 (the default) sends one by one. */
    private final int batch = Math.max(1, envInt("ZPERF_BATCH", 1));

    /**
     * @param api the implementation
     * @param out where the results go
     */
    public Tools(PerfApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    /** A tool failed in an expected way (timeout, wrong size): message and exit status. */
    public static final class Failure extends RuntimeException {
        private final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }

        /** @return the process exit status to use */
        public int status() {
            return status;
        }
    }

    /**
     * {@code local_thr <bind-endpoint> <message-size> <message-count>}: PULL, bind, time the messages.
     *
     * @param endpoint bind endpoint
     * @param size     expected message size
     * @param count    messages to receive
     */
    public void localThr(String endpoint, int size, long count) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = receiver(ctx, Kind.PULL);
            s.expectSize(size);
            s.bind(endpoint);
            long elapsed = receiveAll(s, size, count);
            s.close();
            reportThroughput(size, count, elapsed);
        }
    }

    /**
     * {@code remote_thr <connect-endpoint> <message-size> <message-count>}: PUSH, connect, send.
     *
     * @param endpoint connect endpoint
     * @param size     message size
     * @param count    messages to send
     */
    public void remoteThr(String endpoint, int size, long count) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = sender(ctx, Kind.PUSH);
            s.connect(endpoint);
            sendAll(s, size, count);
            settle();
            s.close();
        }
    }

    /**
     * {@code local_lat <bind-endpoint> <message-size> <roundtrip-count>}: REP, bind, echo.
     *
     * @param endpoint   bind endpoint
     * @param size       expected message size
     * @param roundtrips messages to echo
     */
    public void localLat(String endpoint, int size, long roundtrips) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = receiver(ctx, Kind.REP);
            s.setLinger(-1);
            s.bind(endpoint);
            echoAll(s, size, roundtrips);
            settle();
            s.close();
        }
    }

    /**
     * {@code remote_lat <connect-endpoint> <message-size> <roundtrip-count>}: REQ, connect, time round trips.
     *
     * @param endpoint   connect endpoint
     * @param size       message size
     * @param roundtrips round trips to make
     */
    public void remoteLat(String endpoint, int size, long roundtrips) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = receiver(ctx, Kind.REQ);
            s.setLinger(-1);
            s.connect(endpoint);
            long elapsed = roundTrips(s, size, roundtrips);
            s.close();
            reportLatency(size, roundtrips, elapsed);
        }
    }

    /**
     * {@code inproc_thr <message-size> <message-count>}: a PUSH thread sends to PULL over inproc://.
     *
     * @param size  message size
     * @param count messages
     */
    public void inprocThr(int size, long count) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = receiver(ctx, Kind.PULL);
            s.expectSize(size);
            s.bind(INPROC_THR);
            Worker w = new Worker("zperf-push", () -> {
                PerfSocket push = sender(ctx, Kind.PUSH);
                push.connect(INPROC_THR);
                sendAll(push, size, count);
                push.close();
            });
            long elapsed = receiveAll(s, size, count);
            w.join();
            s.close();
            reportThroughput(size, count, elapsed);
        }
    }

    /**
     * {@code inproc_lat <message-size> <roundtrip-count>}: REQ and a REP thread over inproc://.
     *
     * @param size       message size
     * @param roundtrips round trips
     */
    public void inprocLat(int size, long roundtrips) {
        try (PerfContext ctx = api.newContext()) {
            PerfSocket s = receiver(ctx, Kind.REQ);
            s.bind(INPROC_LAT);
            Worker w = new Worker("zperf-rep", () -> {
                PerfSocket rep = receiver(ctx, Kind.REP);
                rep.setLinger(-1);
                rep.connect(INPROC_LAT);
                echoAll(rep, size, roundtrips);
                rep.close();
            });
            long elapsed = roundTrips(s, size, roundtrips);
            w.join();
            s.close();
            reportLatency(size, roundtrips, elapsed);
        }
    }

    // ---- the loops -----------------------------------------------------------------------------

    /** Fixed CURVE test keys (Z85), the same as in perf_util.h. */
    private static final String SERVER_PUBLIC = ")fTtfOF29A5zB?0z+z9By$l/<yZxGM5zB@]A&<}a";
    private static final String SERVER_SECRET = "nD?x3KS5gSP5?EmKzW:{5tQlKIWkkf(qKCe->xo9";
    private static final String CLIENT_PUBLIC = ".<Tre?/pH+kE8ki}9g:Y)/^pHe&.xwK{o7+D<^J5";
    private static final String CLIENT_SECRET = "CGkwB6oBVn8zH)?A1U[QPw9q$UIYZc4kV4%=7Nhd";

    /** ZPERF_MECHANISM=curve: PULL and REP are CURVE servers, PUSH and REQ clients (as the C tools). */
    private static PerfSocket socket(PerfContext ctx, Kind kind) {
        PerfSocket s = ctx.socket(kind);
        String m = System.getenv().getOrDefault("ZPERF_MECHANISM", "null");
        if (m.equals("curve")) {
            if (kind == Kind.PULL || kind == Kind.REP) {
                s.curveServer(SERVER_SECRET);
            } else {
                s.curveClient(SERVER_PUBLIC, CLIENT_PUBLIC, CLIENT_SECRET);
            }
        } else if (!m.isEmpty() && !m.equals("null")) {
            throw new IllegalArgumentException("unknown ZPERF_MECHANISM '" + m + "' (null or curve)");
        }
        return s;
    }

    private PerfSocket receiver(PerfContext ctx, Kind kind) {
        PerfSocket s = socket(ctx, kind);
        s.setHwm(hwm);
        s.setReceiveTimeout(rcvTimeout);
        return s;
    }

    private PerfSocket sender(PerfContext ctx, Kind kind) {
        PerfSocket s = socket(ctx, kind);
        s.setHwm(hwm);
        s.setLinger(-1);
        return s;
    }

    /** @return nanoseconds from the first message received to the last */
    private long receiveAll(PerfSocket s, int size, long count) {
        for (long i = 0; i < warmup; i++) {
            check(s.recv(), size, i, warmup + count);
        }
        check(s.recv(), size, 0, count);
        long start = System.nanoTime();
        for (long i = 1; i < count; i++) {
            check(s.recv(), size, i, count);
        }
        return System.nanoTime() - start;
    }

    private void sendAll(PerfSocket s, int size, long count) {
        if (batch > 1) {
            sendBatches(s, size, warmup + count);
            return;
        }
        // a fresh buffer per message, as an application would (and as libzmq's remote_thr does),
        // unless the implementation sends from memory it keeps (PerfSocket.sendSized)
        for (long i = 0, n = warmup + count; i < n; i++) {
            s.sendSized(size);
        }
    }

    /** ZPERF_BATCH &gt; 1: bursts of that many messages (fresh buffers too), see {@link PerfSocket#sendBatch}. */
    private void sendBatches(PerfSocket s, int size, long total) {
        byte[][] b = new byte[batch][];
        for (long sent = 0; sent < total; ) {
            int k = (int) Math.min(batch, total - sent);
            for (int i = 0; i < k; i++) {
                b[i] = new byte[size];
            }
            s.sendBatch(b, k);
            sent += k;
        }
    }

    private void echoAll(PerfSocket s, int size, long roundtrips) {
        for (long i = 0, n = warmup + roundtrips; i < n; i++) {
            check(s.echo(), size, i, n);
        }
    }

    /** @return nanoseconds for all round trips, connection set-up included (as libzmq's remote_lat) unless warmed up */
    private long roundTrips(PerfSocket s, int size, long roundtrips) {
        byte[] data = new byte[size];
        exchange(s, data, warmup);
        long start = System.nanoTime();
        exchange(s, data, roundtrips);
        return System.nanoTime() - start;
    }

    /** {@code n} round trips of {@code data}: send it, receive the echo. */
    private void exchange(PerfSocket s, byte[] data, long n) {
        for (long i = 0; i < n; i++) {
            s.send(data);
            check(s.recv(), data.length, i, n);
        }
    }

    private void check(int got, int size, long done, long total) {
        if (got < 0) {
            throw new Failure(EXIT_INCOMPLETE, "error: received " + done + " of " + total
                    + " messages (none for " + rcvTimeout + " ms)");
        }
        if (got != size) {
            throw new Failure(EXIT_BAD_SIZE, "message of incorrect size received (" + got
                    + " bytes, expected " + size + ")");
        }
    }

    // ---- output, in libzmq's fields and units ---------------------------------------------------

    private void reportThroughput(int size, long count, long elapsedNanos) {
        double elapsedUs = Math.max(1.0, elapsedNanos / 1000.0);
        long throughput = (long) (count / elapsedUs * 1_000_000);
        double megabits = (double) throughput * size * 8 / 1_000_000;
        out.printf(Locale.ROOT, "message size: %d [B]%n", size);
        out.printf(Locale.ROOT, "message count: %d%n", count);
        out.printf(Locale.ROOT, "mean throughput: %d [msg/s]%n", throughput);
        out.printf(Locale.ROOT, "mean throughput: %.3f [Mb/s]%n", megabits);
        out.flush();
    }

    private void reportLatency(int size, long roundtrips, long elapsedNanos) {
        double latency = elapsedNanos / 1000.0 / (roundtrips * 2.0);
        out.printf(Locale.ROOT, "message size: %d [B]%n", size);
        out.printf(Locale.ROOT, "roundtrip count: %d%n", roundtrips);
        out.printf(Locale.ROOT, "average latency: %.3f [us]%n", latency);
        out.flush();
    }

    private void settle() {
        settle(settleMillis);
    }

    /**
     * Lets a peer that has just connected settle before the clock starts (the tools' protocol, as
     * libzmq's remote tools sleep before sending).
     *
     * @param millis how long, 0 for not at all
     */
    static void settle(int millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param name an environment variable
     * @param def  its default
     * @return its integer value, or {@code def} when unset or blank
     */
    static int envInt(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }

    /** Runs a task on its own thread and rethrows its failure on {@link #join()}. */
    private static final class Worker {
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Worker(String name, Runnable task) {
            thread = new Thread(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
