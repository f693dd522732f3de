package io.zconn.itests.interop;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real libzmq (Debian's python3-zmq) in a child process, scripted line by line through
 * {@code zmq_peer.py}. When the peer cannot start, tests fail under {@code CI=true} and are
 * aborted (reported, never passed) elsewhere.
 */
public final class LibzmqPeer implements AutoCloseable {
    static final String PYTHON = System.getenv().getOrDefault("ZCONN_TEST_PYTHON", "/usr/bin/python3");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final BufferedWriter in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final String version;

    private LibzmqPeer(Process process) {
        this.process = process;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
            answers.add("EOF");
        }, "libzmq-peer-reader");
        reader.setDaemon(true);
        reader.start();
        this.version = await().replaceFirst("^READY ", "");
    }

    /** Starts a peer, or fails/aborts the test as described above. */
    public static LibzmqPeer start() {
        String problem = null;
        Process p = null;
        try {
            Path script = Files.createTempFile("zmq_peer", ".py");
            try (var s = LibzmqPeer.class.getResourceAsStream("/interop/zmq_peer.py")) {
                Files.write(script, s.readAllBytes());
            }
            script.toFile().deleteOnExit();
            p = new ProcessBuilder(PYTHON, "-u", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            LibzmqPeer peer = new LibzmqPeer(p);
            if (peer.version.startsWith("EOF")) {
                problem = "the libzmq peer exited at once (is python3-zmq installed for " + PYTHON + "?)";
            } else {
                return peer;
            }
        } catch (IOException | RuntimeException e) {
            problem = "cannot start the libzmq peer with " + PYTHON + ": " + e;
        }
        if (p != null) {
            p.destroyForcibly();
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(problem + " — CI must install python3-zmq");
        }
        Assumptions.abort(problem);
        return null;
    }

    /** @return libzmq's version as the peer reports it */
    public String version() {
        return version;
    }

    private String await() {
        try {
            String a = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (a == null) {
                throw new AssertionError("libzmq peer did not answer within " + ANSWER_TIMEOUT);
            }
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Sends one command.
     *
     * @param command the command line
     * @return the answer after "OK" (may be empty), or "TIMEOUT"
     */
    public String call(String command) {
        try {
            in.write(command);
            in.write('\n');
            in.flush();
        } catch (IOException e) {
            throw new AssertionError("libzmq peer is gone: " + e);
        }
        String a = await();
        if (a.equals("TIMEOUT")) {
            return a;
        }
        if (!a.startsWith("OK")) {
            throw new AssertionError("libzmq peer: '" + command + "' -> " + a);
        }
        return a.length() > 2 ? a.substring(3) : "";
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // fall through to destroy
        }
        process.destroyForcibly();
    }
}
