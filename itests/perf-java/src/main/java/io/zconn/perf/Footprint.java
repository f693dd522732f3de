package io.zconn.perf;

import io.netty.buffer.PooledByteBufAllocator;
import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Memory per connection of a zconn socket with many tcp peers, measured in the process that owns
 * the socket (run it with the heap limit to prove, e.g. {@code -Xmx256m}); the peers are zconn
 * sockets in a second JVM that this tool starts, so their memory is not counted.
 * <pre>
 *   Footprint pub &lt;subscribers&gt;     a PUB bound on tcp with that many SUBs connected (each has
 *                                   received a message, so every pipe and session is live)
 *   Footprint router &lt;connections&gt;  a ROUTER bound on tcp with that many DEALERs connected, each
 *                                   of which has sent one message, then idle
 * </pre>
 * Output: heap used after GC before and after the peers connected, the difference per
 * connection, and the direct memory held by the buffer pools. Exit status 0 when every peer
 * connected within {@code ZPERF_FOOTPRINT_TIMEOUT_S} (default 180), 1 otherwise.
 */
public final class Footprint {
    private static final String READY = "READY";

    private Footprint() {
    }

    /**
     * @param args mode and count (or the client's: client-sub|client-dealer endpoint count)
     */
    public static void main(String[] args) throws Exception {
        int status;
        try {
            status = run(args);
        } catch (RuntimeException | IOException e) {
            System.err.println("error: " + e);
            status = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    private static int run(String[] args) throws Exception {
        if (args.length == 3 && args[0].startsWith("client-")) {
            client(args[0], args[1], Integer.parseInt(args[2]));
            return 0;
        }
        if (args.length != 2 || !(args[0].equals("pub") || args[0].equals("router"))) {
            System.err.println("usage: Footprint <pub|router> <count>");
            return 1;
        }
        return server(args[0], Integer.parseInt(args[1]));
    }

    // ---- the measured side -----------------------------------------------------------------------

    private static int server(String mode, int count) throws Exception {
        long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(
                System.getenv().getOrDefault("ZPERF_FOOTPRINT_TIMEOUT_S", "180")));
        try (Context ctx = new Context()) {
            boolean pub = mode.equals("pub");
            Socket s = ctx.socket(pub ? SocketType.PUB : SocketType.ROUTER);
            s.setOption(ZmqOption.LINGER, 0);
            s.bind("tcp://127.0.0.1:*");
            String endpoint = s.getOption(ZmqOption.LAST_ENDPOINT);
            long before = heapAfterGc();
            long directBefore = directMemory();

            Process client = startClient(pub ? "client-sub" : "client-dealer", endpoint, count);
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = new Thread(() -> pipeClientOutput(client, ready), "footprint-client-out");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + timeoutNanos;
            boolean ok;
            if (pub) {
                // ticks until every SUB has one (a SUB joining late just misses earlier ticks)
                Frame tick = Frame.wrap(new byte[64]);
                while (!(ok = ready.await(10, TimeUnit.MILLISECONDS)) && System.nanoTime() < deadline) {
                    s.send(tick);
                }
            } else {
                int got = 0;
                while (got < count && System.nanoTime() < deadline) {
                    if (s.recvMessage(Duration.ofMillis(100)) != null) {
                        got++;
                    }
                }
                ok = got == count;
                if (!ok) {
                    System.err.println("error: " + got + " of " + count + " DEALERs were heard from");
                }
            }
            if (!ok) {
                System.err.println("error: the peers did not all connect in time");
                client.destroyForcibly();
                return 1;
            }
            long after = heapAfterGc();
            long directAfter = directMemory();
            report(mode, count, before, after, directBefore, directAfter);
            client.getOutputStream().close(); // the client exits when its stdin closes
            client.waitFor(30, TimeUnit.SECONDS);
            client.destroyForcibly();
        }
        return 0;
    }

    private static Process startClient(String mode, String endpoint, int count) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), Footprint.class.getName(), mode, endpoint,
                Integer.toString(count)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void pipeClientOutput(Process client, CountDownLatch ready) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals(READY)) {
                    ready.countDown();
                } else {
                    System.err.println("client: " + line);
                }
            }
        } catch (IOException e) {
            System.err.println("client output: " + e);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** @return direct memory held by the JDK's direct buffers and Netty's pooled allocator */
    static long directMemory() {
        long nio = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                nio = b.getMemoryUsed();
            }
        }
        return nio + PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    private static void report(String mode, int count, long before, long after, long directBefore,
                               long directAfter) {
        long max = Runtime.getRuntime().maxMemory();
        String what = mode.equals("pub") ? "PUB with " + count + " SUBs" : "ROUTER with " + count + " DEALERs";
        System.out.printf(Locale.ROOT, "socket: %s over tcp (peers in another JVM)%n", what);
        System.out.printf(Locale.ROOT, "max heap: %.1f [MB]%n", max / 1e6);
        System.out.printf(Locale.ROOT, "heap used after GC, no peers: %.1f [MB]%n", before / 1e6);
        System.out.printf(Locale.ROOT, "heap used after GC, %d peers: %.1f [MB]%n", count, after / 1e6);
        System.out.printf(Locale.ROOT, "heap per connection: %d [B]%n", (after - before) / count);
        System.out.printf(Locale.ROOT, "direct memory (buffer pools), no peers: %.1f [MB]%n", directBefore / 1e6);
        System.out.printf(Locale.ROOT, "direct memory (buffer pools), %d peers: %.1f [MB]%n", count, directAfter / 1e6);
        System.out.printf(Locale.ROOT, "threads: %d%n", Thread.activeCount());
    }

    // ---- the peers ----------------------------------------------------------------------------------

    private static void client(String mode, String endpoint, int count) throws IOException {
        try (Context ctx = new Context()) {
            List<Socket> sockets = new ArrayList<>(count);
            boolean sub = mode.equals("client-sub");
            for (int i = 0; i < count; i++) {
                Socket s = ctx.socket(sub ? SocketType.SUB : SocketType.DEALER);
                s.setOption(ZmqOption.LINGER, 0);
                if (sub) {
                    s.subscribe("");
                }
                s.connect(endpoint);
                if (!sub) {
                    s.send("hello");
                }
                sockets.add(s);
            }
            if (sub) {
                for (Socket s : sockets) {
                    if (s.recvFrame(Duration.ofMinutes(2)) == null) {
                        System.out.println("a SUB got nothing in 120 s");
                        return;
                    }
                }
            }
            System.out.println(READY);
            System.out.flush();
            // hold the connections until the measuring side closes our stdin
            while (System.in.read() >= 0) {
                // ignore
            }
        }
    }
}
