package io.zconn.itests.arquillian.bench;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.itests.arquillian.LibzmqPeer;

import jakarta.ejb.EJB;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter benchmark (issue #11), not a test: run with {@code mvn -o -pl itests/arquillian -am verify -Pra-bench
 * -Dsurefire.failIfNoSpecifiedTests=false} (never part of the default build). It deploys zconn.rar and a benchmark
 * application into the managed WildFly and, inside the server's JVM, drives both the application's MDBs/EJB and
 * plain zconn sockets (the baselines) with the same libzmq (pyzmq) load, alternating A B C A B C per run:
 * <ul>
 * <li>REP: 20 REQ clients (one Python process, a poller) × 500 requests against the REP MDB (REQUIRED and
 *     NOT_SUPPORTED), a plain zconn REP and ROUTER echo loop on one thread, and a pyzmq REP;</li>
 * <li>PULL: a pyzmq PUSH sends 50,000 messages to the PULL MDBs (a call per message, and
 *     {@code ZmqBatchListener} MDBs taking up to 100 per call) and to a plain zconn PULL loop;</li>
 * <li>PUSH: 50,000 messages through the connection factory (one handle; a handle per message) and through a
 *     plain zconn PUSH, to a pyzmq PULL.</li>
 * </ul>
 * The first run of each is a warm-up and not counted; medians of the next {@code ra.bench.runs}. The Markdown table
 * and the raw TSV go to {@code target/ra-bench/}. Ports 25751–25761.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaBench {
    private static final String REP_TX = "tcp://127.0.0.1:25751";
    private static final String REP_NOTX = "tcp://127.0.0.1:25752";
    private static final String RAW_REP = "tcp://127.0.0.1:25753";
    private static final String RAW_ROUTER = "tcp://127.0.0.1:25754";
    private static final String PY_REP = "tcp://127.0.0.1:25755";
    private static final String PULL_TX = "tcp://127.0.0.1:25756";
    private static final String PULL_NOTX = "tcp://127.0.0.1:25757";
    private static final String RAW_PULL = "tcp://127.0.0.1:25758";
    private static final String PULL_BATCH_TX = "tcp://127.0.0.1:25759";
    private static final String PULL_BATCH_NOTX = "tcp://127.0.0.1:25760";
    private static final String SINK = "tcp://127.0.0.1:25761";
    private static final byte[] PAYLOAD = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @ArquillianResource
    private Deployer deployer;

    @EJB
    private BenchSender sender;

    @Deployment(name = "rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        rar.addAsManifestResource(new StringAsset("""
                <ironjacamar>
                  <connection-definitions>
                    <connection-definition class-name="io.zconn.ra.outbound.ZmqManagedConnectionFactory"
                                           jndi-name="java:/zconn/BenchPush" pool-name="BenchPush">
                      <config-property name="socketType">PUSH</config-property>
                      <config-property name="endpoints">%s</config-property>
                    </connection-definition>
                    <connection-definition class-name="io.zconn.ra.outbound.ZmqManagedConnectionFactory"
                                           jndi-name="java:/zconn/BenchPushNoCcm" pool-name="BenchPushNoCcm"
                                           use-ccm="false">
                      <config-property name="socketType">PUSH</config-property>
                      <config-property name="endpoints">%s</config-property>
                    </connection-definition>
                    <connection-definition class-name="io.zconn.ra.outbound.ZmqManagedConnectionFactory"
                                           jndi-name="java:/zconn/BenchPushLean" pool-name="BenchPushLean"
                                           use-ccm="false" tracking="false" sharable="false">
                      <config-property name="socketType">PUSH</config-property>
                      <config-property name="endpoints">%s</config-property>
                    </connection-definition>
                  </connection-definitions>
                </ironjacamar>
                """.formatted(SINK, SINK, SINK)), "ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "bench", managed = false, order = 2)
    static Archive<?> app() {
        Properties p = new Properties();
        p.setProperty("runs", System.getProperty("ra.bench.runs", "3"));
        p.setProperty("clients", System.getProperty("ra.bench.clients", "20"));
        p.setProperty("requests", System.getProperty("ra.bench.requests", "500"));
        p.setProperty("messages", System.getProperty("ra.bench.messages", "50000"));
        p.setProperty("only", System.getProperty("ra.bench.only", "rep,pull,push"));
        p.setProperty("out", new File(System.getProperty("ra.bench.out", "target/ra-bench")).getAbsolutePath());
        StringWriter w = new StringWriter();
        try {
            p.store(w, "ra-bench");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder binding = new StringBuilder("""
                <jboss:ejb-jar xmlns:jboss="urn:jboss:jakartaee:1.0" xmlns="https://jakarta.ee/xml/ns/jakartaee"
                               xmlns:r="urn:resource-adapter-binding" version="4.0" impl-version="2.0">
                  <assembly-descriptor>
                """);
        for (String mdb : List.of("BenchRepMdb", "BenchRepNoTxMdb", "BenchPullMdb", "BenchPullNoTxMdb",
                "BenchPullBatchMdb", "BenchPullBatchNoTxMdb")) {
            binding.append("    <r:resource-adapter-binding><ejb-name>").append(mdb)
                    .append("</ejb-name><r:resource-adapter-name>zconn.rar</r:resource-adapter-name>")
                    .append("</r:resource-adapter-binding>\n");
        }
        binding.append("  </assembly-descriptor>\n</jboss:ejb-jar>\n");
        return ShrinkWrap.create(WebArchive.class, "zconn-bench.war")
                .addClasses(RaBench.class, BenchRepMdb.class, BenchRepNoTxMdb.class, BenchPullMdb.class,
                        BenchPullNoTxMdb.class, BenchPullBatchMdb.class, BenchPullBatchNoTxMdb.class,
                        BenchCounter.class, BenchSender.class, LibzmqPeer.class)
                .addAsResource(new StringAsset(w.toString()), "ra-bench.properties")
                .addAsWebInfResource(new StringAsset(binding.toString()), "jboss-ejb3.xml")
                .addAsManifestResource(new StringAsset("Dependencies: deployment.zconn.rar\n"), "MANIFEST.MF");
    }

    @Test
    @Order(0)
    @RunAsClient
    void deploy() {
        deployer.deploy("rar");
        deployer.deploy("bench");
    }

    @Test
    @Order(1)
    @OperateOnDeployment("bench")
    void benchmark() throws Exception {
        Properties p = new Properties();
        try (InputStream in = RaBench.class.getResourceAsStream("/ra-bench.properties")) {
            assertNotNull(in, "ra-bench.properties");
            p.load(in);
        }
        int runs = Integer.parseInt(p.getProperty("runs"));
        int clients = Integer.parseInt(p.getProperty("clients"));
        int requests = Integer.parseInt(p.getProperty("requests"));
        int messages = Integer.parseInt(p.getProperty("messages"));
        List<String> only = List.of(p.getProperty("only").split(","));
        String load0 = loadAverage();
        Instant start = Instant.now();
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (Context ctx = new Context()) {
            RawServer rep = RawServer.start(ctx, SocketType.REP, RAW_REP);
            RawServer router = RawServer.start(ctx, SocketType.ROUTER, RAW_ROUTER);
            RawServer pull = RawServer.start(ctx, SocketType.PULL, RAW_PULL);
            LibzmqPeer pyRep = only.contains("rep") ? LibzmqPeer.start("""
                    s = ctx.socket(zmq.REP); s.bind('%s'); print('ready')
                    while True:
                        s.send(b'echo:' + s.recv())
                    """.formatted(PY_REP)) : null;
            try {
                for (int run = 0; run <= runs; run++) {
                    boolean counted = run > 0;
                    if (only.contains("rep")) {
                        record(results, counted, "REP MDB (REQUIRED)", requests(REP_TX, clients, requests));
                        record(results, counted, "REP MDB (NOT_SUPPORTED)", requests(REP_NOTX, clients, requests));
                        record(results, counted, "raw zconn REP", requests(RAW_REP, clients, requests));
                        record(results, counted, "raw zconn ROUTER", requests(RAW_ROUTER, clients, requests));
                        record(results, counted, "pyzmq REP", requests(PY_REP, clients, requests));
                    }
                    if (only.contains("pull")) {
                        record(results, counted, "PULL MDB (REQUIRED)", push(PULL_TX, BenchCounter.PULL_TX, messages));
                        record(results, counted, "PULL MDB (NOT_SUPPORTED)",
                                push(PULL_NOTX, BenchCounter.PULL_NOTX, messages));
                        record(results, counted, "PULL batch MDB (REQUIRED)",
                                push(PULL_BATCH_TX, BenchCounter.PULL_BATCH_TX, messages));
                        record(results, counted, "PULL batch MDB (NOT_SUPPORTED)",
                                push(PULL_BATCH_NOTX, BenchCounter.PULL_BATCH_NOTX, messages));
                        record(results, counted, "raw zconn PULL", push(RAW_PULL, BenchCounter.RAW_PULL, messages));
                    }
                    if (only.contains("push")) {
                        Action warm = () -> sender.sendOnOneConnection(1, PAYLOAD);
                        record(results, counted, "CF send, one handle",
                                sink(messages, warm, () -> sender.sendOnOneConnection(messages, PAYLOAD)));
                        record(results, counted, "CF send, handle per message",
                                sink(messages, warm, () -> sender.sendConnectionPerMessage(messages, PAYLOAD)));
                        Action warmNoCcm = () -> sender.sendConnectionPerMessage(false, 1, PAYLOAD);
                        record(results, counted, "CF send, handle per message, use-ccm=false", sink(messages,
                                warmNoCcm, () -> sender.sendConnectionPerMessage(false, messages, PAYLOAD)));
                        Action warmLean = () -> sender.sendConnectionPerMessage(true, 1, PAYLOAD);
                        record(results, counted, "CF send, handle per message, use-ccm/tracking/sharable=false",
                                sink(messages, warmLean, () -> sender.sendConnectionPerMessage(true, messages,
                                        PAYLOAD)));
                        record(results, counted, "raw zconn PUSH", rawPush(ctx, messages));
                    }
                }
            } finally {
                if (pyRep != null) {
                    pyRep.close();
                }
                rep.close();
                router.close();
                pull.close();
            }
        }
        String load1 = loadAverage();
        write(Path.of(p.getProperty("out")), results, runs, clients, requests, messages, start, load0, load1);
    }

    @Test
    @Order(2)
    @RunAsClient
    void undeploy() {
        deployer.undeploy("bench");
        deployer.undeploy("rar");
    }

    /** A throwing action. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private static void record(Map<String, List<Double>> results, boolean counted, String name, double rate) {
        if (counted) {
            results.computeIfAbsent(name, k -> new ArrayList<>()).add(rate);
        }
    }

    /** @return requests/s answered to {@code clients} REQ sockets making {@code requests} each, 20 at a time */
    private static double requests(String endpoint, int clients, int requests) throws Exception {
        try (LibzmqPeer req = LibzmqPeer.start("""
                C, R = %d, %d
                socks = []
                for i in range(C):
                    s = ctx.socket(zmq.REQ); s.RCVTIMEO = 30000; s.LINGER = 0; s.connect('%s'); socks.append(s)
                for s in socks:
                    s.send(b'warm')
                for s in socks:
                    s.recv()
                print('ready')
                left = {}
                poller = zmq.Poller()
                t0 = time.perf_counter()
                for s in socks:
                    left[s] = R; s.send(b'ping'); poller.register(s, zmq.POLLIN)
                done = 0
                while done < C * R:
                    ev = poller.poll(30000)
                    if not ev:
                        print('timeout after', done); sys.exit(1)
                    for s, _ in ev:
                        s.recv(); done += 1; left[s] -= 1
                        if left[s]:
                            s.send(b'ping')
                        else:
                            poller.unregister(s)
                print('rate %%.1f' %% (C * R / (time.perf_counter() - t0)))
                """.formatted(clients, requests, endpoint))) {
            String line = req.line(300_000);
            assertTrue(line != null && line.startsWith("rate "), () -> endpoint + ": " + line + " " + req.rest());
            return Double.parseDouble(line.substring(5));
        }
    }

    /** @return messages/s counted by {@code counter} while a pyzmq PUSH sends {@code n} to the endpoint */
    private static double push(String endpoint, BenchCounter counter, int n) throws Exception {
        counter.reset(n);
        try (LibzmqPeer push = LibzmqPeer.start("""
                s = ctx.socket(zmq.PUSH); s.connect('%s'); print('ready')
                for i in range(%d):
                    s.send(b'0123456789abcdef')
                s.close(linger=300000); print('done')
                """.formatted(endpoint, n))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (counter.count() < n && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling a counter for a benchmark, not synchronising a test
            }
            assertEquals(n, counter.count(), endpoint + " received");
            assertEquals("done", push.line(60_000));
            return counter.rate();
        }
    }

    /**
     * @return messages/s from the start of {@code send} until a pyzmq PULL has received {@code n}; before the clock
     *         starts, {@code warm} sends one message that the PULL must have received (the connection is up)
     */
    private static double sink(int n, Action warm, Action send) throws Exception {
        try (LibzmqPeer pull = LibzmqPeer.start("""
                s = ctx.socket(zmq.PULL); s.RCVTIMEO = 120000; s.bind('%s'); print('ready')
                s.recv(); print('warm')
                for i in range(%d):
                    s.recv()
                print('done')
                """.formatted(SINK, n))) {
            warm.run();
            assertEquals("warm", pull.line(60_000), () -> String.valueOf(pull.rest()));
            long t0 = System.nanoTime();
            send.run();
            String line = pull.line(300_000);
            long t1 = System.nanoTime();
            assertEquals("done", line, () -> String.valueOf(pull.rest()));
            return n * 1e9 / (t1 - t0);
        }
    }

    private static double rawPush(Context ctx, int n) throws Exception {
        try (Socket s = ctx.socket(SocketType.PUSH)) {
            s.setOption(ZmqOption.LINGER, 60_000);
            s.connect(SINK);
            return sink(n, () -> s.send(PAYLOAD), () -> {
                for (int i = 0; i < n; i++) {
                    s.send(PAYLOAD);
                }
            });
        }
    }

    /** A plain zconn socket served on one thread: REP and ROUTER echo, PULL counts. */
    private static final class RawServer implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private RawServer(Socket s) {
            this.thread = new Thread(() -> serve(s), "ra-bench raw " + s.type());
        }

        static RawServer start(Context ctx, SocketType type, String endpoint) {
            Socket s = ctx.socket(type);
            s.bind(endpoint);
            RawServer r = new RawServer(s);
            r.thread.start();
            return r;
        }

        private void serve(Socket s) {
            try (s) {
                Duration poll = Duration.ofMillis(100);
                while (running.get()) {
                    Message m = s.recvMessage(poll);
                    if (m == null) {
                        continue;
                    }
                    switch (s.type()) {
                        case PULL -> BenchCounter.RAW_PULL.hit();
                        case REP -> s.send(Message.of("echo:" + new String(m.get(0).data(), StandardCharsets.UTF_8)));
                        default -> {
                            Message out = new Message();
                            for (int i = 0; i < m.size() - 1; i++) {
                                out.add(m.get(i));
                            }
                            out.add("echo:" + new String(m.get(m.size() - 1).data(), StandardCharsets.UTF_8));
                            s.send(out);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String rate(double r) {
        return r >= 1e6 ? String.format(Locale.ROOT, "%.2fM", r / 1e6)
                : r >= 1e3 ? String.format(Locale.ROOT, "%.1fk", r / 1e3) : String.format(Locale.ROOT, "%.0f", r);
    }

    private static void write(Path out, Map<String, List<Double>> results, int runs, int clients, int requests,
                              int messages, Instant start, String load0, String load1) throws IOException {
        Files.createDirectories(out);
        String stamp = start.toString().replaceAll("[-:]", "").replaceAll("\\..*", "Z");
        StringBuilder tsv = new StringBuilder("scenario\trun\trate\n");
        results.forEach((k, v) -> {
            for (int i = 0; i < v.size(); i++) {
                tsv.append(k).append('\t').append(i + 1).append('\t')
                        .append(String.format(Locale.ROOT, "%.1f", v.get(i))).append('\n');
            }
        });
        Files.writeString(out.resolve("ra-bench-" + stamp + ".tsv"), tsv.toString());
        String fasterRaw = "raw zconn REP/ROUTER (faster)";
        if (results.containsKey("raw zconn REP") && results.containsKey("raw zconn ROUTER")) {
            results.put(fasterRaw, median(results.get("raw zconn REP")) >= median(results.get("raw zconn ROUTER"))
                    ? results.get("raw zconn REP") : results.get("raw zconn ROUTER"));
        }
        Map<String, String> baseline = new HashMap<>(Map.of(
                "REP MDB (REQUIRED)", fasterRaw, "REP MDB (NOT_SUPPORTED)", fasterRaw, "pyzmq REP", fasterRaw,
                "PULL MDB (REQUIRED)", "raw zconn PULL", "PULL MDB (NOT_SUPPORTED)", "raw zconn PULL",
                "PULL batch MDB (REQUIRED)", "raw zconn PULL", "PULL batch MDB (NOT_SUPPORTED)", "raw zconn PULL",
                "CF send, one handle", "raw zconn PUSH", "CF send, handle per message", "raw zconn PUSH"));
        baseline.put("CF send, handle per message, use-ccm=false", "raw zconn PUSH");
        baseline.put("CF send, handle per message, use-ccm/tracking/sharable=false", "raw zconn PUSH");
        Map<String, Double> goal = new HashMap<>(Map.of("REP MDB (REQUIRED)", 0.5, "REP MDB (NOT_SUPPORTED)", 0.5,
                "PULL MDB (REQUIRED)", 0.5, "PULL MDB (NOT_SUPPORTED)", 0.5, "PULL batch MDB (REQUIRED)", 0.5,
                "PULL batch MDB (NOT_SUPPORTED)", 0.5, "CF send, one handle", 0.8,
                "CF send, handle per message", 0.8));
        goal.put("CF send, handle per message, use-ccm=false", 0.8);
        goal.put("CF send, handle per message, use-ccm/tracking/sharable=false", 0.8);
        StringBuilder md = new StringBuilder("| scenario | msg/s median [min–max] | µs/msg | baseline | ratio | goal |\n"
                + "|---|---:|---:|---|---:|---|\n");
        results.forEach((k, v) -> {
            if (k.equals(fasterRaw)) {
                return;
            }
            double m = median(v);
            String b = baseline.get(k);
            String ratio = "–";
            String verdict = "";
            if (b != null && results.containsKey(b)) {
                double r = m / median(results.get(b));
                ratio = String.format(Locale.ROOT, "%.2f", r);
                Double g = goal.get(k);
                if (g != null) {
                    verdict = "≥ " + g + ": " + (r >= g ? "met" : "**missed**");
                }
            }
            md.append("| ").append(k).append(" | ").append(rate(m)).append(" [").append(rate(Collections.min(v)))
                    .append("–").append(rate(Collections.max(v))).append("] | ")
                    .append(String.format(Locale.ROOT, "%.2f", 1e6 / m)).append(" | ").append(b == null ? "–" : b)
                    .append(" | ").append(ratio).append(" | ").append(verdict).append(" |\n");
        });
        md.append("\nRUNS=").append(runs).append(" (after one warm-up run each, alternating), ").append(clients)
                .append(" REQ clients × ").append(requests).append(" requests, ").append(messages)
                .append(" messages per PULL/PUSH run, 16 B payloads; ").append(start).append(" – ")
                .append(Instant.now()).append("; /proc/loadavg before: ").append(load0).append(", after: ")
                .append(load1).append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(".\n");
        Files.writeString(out.resolve("ra-bench-" + stamp + ".md"), md.toString());
        Files.writeString(out.resolve("latest.md"), md.toString());
        System.out.println("ra-bench results:\n" + md);
    }
}
