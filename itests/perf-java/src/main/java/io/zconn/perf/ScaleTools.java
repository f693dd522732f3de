package io.zconn.perf;

import io.zconn.perf.PerfApi.Kind;
import io.zconn.perf.PerfApi.PerfContext;
import io.zconn.perf.PerfApi.PerfPoller;
import io.zconn.perf.PerfApi.PerfSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Tools for many peers, written once against {@link PerfApi} (the C twins in itests/perf/c take the
 * same arguments and print the same fields). Each row is two processes; the receiving side's
 * sockets all live in one thread with the implementation's poller.
 * <pre>
 *   scale_pub     &lt;endpoint&gt; &lt;control&gt; &lt;size&gt; &lt;count&gt;
 *   scale_sub     &lt;endpoint&gt; &lt;control&gt; &lt;size&gt; &lt;subscribers&gt; &lt;count&gt;
 *   scale_router  &lt;endpoint&gt; &lt;size&gt; &lt;requests&gt;
 *   scale_dealers &lt;endpoint&gt; &lt;size&gt; &lt;dealers&gt; &lt;count&gt;
 *   scale_connect &lt;endpoint&gt; &lt;connections&gt; &lt;concurrency&gt;
 * </pre>
 * <b>pubsub</b>: scale_pub binds a PUB on the endpoint and a PULL on the control endpoint;
 * scale_sub connects that many SUBs and a PUSH. The PUB sends ticks until every SUB has one (the
 * subscriber side then says so on the control connection), {@code ZPERF_WARMUP} more ticks, then
 * {@code count} data messages as fast as it can (a PUB drops at the HWM: what arrives is
 * measured), then end marks until the subscriber side says every SUB has one. The first byte tags
 * a message: T tick, D data, E end. The subscriber side reports data messages delivered to all
 * SUBs together per second, from the first one to the last, each SUB's share, and its memory.
 * <br><b>router</b>: scale_router binds a ROUTER and echoes {@code requests} + {@code ZPERF_WARMUP}
 * requests back to their DEALER; scale_dealers connects that many DEALERs, each sends one request
 * and waits for its reply (set-up, untimed), then each keeps one request in flight until
 * {@code ZPERF_WARMUP} + {@code count} replies came back; replies per second after the warm-up.
 * The ROUTER side is given dealers + count as its requests.
 * <br><b>connect</b>: scale_connect opens {@code concurrency} DEALERs at a time to a scale_router
 * (given {@code connections} as its requests, 1-byte messages), each connects, sends one byte and
 * waits for the ROUTER's echo (the handshake is done then, both ways), then all are closed (LINGER
 * 0); {@code ZPERF_WARMUP} connections first, untimed; connections per second.
 * <br>Memory: {@code rss} is the process's resident set (VmRSS) with every connection still open,
 * {@code heap} the JVM heap used after a full GC, both after the measured part.
 * {@code ZPERF_SETUP_TIMEOUT_MS} (default 120000) bounds connecting; {@code ZPERF_RCVTIMEO_MS}
 * (default -1, forever) bounds a wait without any message in the measured part (exit status 2).
 */
final class ScaleTools {
    private static final int TICK = 'T';
    private static final int DATA = 'D';
    private static final int END = 'E';
    /** Messages taken from one readable socket before the others get their turn. */
    private static final int BATCH = 256;

    private final PerfApi api;
    private final PrintStream out;
    private final int hwm = Tools.envInt("ZPERF_HWM", 1000);
    private final int rcvTimeout = Tools.envInt("ZPERF_RCVTIMEO_MS", -1);
    private final int setupTimeout = Tools.envInt("ZPERF_SETUP_TIMEOUT_MS", 120_000);
    private final int settleMillis = Tools.envInt("ZPERF_SETTLE_MS", 500);
    private final long warmup = Tools.envInt("ZPERF_WARMUP", 0);

