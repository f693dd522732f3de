import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Creates the test domain of an unpacked GlassFish or Payara, unless it exists: asadmin create-domain
 * with the given port base (admin = base + 48, HTTP = base + 80, ...) so that it does not collide with
 * domain1's default ports or with a WildFly on the machine. Run by the build (exec-maven-plugin).
 *
 * <p>Arguments: installation folder (with bin/asadmin), domain name, port base.
 */
public final class PrepareDomain {
    private PrepareDomain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path home = Path.of(args[0]);
        String domain = args[1];
        String portBase = args[2];
        Path dir = home.resolve("glassfish/domains").resolve(domain);
        if (Files.isDirectory(dir)) {
            System.out.println("[zconn] domain " + domain + " exists: " + dir);
            return;
        }
        // bash: the unpacked scripts may have lost their executable bit, and GlassFish 8's asadmin needs bash
        // (it uses 'source'; sh is dash on Debian).
        Process p = new ProcessBuilder("bash", home.resolve("bin/asadmin").toString(), "--user", "admin", "--interactive=false",
                "create-domain", "--nopassword", "--portbase", portBase, domain).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("asadmin create-domain did not return in 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("asadmin create-domain failed: " + p.exitValue());
        }
    }
}
