package io.zconn.itests.arquillian;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A libzmq peer: a Python script run by /usr/bin/python3 (Debian python3-zmq). Each line the script
 * prints is available through {@link #line(long)}. When the interpreter or pyzmq is missing, tests
 * are skipped locally and fail on CI (CI=true).
 */
public final class LibzmqPeer implements AutoCloseable {
    private static final String PYTHON = System.getenv().getOrDefault("ZCONN_TEST_PYTHON", "/usr/bin/python3");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private LibzmqPeer(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("!" + e);
            }
        }, "libzmq-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Skips (locally) or fails (CI) when python3-zmq is not available. */
    public static void requirePyzmq() {
        boolean ok = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
                ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                ok = false;
            }
        }
        if (!ok) {
            String msg = PYTHON + " with pyzmq (Debian package python3-zmq) is required";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    /**
     * Starts a script; the script prints "ready" once its sockets are set up.
     *
     * @param script Python source
     * @return the running peer, after it printed "ready"
     */
    public static LibzmqPeer start(String script) throws IOException, InterruptedException {
        requirePyzmq();
        Process p = new ProcessBuilder(PYTHON, "-u", "-c", "import zmq, sys, time\nctx = zmq.Context()\n" + script)
                .redirectErrorStream(true).start();
        LibzmqPeer peer = new LibzmqPeer(p);
        String first = peer.line(15_000);
        Assertions.assertEquals("ready", first, "peer did not start: " + first + " " + peer.rest());
        return peer;
    }

    /**
     * @param millis how long to wait
     * @return the next line printed, or null
     */
    public String line(long millis) throws InterruptedException {
        return lines.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** @return every line printed so far (after those already taken) */
    public List<String> rest() {
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /** @return the exit code, waiting up to 30 s */
    public int waitFor() throws InterruptedException {
        Assertions.assertTrue(process.waitFor(30, TimeUnit.SECONDS), "peer did not finish");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