    /**
     * @param api the implementation
     * @param out where the results go
     */
    ScaleTools(PerfApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    // ---- pubsub --------------------------------------------------------------------------------

    /**
     * The PUB side.
     *
     * @param endpoint PUB bind endpoint
     * @param control  control PULL bind endpoint
     * @param size     message size (at least 1: the tag)
     * @param count    data messages to send
     */
    void pub(String endpoint, String control, int size, long count) {
        requireTag(size);
        try (PerfContext ctx = bounded(api.newContext())) {
            PerfSocket pub = ctx.socket(Kind.PUB);
            pub.setHwm(hwm);
            pub.setLinger(0);
            pub.bind(endpoint);
            PerfSocket ctl = ctx.socket(Kind.PULL);
            ctl.setLinger(0);
            ctl.setReceiveTimeout(10);
            ctl.bind(control);
            // ticks until the subscriber side says every SUB has one (waiting twice its set-up
            // timeout: it started later and reports its own failure)
            long deadline = System.nanoTime() + 2 * TimeUnit.MILLISECONDS.toNanos(setupTimeout);
            while (ctl.recv() < 0) {
                pub.send(tagged(TICK, size));
                if (System.nanoTime() > deadline) {
                    throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: the SUBs did not all subscribe in "
                            + 2L * setupTimeout + " ms");
                }
            }
            for (long i = 0; i < warmup; i++) {
                pub.send(tagged(TICK, size));
            }
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                pub.send(tagged(DATA, size)); // a fresh buffer per message, as in remote_thr
            }
            long sendNanos = System.nanoTime() - start;
            // end marks (a PUB may drop any of them at the HWM) until every SUB has one
            long endWait = rcvTimeout < 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(rcvTimeout);
            long endDeadline = System.nanoTime() + Math.min(endWait, TimeUnit.MINUTES.toNanos(10));
            do {
                pub.send(tagged(END, size));
                if (System.nanoTime() > endDeadline) {
                    throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: the SUBs did not all get an end mark");
                }
            } while (ctl.recv() < 0);
            out.printf(Locale.ROOT, "messages sent: %d%n", count);
            out.printf(Locale.ROOT, "send rate: %d [msg/s]%n", rate(count, sendNanos));
            out.flush();
            ctl.close();
            pub.close();
        }
    }

    /**
     * The SUB side: that many SUBs in this thread, one poller.
     *
     * @param endpoint    the PUB's endpoint
     * @param control     the PUB side's control endpoint
     * @param size        expected message size
     * @param subscribers SUB sockets to connect
     * @param count       data messages the PUB sends (for the delivered share)
     */
    void sub(String endpoint, String control, int size, int subscribers, long count) {
        requireTag(size);
        try (PerfContext ctx = bounded(api.newContext())) {
            List<PerfSocket> subs = new ArrayList<>(subscribers);
            for (int i = 0; i < subscribers; i++) {
                PerfSocket s = ctx.socket(Kind.SUB);
                s.setHwm(hwm);
                s.setLinger(0);
                s.subscribeAll();
                s.connect(endpoint);
                subs.add(s);
            }
            PerfSocket ctl = ctx.socket(Kind.PUSH);
            ctl.setLinger(1000);
            ctl.connect(control);
            long[] delivered = new long[subscribers];
            try (PerfPoller poller = ctx.poller(subscribers)) {
                for (PerfSocket s : subs) {
                    poller.register(s);
                }
                // set-up: every SUB has a tick
                boolean[] heard = new boolean[subscribers];
                int heardCount = 0;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(setupTimeout);
                while (heardCount < subscribers) {
                    if (System.nanoTime() > deadline) {
                        throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: " + heardCount + " of "
                                + subscribers + " SUBs heard the PUB in " + setupTimeout + " ms");
                    }
                    if (poller.poll(100) == 0) {
                        continue;
                    }
                    for (int i = 0; i < subscribers; i++) {
                        if (poller.readable(i)) {
                            PerfSocket s = subs.get(i);
                            while (s.tryRecv() >= 0) {
                                if (!heard[i]) {
                                    heard[i] = true;
                                    heardCount++;
                                }
                            }
                        }
                    }
                }
                ctl.send(new byte[] {'R'});
                // the measured part: until every SUB has an end mark
                boolean[] ended = new boolean[subscribers];
                int endedCount = 0;
                long total = 0;
                long first = 0;
                long last = 0;
                long lastProgress = System.nanoTime();
                while (endedCount < subscribers) {
                    if (poller.poll(100) == 0) {
                        if (rcvTimeout >= 0 && System.nanoTime() - lastProgress
                                > TimeUnit.MILLISECONDS.toNanos(rcvTimeout)) {
                            throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: " + endedCount + " of "
                                    + subscribers + " SUBs got the end mark; nothing for " + rcvTimeout
                                    + " ms (" + total + " data messages delivered)");
                        }
                        continue;
                    }
                    lastProgress = System.nanoTime();
                    long before = total;
                    for (int i = 0; i < subscribers; i++) {
                        if (!poller.readable(i)) {
                            continue;
                        }
                        PerfSocket s = subs.get(i);
                        for (int n = 0; n < BATCH; n++) {
                            int got = s.tryRecv();
                            if (got < 0) {
                                break;
                            }
                            checkSize(got, size);
                            int tag = s.lastTag();
                            if (tag == DATA) {
                                if (total == 0) {
                                    first = System.nanoTime();
                                }
                                delivered[i]++;
                                total++;
                            } else if (tag == END && !ended[i]) {
                                ended[i] = true;
                                endedCount++;
                            }
                        }
                    }
                    if (total != before) {
                        last = System.nanoTime();
                    }
                }
                ctl.send(new byte[] {'F'});
                long min = Long.MAX_VALUE;
                long max = 0;
                for (long d : delivered) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
                long rss = rssBytes();
                out.printf(Locale.ROOT, "subscribers: %d%n", subscribers);
                out.printf(Locale.ROOT, "message size: %d [B]%n", size);
                out.printf(Locale.ROOT, "messages sent: %d%n", count);
                out.printf(Locale.ROOT, "delivered: %d (%.1f %% of %d x %d)%n", total,
                        100.0 * total / ((double) count * subscribers), subscribers, count);
                out.printf(Locale.ROOT, "delivered per subscriber: min %d, max %d%n", min, max);
                out.printf(Locale.ROOT, "mean throughput: %d [msg/s]%n", total < 2 ? 0 : rate(total - 1, last - first));
                reportMemory(rss);
            }
            for (PerfSocket s : subs) {
                s.close();
            }
            ctl.close();
        }
    }

    // ---- router --------------------------------------------------------------------------------

    /**
     * The ROUTER side: echoes requests to their DEALER.
     *
     * @param endpoint bind endpoint
     * @param size     expected request size
     * @param requests requests to echo (plus ZPERF_WARMUP)
     */
    void router(String endpoint, int size, long requests) {
        try (PerfContext ctx = bounded(api.newContext())) {
            PerfSocket s = ctx.socket(Kind.ROUTER);
            s.setHwm(hwm);
            s.setLinger(-1);
            s.setReceiveTimeout(Math.max(rcvTimeout, setupTimeout));
            s.bind(endpoint);
            for (long i = 0, n = warmup + requests; i < n; i++) {
                int got = s.echoRouted();
                if (got < 0) {
                    throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: echoed " + i + " of " + n
                            + " requests (none for " + Math.max(rcvTimeout, setupTimeout) + " ms)");
                }
                checkSize(got, size);
            }
            long rss = rssBytes();
            out.printf(Locale.ROOT, "requests echoed: %d%n", warmup + requests);
            reportMemory(rss);
            Tools.settle(settleMillis);
            s.close();
        }
    }

    /**
     * The DEALER side: that many DEALERs in this thread, one request in flight each.
     *
     * @param endpoint the ROUTER's endpoint
     * @param size     request size
     * @param dealers  DEALER sockets
     * @param count    replies to time (after ZPERF_WARMUP untimed ones)
     */
    void dealers(String endpoint, int size, int dealers, long count) {
        try (PerfContext ctx = bounded(api.newContext())) {
            List<PerfSocket> socks = new ArrayList<>(dealers);
            for (int i = 0; i < dealers; i++) {
                PerfSocket s = ctx.socket(Kind.DEALER);
                s.setHwm(hwm);
                s.setLinger(0);
                s.connect(endpoint);
                socks.add(s);
            }
            try (PerfPoller poller = ctx.poller(dealers)) {
                for (PerfSocket s : socks) {
                    poller.register(s);
                }
                // set-up: one round trip per DEALER, untimed
                for (PerfSocket s : socks) {
                    s.send(new byte[size]);
                }
                long[] pending = {dealers};
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(setupTimeout);
                while (pending[0] > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: " + (dealers - pending[0]) + " of "
                                + dealers + " DEALERs got a reply in " + setupTimeout + " ms");
                    }
                    drain(poller, socks, size, 100, () -> pending[0]--);
                }
                long total = warmup + count;
                long[] sent = {0};
                long[] received = {0};
                long[] start = {System.nanoTime()};
                for (int i = 0; i < dealers && sent[0] < total; i++) {
                    socks.get(i).send(new byte[size]);
                    sent[0]++;
                }
                long lastProgress = System.nanoTime();
                while (received[0] < total) {
                    long before = received[0];
                    drainAndReply(poller, socks, size, received, sent, total, start);
                    if (received[0] != before) {
                        lastProgress = System.nanoTime();
                    } else if (rcvTimeout >= 0 && System.nanoTime() - lastProgress
                            > TimeUnit.MILLISECONDS.toNanos(rcvTimeout)) {
                        throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: received " + received[0] + " of "
                                + total + " replies (none for " + rcvTimeout + " ms)");
                    }
                }
                long elapsed = System.nanoTime() - start[0];
                long rss = rssBytes();
                out.printf(Locale.ROOT, "dealers: %d%n", dealers);
                out.printf(Locale.ROOT, "message size: %d [B]%n", size);
                out.printf(Locale.ROOT, "replies: %d%n", count);
                out.printf(Locale.ROOT, "mean throughput: %d [msg/s]%n", rate(count, elapsed));
                reportMemory(rss);
            }
            for (PerfSocket s : socks) {
                s.close();
            }
        }
    }

    private void drain(PerfPoller poller, List<PerfSocket> socks, int size, long timeoutMillis, Runnable onReply) {
        if (poller.poll(timeoutMillis) == 0) {
            return;
        }
        for (int i = 0; i < socks.size(); i++) {
            if (poller.readable(i)) {
                PerfSocket s = socks.get(i);
                int got;
                while ((got = s.tryRecv()) >= 0) {
                    checkSize(got, size);
                    onReply.run();
                }
            }
        }
    }

    private void drainAndReply(PerfPoller poller, List<PerfSocket> socks, int size, long[] received, long[] sent,
                               long total, long[] start) {
        if (poller.poll(100) == 0) {
            return;
        }
        for (int i = 0; i < socks.size(); i++) {
            if (!poller.readable(i)) {
                continue;
            }
            PerfSocket s = socks.get(i);
            int got;
            while ((got = s.tryRecv()) >= 0) {
                checkSize(got, size);
                received[0]++;
                if (received[0] == warmup) {
                    start[0] = System.nanoTime();
                }
                if (sent[0] < total) {
                    s.send(new byte[size]);
                    sent[0]++;
                }
            }
        }
    }

    // ---- connect -------------------------------------------------------------------------------

    /**
     * Connections per second to a ROUTER (scale_router with 1-byte requests).
     *
     * @param endpoint    the ROUTER's endpoint
     * @param connections connections to time (after ZPERF_WARMUP untimed ones)
     * @param concurrency connections opened at a time
     */
    void connect(String endpoint, long connections, int concurrency) {
        try (PerfContext ctx = bounded(api.newContext())) {
            long total = warmup + connections;
            long done = 0;
            long start = System.nanoTime();
            boolean timing = warmup == 0;
            List<PerfSocket> batch = new ArrayList<>(concurrency);
            while (done < total) {
                int n = (int) Math.min(concurrency, total - done);
                for (int i = 0; i < n; i++) {
                    PerfSocket s = ctx.socket(Kind.DEALER);
                    s.setLinger(0);
                    s.setReceiveTimeout(setupTimeout);
                    s.connect(endpoint);
                    s.send(new byte[] {'C'});
                    batch.add(s);
                }
                for (PerfSocket s : batch) {
                    int got = s.recv();
                    if (got < 0) {
                        throw new Tools.Failure(Tools.EXIT_INCOMPLETE, "error: " + done + " of " + total
                                + " connections done; no echo in " + setupTimeout + " ms");
                    }
                    checkSize(got, 1);
                }
                for (PerfSocket s : batch) {
                    s.close();
                }
                batch.clear();
                done += n;
                if (!timing && done >= warmup) {
                    timing = true;
                    start = System.nanoTime();
                    total = done + connections;
                }
            }
            long elapsed = System.nanoTime() - start;
            out.printf(Locale.ROOT, "connections: %d, %d at a time%n", connections, concurrency);
            out.printf(Locale.ROOT, "connection rate: %d [conn/s]%n", rate(connections, elapsed));
            out.flush();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Closing a context waits at most this long (then the process exit takes it down). */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /**
     * A context whose close waits at most {@link #CLOSE_WAIT_MILLIS}: after a failure sockets are
     * still open, and closing JeroMQ's context then waits for them forever, hiding the failure.
     */
    private static PerfContext bounded(PerfContext ctx) {
        return new PerfContext() {
            @Override
            public PerfSocket socket(Kind kind) {
                return ctx.socket(kind);
            }

            @Override
            public PerfPoller poller(int capacity) {
                return ctx.poller(capacity);
            }

            @Override
            public void close() {
                Thread t = new Thread(ctx::close, "zperf-close");
                t.setDaemon(true);
                t.start();
                try {
                    t.join(CLOSE_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    System.err.println("note: the context did not close in " + CLOSE_WAIT_MILLIS
                            + " ms; the process exit ends it");
                }
            }
        };
    }

    private static byte[] tagged(int tag, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) tag;
        return b;
    }

    private static void requireTag(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("message size must be at least 1 (the tag)");
        }
    }

    private static void checkSize(int got, int size) {
        if (got != size) {
            throw new Tools.Failure(Tools.EXIT_BAD_SIZE, "message of incorrect size received (" + got
                    + " bytes, expected " + size + ")");
        }
    }

    private static long rate(long n, long nanos) {
        return (long) (n / (Math.max(1000L, nanos) / 1e9));
    }

    /** @return VmRSS of this process, -1 if unknown */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Prints {@code rss} (taken before the GC), the heap used after a full GC, and what explains
     * the RSS: the heap committed before that GC and the direct memory held (Netty's pool).
     */
    private void reportMemory(long rss) {
        long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        long direct = Footprint.directMemory();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        out.printf(Locale.ROOT, "rss: %.1f [MB]%n", rss / 1e6);
        out.printf(Locale.ROOT, "heap: %.1f [MB]%n", heap / 1e6);
        out.printf(Locale.ROOT, "heap committed: %.1f [MB]%n", committed / 1e6);
        out.printf(Locale.ROOT, "direct: %.1f [MB]%n", direct / 1e6);
        out.flush();
    }
}
