package io.zconn.itests.soak;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak: REQ/REP, PUB/SUB and PUSH/PULL traffic between zconn sockets (REP, PUB, PULL bound on
 * {@code tcp://127.0.0.1:*}) and libzmq peers (python3-zmq processes, {@code soak_peer.py}) that
 * are killed with SIGKILL and restarted every few seconds. Every sample interval it records heap
 * used after GC, live threads and open descriptors, and at the end prints a table and a verdict:
 * FLAT when the last sample is within the tolerance of the first one after warm-up (and traffic
 * flowed in every interval), else GROWING.
 *
 * <p>Run: {@code Soak [seconds] [sampleSeconds]}, or through {@code SoakIT} with
 * {@code -Dzconn.soak.seconds=600 -Dzconn.soak.sampleSeconds=30}.
 */
public final class Soak {
    static final String PYTHON = System.getenv().getOrDefault("ZCONN_TEST_PYTHON", "/usr/bin/python3");
    /** Heap may end this much (relative) above the first sample after warm-up... */
    static final double HEAP_TOLERANCE = 0.10;
    /** ...plus this much (absolute: GC noise of a small heap). */
    static final long HEAP_SLACK = 4L << 20;
    /** Open descriptors vary with how many peers are connected at the sample instant. */
    static final int FD_SLACK = 16;
    static final int THREAD_SLACK = 2;

    /** One sample. */
    record Sample(long seconds, long heapAfterGc, int threads, long fds, long requests, long published,
                  long pulled, int restarts) {
    }

    /** The outcome: samples, verdict, and the text to print. */
    record Result(List<Sample> samples, boolean flat, String verdict, List<String> errors) {
        String table() {
            StringBuilder b = new StringBuilder();
            b.append("| t (s) | heap after GC (MB) | threads | fds | req/rep | pub/sub | push/pull | restarts |\n");
            b.append("|------:|-------------------:|--------:|----:|--------:|--------:|----------:|---------:|\n");
            for (Sample s : samples) {
                b.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %d | %d | %d | %d | %d |%n", s.seconds(),
                        s.heapAfterGc() / 1048576.0, s.threads(), s.fds(), s.requests(), s.published(),
                        s.pulled(), s.restarts()));
            }
            b.append("\nVerdict: ").append(verdict).append('\n');
            return b.toString();
        }
    }

    private final Duration duration;
    private final Duration sampleEvery;
    private final Duration restartEvery;
    private final int peers;

    Soak(Duration duration, Duration sampleEvery, Duration restartEvery, int peers) {
        this.duration = duration;
        this.sampleEvery = sampleEvery;
        this.restartEvery = restartEvery;
        this.peers = peers;
    }

    /** @param args [seconds (600)] [sampleSeconds (30)] */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
        long sample = args.length > 1 ? Long.parseLong(args[1]) : 30;
        Result r = new Soak(Duration.ofSeconds(seconds), Duration.ofSeconds(sample), Duration.ofSeconds(3), 3).run();
        System.out.print(r.table());
        System.exit(r.flat() ? 0 : 1);
    }

    Result run() throws Exception {
        Path script = Files.createTempFile("soak_peer", ".py");
        try (InputStream in = Soak.class.getResourceAsStream("/soak/soak_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicLong requests = new AtomicLong();
        AtomicLong published = new AtomicLong();
        AtomicLong pulled = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Sample> samples = new ArrayList<>();
        Deque<Process> running = new ArrayDeque<>();
        int restarts = 0;
        try (Context ctx = new Context()) {
            Socket rep = ctx.socket(SocketType.REP);
            Socket pub = ctx.socket(SocketType.PUB);
            Socket pull = ctx.socket(SocketType.PULL);
            String repEp = bind(rep);
            String pubEp = bind(pub);
            String pullEp = bind(pull);
            List<Thread> workers = List.of(
                    worker("soak-rep", stop, errors, () -> {
                        Message m = rep.recvMessage(Duration.ofMillis(100));
                        if (m != null) {
                            rep.send(Message.of("re", m.get(0).text()));
                            requests.incrementAndGet();
                        }
                    }),
                    worker("soak-pub", stop, errors, () -> {
                        for (int i = 0; i < 10; i++) {
                            pub.send(Message.of("tick", Long.toString(published.incrementAndGet())));
                        }
                        TimeUnit.MILLISECONDS.sleep(5); // the load's pace: ~2,000 messages a second
                    }),
                    worker("soak-pull", stop, errors, () -> {
                        if (pull.recvMessage(Duration.ofMillis(100)) != null) {
                            pulled.incrementAndGet();
                        }
                    }));
            for (int i = 0; i < peers; i++) {
                running.add(startPeer(script, repEp, pubEp, pullEp));
            }
            long start = System.nanoTime();
            long nextSample = sampleEvery.toNanos();
            long nextRestart = restartEvery.toNanos();
            long end = duration.toNanos();
            long[] last = {0, 0, 0};
            while (true) {
                long now = System.nanoTime() - start;
                if (now >= nextRestart) {
                    // SIGKILL: the peer vanishes mid-traffic, as a crashed process does
                    Process old = running.poll();
                    old.destroyForcibly();
                    old.waitFor(5, TimeUnit.SECONDS);
                    running.add(startPeer(script, repEp, pubEp, pullEp));
                    restarts++;
                    nextRestart += restartEvery.toNanos();
                }
                if (now >= nextSample) {
                    long r = requests.get();
                    long p = published.get();
                    long q = pulled.get();
                    samples.add(sample(now, r - last[0], p - last[1], q - last[2], restarts));
                    last = new long[] {r, p, q};
                    nextSample += sampleEvery.toNanos();
                    if (nextSample > end) {
                        break;
                    }
                }
                for (Process proc : running) {
                    if (!proc.isAlive()) {
                        errors.add("a libzmq peer exited by itself with " + proc.exitValue()
                                + " (is python3-zmq installed for " + PYTHON + "? see " + PEER_LOG + ")");
                        stop.set(true);
                    }
                }
                if (stop.get()) {
                    break;
                }
                long wake = Math.min(nextSample, nextRestart) - (System.nanoTime() - start);
                TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(wake, TimeUnit.MILLISECONDS.toNanos(200))));
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join(5000);
            }
        } finally {
            for (Process p : running) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(script);
        }
        return judge(samples, errors);
    }

    static Result judge(List<Sample> samples, List<String> errors) {
        List<String> problems = new ArrayList<>(errors);
        if (samples.size() < 3) {
            problems.add("too few samples (" + samples.size() + ") to judge; run longer");
            return new Result(samples, false, "UNDECIDED: " + problems, problems);
        }
        // the first sample is warm-up (classes, pools, JIT): compare the last with the second
        Sample first = samples.get(1);
        Sample lastSample = samples.get(samples.size() - 1);
        long heapBound = (long) (first.heapAfterGc() * (1 + HEAP_TOLERANCE)) + HEAP_SLACK;
        if (lastSample.heapAfterGc() > heapBound) {
            problems.add(String.format(Locale.ROOT, "heap after GC grew from %.1f to %.1f MB (bound %.1f)",
                    first.heapAfterGc() / 1048576.0, lastSample.heapAfterGc() / 1048576.0, heapBound / 1048576.0));
        }
        if (lastSample.threads() > first.threads() + THREAD_SLACK) {
            problems.add("threads grew from " + first.threads() + " to " + lastSample.threads());
        }
        if (lastSample.fds() > first.fds() + FD_SLACK) {
            problems.add("descriptors grew from " + first.fds() + " to " + lastSample.fds());
        }
        for (Sample s : samples) {
            if (s.requests() == 0 || s.published() == 0 || s.pulled() == 0) {
                problems.add("no traffic of some kind in the interval ending at " + s.seconds() + " s");
            }
        }
        boolean flat = problems.isEmpty();
        String verdict = flat
                ? String.format(Locale.ROOT, "FLAT (last sample vs. first after warm-up: heap %+.1f MB, threads %+d,"
                        + " fds %+d; bounds: heap +%d%% +%d MB, threads +%d, fds +%d)",
                        (lastSample.heapAfterGc() - first.heapAfterGc()) / 1048576.0,
                        lastSample.threads() - first.threads(), lastSample.fds() - first.fds(),
                        Math.round(HEAP_TOLERANCE * 100), HEAP_SLACK >> 20, THREAD_SLACK, FD_SLACK)
                : "GROWING or BROKEN: " + String.join("; ", problems);
        return new Result(samples, flat, verdict, problems);
    }

    private static Sample sample(long nanos, long requests, long published, long pulled, int restarts) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        String[] fds = new File("/proc/self/fd").list();
        return new Sample(Math.round(nanos / 1e9), heap, threads, fds == null ? -1 : fds.length, requests,
                published, pulled, restarts);
    }

    private static String bind(Socket s) {
        s.setOption(ZmqOption.LINGER, 0);
        s.bind("tcp://127.0.0.1:*");
        return s.getOption(ZmqOption.LAST_ENDPOINT);
    }

    /** The peers' stderr (not inherited: a test fork's own streams are its channel to the build). */
    static final File PEER_LOG = new File(System.getProperty("java.io.tmpdir"), "zconn-soak-peers.log");

    private static Process startPeer(Path script, String repEp, String pubEp, String pullEp) throws IOException {
        // no pipes: a peer holds no descriptor of this JVM, so the fd count measures zconn alone
        return new ProcessBuilder(PYTHON, "-u", script.toString(), repEp, pubEp, pullEp)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(PEER_LOG))
                .start();
    }

    /** A step run in a loop on its own thread until stopped; a failure is recorded and stops the soak. */
    interface Step {
        void run() throws Exception;
    }

    private static Thread worker(String name, AtomicBoolean stop, List<String> errors, Step step) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    step.run();
                }
            } catch (Throwable e) {
                errors.add(name + ": " + e);
                stop.set(true);
                if (e instanceof Error err && !(e instanceof AssertionError)) {
                    throw err;
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
