package io.zconn.engine.transport;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real libzmq (Debian's python3-zmq) running a short script in a child process: the engine
 * module's minimal counterpart of the itests' LibzmqPeer (the engine cannot depend on itests).
 * Its stdin is /dev/null and its stdout goes to a file, so a finished peer holds no descriptor of
 * this JVM. When python3-zmq is missing, tests fail under {@code CI=true} and are aborted (reported,
 * never passed) elsewhere.
 */
final class PythonPeer implements AutoCloseable {
    static final String PYTHON = System.getenv().getOrDefault("ZCONN_TEST_PYTHON", "/usr/bin/python3");
    private static volatile String problem;
    private static volatile boolean checked;

    private final Process process;
    private final Path out;

    private PythonPeer(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Fails (under CI) or aborts the test unless python3 with pyzmq runs. */
    static void require() {
        if (!checked) {
            String p = null;
            try {
                Process v = new ProcessBuilder(PYTHON, "-c", "import zmq; print(zmq.zmq_version())")
                        .redirectInput(new File("/dev/null")).redirectErrorStream(true).start();
                String text = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!v.waitFor(20, TimeUnit.SECONDS) || v.exitValue() != 0) {
                    p = "python3-zmq is not usable with " + PYTHON + ": " + text;
                }
            } catch (IOException e) {
                p = "cannot run " + PYTHON + ": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p = "interrupted";
            }
            problem = p;
            checked = true;
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(problem + " — CI must install python3-zmq");
            }
            Assumptions.abort(problem);
        }
    }

    /**
     * Starts {@code python3 -c script args...}; {@code import sys, zmq} is prepended.
     *
     * @param script the script's body
     * @param args   its sys.argv[1:]
     * @return the running peer
     */
    static PythonPeer start(String script, String... args) {
        require();
        try {
            Path outFile = Files.createTempFile("zconn-pypeer", ".out");
            List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", "-c", "import sys, zmq\n" + script));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                    .redirectOutput(outFile.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new PythonPeer(p, outFile);
        } catch (IOException e) {
            throw new AssertionError("cannot start " + PYTHON + ": " + e, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits up to {@code millis} for the peer to end.
     *
     * @param millis how long
     * @return whether it has ended
     */
    boolean waitFor(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits for the peer to exit successfully.
     *
     * @param timeout how long at most
     * @return what it printed
     */
    String awaitSuccess(Duration timeout) {
        if (!waitFor(timeout.toMillis())) {
            throw new AssertionError("libzmq peer still running after " + timeout + "; printed: " + output());
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("libzmq peer exited with " + process.exitValue() + "; printed: " + output());
        }
        return output();
    }

    String output() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        waitFor(5000);
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            // a temp file; left for the OS
        }
    }
}
