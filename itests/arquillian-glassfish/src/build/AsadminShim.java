import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * GlassFish 8 for OmniFaces' managed container (1.7, the latest): the container runs
 * {@code java -jar <home>/glassfish/modules/admin-cli.jar start-domain ...}, a jar GlassFish 8 no longer
 * has there (its CLI moved to {@code glassfish/admin-cli.jar}, without a Main-Class, started by the
 * bash script {@code bin/asadmin} on a module path). This writes a small jar at the old place whose
 * main runs {@code bash <home>/bin/asadmin} with the same arguments and exits with its status. Run by
 * the build (exec-maven-plugin, glassfish8 profile only).
 *
 * <p>Argument: installation folder.
 */
public final class AsadminShim {
    private static final String SOURCE = """
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.List;

            public final class ZconnAsadminShim {
                public static void main(String[] args) throws Exception {
                    Path jar = Path.of(ZconnAsadminShim.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                    Path home = jar.getParent().getParent().getParent();
                    List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/asadmin").toString()));
                    command.addAll(List.of(args));
                    System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
                }
            }
            """;

    private AsadminShim() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        Path target = home.resolve("glassfish/modules/admin-cli.jar");
        if (Files.exists(target)) {
            System.out.println("[zconn] " + target + " exists");
            return;
        }
        Path work = Files.createTempDirectory("zconn-asadmin-shim");
        Path source = work.resolve("ZconnAsadminShim.java");
        Files.writeString(source, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, "--release", "17", "-d", work.toString(), source.toString()) != 0) {
            throw new IllegalStateException("cannot compile the asadmin shim");
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "ZconnAsadminShim");
        try (OutputStream file = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(file, manifest)) {
            jar.putNextEntry(new JarEntry("ZconnAsadminShim.class"));
            jar.write(Files.readAllBytes(work.resolve("ZconnAsadminShim.class")));
            jar.closeEntry();
        }
        for (Path p : List.of(work.resolve("ZconnAsadminShim.class"), source, work)) {
            Files.deleteIfExists(p);
        }
        System.out.println("[zconn] wrote " + target + " (runs bin/asadmin)");
    }
}
