package io.zconn.itests.arquillian;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zconn.rar in Payara Server 6 and GlassFish 7/8 ({@link ZconnSuite}): the adapter is deployed and its
 * connection factories created with asadmin, running the README's snippet
 * ({@code deployment/rar/src/main/payara/zconn-asadmin.txt}) and then the same commands for the test
 * factories ({@code glassfish-test-factories.asadmin}); MDBs are bound to it by glassfish-ejb-jar.xml
 * ({@code resource-adapter-mid}). The domain is the one the build created (not domain1) on its own ports.
 */
class ZconnGlassFishIT extends ZconnSuite {
    /** The adapter's name: the deployment name the README's snippet gives it. */
    static final String ADAPTER = "zconn";

    private static final Pattern RECORD = Pattern.compile("(?m)^(?=\\[\\d{4}-)");
    private static final Pattern THREAD = Pattern.compile("Thread Execution Information:");
    private static final Pattern THREAD_NAME = Pattern.compile("Thread \"(.*)\" thread-id");

    /**
     * A WAR with the descriptors in {@code WEB-INF/}: Arquillian wraps a jar into a WAR's
     * {@code WEB-INF/lib}, where GlassFish 7 ignored glassfish-ejb-jar.xml ("No resource-adapter-mid
     * specified, defaulting to the resource-adapter [ zconn ]").
     */
    @Deployment(name = "app", managed = false, order = 1)
    static Archive<?> app() {
        UnaryOperator<String> jndi = UnaryOperator.identity();
        WebArchive war = ShrinkWrap.create(WebArchive.class, "zconn-test-app.war");
        war.merge(testApp(jndi), "/WEB-INF/classes", Filters.exclude("/META-INF.*"));
        return war.addClass(ZconnGlassFishIT.class)
                .addAsWebInfResource(new StringAsset(ejbJarXml(jndi)), "ejb-jar.xml")
                .addAsWebInfResource(new StringAsset(glassfishEjbJarXml(APP_MDBS)), "glassfish-ejb-jar.xml");
    }

    @Deployment(name = "modern", managed = false, testable = false, order = 2)
    static Archive<?> modern() {
        return modernApp()
                .addAsManifestResource(new StringAsset(glassfishEjbJarXml(List.of("ModernMdb"))),
                        "glassfish-ejb-jar.xml");
    }

    /**
     * A web page deployed only to make the container start the server: OmniFaces' managed container
     * starts it on the first deployment, not before the first test, and the adapter is deployed with
     * asadmin, which needs a running server.
     */
    @Deployment(name = "boot", managed = false, testable = false, order = 0)
    static Archive<?> boot() {
        return ShrinkWrap.create(WebArchive.class, "zconn-boot.war")
                .addAsWebResource(new StringAsset("zconn test boot"), "index.html");
    }

    /** Binds the MDBs to the adapter deployed as {@value #ADAPTER}. */
    static String glassfishEjbJarXml(List<String> mdbs) {
        StringBuilder x = new StringBuilder("""
                <!DOCTYPE glassfish-ejb-jar PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN"
                    "http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd">
                <glassfish-ejb-jar>
                  <enterprise-beans>
                """);
        for (String mdb : mdbs) {
            x.append("    <ejb>\n      <ejb-name>").append(mdb).append("</ejb-name>\n")
                    .append("      <mdb-resource-adapter>\n        <resource-adapter-mid>").append(ADAPTER)
                    .append("</resource-adapter-mid>\n      </mdb-resource-adapter>\n    </ejb>\n");
        }
        return x.append("  </enterprise-beans>\n</glassfish-ejb-jar>\n").toString();
    }

    private static Path home() {
        return Path.of(System.getProperty("glassfish.home"));
    }

    /**
     * Runs asadmin against the test domain.
     *
     * @return what it printed (standard output and error)
     */
    static String asadmin(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", home().resolve("bin/asadmin").toString(),
                "--host", "127.0.0.1", "--port", System.getProperty("glassfish.admin.port"), "--interactive=false"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("asadmin", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "asadmin " + List.of(args) + " did not return in 5 minutes");
            String printed = Files.readString(out);
            assertEquals(0, p.exitValue(), () -> "asadmin " + List.of(args) + " failed:\n" + printed);
            return printed;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    protected void startServer() {
        deployer().deploy("boot");
        deployer().undeploy("boot");
    }

    @Override
    protected void deployAdapter() throws Exception {
        Path rar = Path.of(System.getProperty("zconn.rar")).toAbsolutePath();
        String readme = Files.readString(Path.of(System.getProperty("zconn.asadmin.snippet")));
        assertTrue(readme.contains("/path/to/zconn.rar"), "the README's snippet changed: adapt the test");
        String tests;
        try (var in = ZconnGlassFishIT.class.getResourceAsStream("/glassfish-test-factories.asadmin")) {
            tests = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path commands = Path.of(System.getProperty("java.io.tmpdir")).resolve("zconn-it-" + ProcessHandle.current().pid()
                + ".asadmin");
        Files.writeString(commands, readme.replace("/path/to/zconn.rar", rar.toString()) + "\n" + tests);
        try {
            asadmin("multimode", "--file", commands.toString());
        } finally {
            Files.deleteIfExists(commands);
        }
    }

    @Override
    protected void undeployAdapter() throws Exception {
        // --cascade removes the connection pools and resources made for the adapter with it.
        asadmin("undeploy", "--cascade=true", ADAPTER);
    }

    @Override
    protected Path serverLog() {
        return home().resolve("glassfish/domains").resolve(System.getProperty("glassfish.domain"))
                .resolve("logs/server.log");
    }

    @Override
    protected List<String> adapterWarnings(String logged) {
        List<String> found = new ArrayList<>();
        // One record: "[timestamp] [product] [LEVEL] [code] [logger] ... [[\n  message]]"
        for (String record : RECORD.splitAsStream(logged).toList()) {
            String first = record.lines().findFirst().orElse("");
            boolean bad = first.contains("[WARNING]") || first.contains("[SEVERE]")
                    // an MDB that went to an adapter by default: the descriptor naming zconn was ignored
                    || record.contains("No resource-adapter-mid specified");
            if (bad && !javaClassesTooNewForTheScanner(record)) {
                found.add(record.length() > 600 ? record.substring(0, 600) + "..." : record);
            }
        }
        return found;
    }

    /**
     * GlassFish 7.0's deployment scanner (ASM) logs SEVERE for each class of a multi-release jar's
     * {@code META-INF/versions/25} (Bouncy Castle's, in zconn.rar) and goes on: those classes are loaded
     * only on Java 25, which GlassFish 7 does not run on. Not the adapter's fault, so not a finding.
     */
    static boolean javaClassesTooNewForTheScanner(String record) {
        return record.contains("Exception while visiting META-INF/versions/")
                && record.contains("Unsupported class file major version");
    }

    @Override
    protected List<String> threadsRunningZconnCode() throws Exception {
        String report = asadmin("generate-jvm-report", "--type=thread");
        List<String> offenders = new ArrayList<>();
        for (String thread : THREAD.splitAsStream(report).toList()) {
            Matcher m = THREAD_NAME.matcher(thread);
            if (m.find() && (m.group(1).contains("zconn") || thread.contains("io.zconn"))) {
                offenders.add(m.group(1));
            }
        }
        assertTrue(report.contains("Thread Execution Information:"), "no thread dump:\n" + report);
        return offenders;
    }
}
