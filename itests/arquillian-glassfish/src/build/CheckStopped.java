import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Fails the build when a process of the test domain is still running after the tests: the managed
 * container must have stopped the server it started. A process left behind is killed (so that the
 * next run and the machine's other builds do not meet it) and the build fails all the same. Run by the
 * build (exec-maven-plugin) in post-integration-test.
 *
 * <p>Arguments: installation folder, domain name, and "true" when the tests were allowed to use a domain
 * that was already running (then the server is the user's, and nothing is checked).
 */
public final class CheckStopped {
    private CheckStopped() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args[0]).toAbsolutePath().normalize();
        String domain = args[1];
        if (Boolean.parseBoolean(args[2])) {
            System.out.println("[zconn] glassfish.allow.running=true: not checking that the domain stopped");
            return;
        }
        // The server JVM names its instance root: -Dcom.sun.aas.instanceRoot=<home>/glassfish/domains/<domain>
        String root = home.resolve("glassfish/domains").resolve(domain).toString();
        // stop-domain has returned by now; give a JVM that is still exiting a bounded grace period.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<ProcessHandle> left = running(root);
        while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            left = running(root);
        }
        if (left.isEmpty()) {
            System.out.println("[zconn] no process of " + root + " is running");
            return;
        }
        StringBuilder which = new StringBuilder();
        for (ProcessHandle p : left) {
            which.append("\n  pid ").append(p.pid()).append(": ")
                    .append(p.info().commandLine().orElse("?").replaceAll("(.{300}).+", "$1..."));
            p.destroyForcibly();
        }
        throw new IllegalStateException("the server was left running after the tests (killed now):" + which);
    }

    private static List<ProcessHandle> running(String root) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .filter(p -> p.info().commandLine().map(c -> c.contains(root)).orElse(false))
                .toList();
    }
}
