import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Runs the IronJacamar validator (the checks WildFly performs at deploy time) on a .rar and fails
 * when it reports anything, warnings included. Launched as a single-file program by the build:
 * {@code java -cp <validator jars> ValidateRar.java target/zconn.rar target/validator}.
 */
public final class ValidateRar {
    private ValidateRar() {
    }

    public static void main(String[] args) throws Exception {
        File rar = new File(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        // the validator unpacks into ${java.io.tmpdir}/tmp/<name>.rar: a directory of this build's own,
        // not /tmp shared with other builds running the validator at the same time
        Path tmp = out.resolveSibling(out.getFileName() + "-tmp");
        Files.createDirectories(tmp);
        System.setProperty("java.io.tmpdir", tmp.toString());
        try (Stream<Path> old = Files.list(out)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        int rc = org.jboss.jca.validator.Validation.validate(rar.toURI().toURL(), out.toString());
        boolean reported = false;
        try (Stream<Path> reports = Files.list(out)) {
            for (Path p : (Iterable<Path>) reports::iterator) {
                reported = true;
                System.out.println("IronJacamar validator report " + p + ":");
                System.out.println(Files.readString(p));
            }
        }
        if (rc != 0 || reported) {
            System.out.println("IronJacamar validation of " + rar + " FAILED (code " + rc + ")");
            System.exit(1);
        }
        System.out.println("IronJacamar validation of " + rar.getName() + ": no errors, no warnings");
    }
}
