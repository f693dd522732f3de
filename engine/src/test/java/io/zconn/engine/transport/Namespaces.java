package io.zconn.engine.transport;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The multicast interop tests' check that network namespaces can be made here ({@code unshare -n}, root). */
final class Namespaces {
    private Namespaces() {
    }

    /** Fails under CI, aborts elsewhere, unless this JVM may make network namespaces. */
    static void require() {
        String problem = null;
        try {
            Process p = new ProcessBuilder("unshare", "-n", "true").redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = "cannot make a network namespace (unshare -n needs root): " + text;
            }
        } catch (IOException e) {
            problem = "cannot run unshare: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(problem + " — CI runs as root with util-linux");
            }
            Assumptions.abort(problem);
        }
    }
}
