package io.zconn.itests.osgi;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A libzmq peer: a short pyzmq script run by Debian's {@code /usr/bin/python3} (python3-zmq). When
 * pyzmq is missing the test is skipped, except under CI ({@code CI=true}), where it fails.
 */
final class LibzmqPeer implements AutoCloseable {
    private static final String PYTHON = System.getProperty("zconn.python", "/usr/bin/python3");

    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Thread pump;

    private LibzmqPeer(Process process) {
        this.process = process;
        this.pump = new Thread(() -> copy(process.getInputStream()), "peer-output");
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Skips (or under CI fails) the test when the peer cannot run. */
    static void require() {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        if (!ok) {
            String why = PYTHON + " with pyzmq is not available (apt-get install python3-zmq)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(why, false);
        }
    }

    /**
     * Starts a script; it gets {@code zmq}, {@code sys} and the arguments as {@code sys.argv[1:]}.
     *
     * @param script python source
     * @param args   arguments
     * @return the running peer
     */
    static LibzmqPeer start(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", "import sys, zmq\n" + script));
        cmd.addAll(List.of(args));
        try {
            return new LibzmqPeer(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the script to end and checks it succeeded.
     *
     * @param seconds at most this long
     * @return what it printed
     */
    String await(int seconds) throws InterruptedException {
        boolean done = process.waitFor(seconds, TimeUnit.SECONDS);
        pump.join(2000);
        String text = output();
        assertTrue("peer did not finish in " + seconds + " s; it printed: " + text, done);
        assertTrue("peer failed (exit " + process.exitValue() + "): " + text, process.exitValue() == 0);
        return text;
    }

    String output() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
