package io.zconn.itests.arquillian;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test's side of the Liberty server the managed container runs (client side only: this class is not in
 * the test application). The adapter is configured the way the README says: zconn.rar copied to the
 * server's configuration directory, the README's server.xml (resourceAdapter, connectionFactory,
 * activationSpec) and the suite's factories and activation specifications dropped into
 * {@code configDropins/overrides}, which Liberty applies while it runs.
 */
final class LibertyServer {
    /** One messages.log entry starts with "[date, time zone]". */
    private static final Pattern RECORD = Pattern.compile("(?m)^(?=\\[\\d)");
    /** "[date] thread-id logger-name  LEVEL message": the level is one letter (I, A, W, E, ...). */
    private static final Pattern LEVEL = Pattern.compile("^\\[[^\\]]*\\] \\p{XDigit}+ \\S+\\s+([A-Z]) ");

    /** J2CA7002E, J2CA7010E, J2CA7021E...: installing or uninstalling the adapter failed. */
    private static final Pattern ADAPTER_ERROR = Pattern.compile("J2CA70\\d\\dE:");

    private LibertyServer() {
    }

    static Path home() {
        return Path.of(System.getProperty("liberty.home"));
    }

    static Path serverDir() {
        return home().resolve("usr/servers").resolve(System.getProperty("liberty.server"));
    }

    static Path messagesLog() {
        return serverDir().resolve("logs/messages.log");
    }

    private static Path overrides() {
        return serverDir().resolve("configDropins/overrides");
    }

    private static Duration timeout() {
        return Duration.ofSeconds(Long.getLong("liberty.deploy.timeout", 300));
    }

    private static long logSize() throws IOException {
        return Files.exists(messagesLog()) ? Files.size(messagesLog()) : 0;
    }

    /** What messages.log gained after {@code offset} (bytes). */
    static String loggedSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(messagesLog());
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8);
    }

    /** Waits until messages.log, after {@code offset}, has a line matching every one of {@code patterns}. */
    private static void awaitLogged(long offset, String what, Pattern... patterns) {
        await(what).atMost(timeout()).pollInterval(Duration.ofMillis(250))
                .failFast("an adapter error was logged", () -> ADAPTER_ERROR.matcher(loggedSince(offset)).find())
                .until(() -> {
            String added = loggedSince(offset);
            return Arrays.stream(patterns).allMatch(p -> p.matcher(added).find());
        });
    }

    /**
     * Deploys zconn.rar as the README says: copy it to {@code ${server.config.dir}/zconn.rar}, add the
     * README's server.xml (unchanged) and the suite's factories, wait until the adapter is installed.
     */
    static void deployAdapter() throws IOException {
        Path readme = Path.of(System.getProperty("zconn.liberty.snippet"));
        String snippet = Files.readString(readme);
        assertTrue(snippet.contains("location=\"${server.config.dir}/zconn.rar\""),
                "the README's server.xml no longer reads ${server.config.dir}/zconn.rar: adapt the test");
        long offset = logSize();
        Files.copy(Path.of(System.getProperty("zconn.rar")), serverDir().resolve("zconn.rar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(overrides());
        try (InputStream tests = LibertyServer.class.getResourceAsStream("/liberty-test-config.xml")) {
            Files.copy(tests, overrides().resolve("zconn-test.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(readme, overrides().resolve("zconn.xml"), StandardCopyOption.REPLACE_EXISTING);
        // J2CA7001I: "Resource adapter zconn installed"; CWWKG0017I: the configuration update finished.
        awaitLogged(offset, "zconn.rar installed", Pattern.compile("J2CA7001I:.*\\bzconn\\b"),
                Pattern.compile("CWWKG001[78]I"));
    }

    /**
     * Removes the two configuration files and zconn.rar; waits until the adapter is uninstalled and stopped.
     * Liberty calls {@code ResourceAdapter.stop()} on another thread and logs J2CA7009I ("uninstalled
     * successfully") without waiting for it: the adapter's own ZCONNRA0002 marks the end of stop().
     */
    static void undeployAdapter() throws IOException {
        long offset = logSize();
        Files.delete(overrides().resolve("zconn.xml"));
        Files.delete(overrides().resolve("zconn-test.xml"));
        awaitLogged(offset, "zconn.rar uninstalled and stopped", Pattern.compile("J2CA7009I:.*\\bzconn\\b"),
                Pattern.compile("ZCONNRA0002:"), Pattern.compile("CWWKG001[78]I"));
        Files.delete(serverDir().resolve("zconn.rar"));
    }

    /** The warnings and errors among the entries of {@code logged}. */
    static List<String> warnings(String logged) {
        List<String> found = new ArrayList<>();
        for (String record : RECORD.splitAsStream(logged).toList()) {
            Matcher m = LEVEL.matcher(record);
            if (m.find() && ("W".equals(m.group(1)) || "E".equals(m.group(1)))) {
                found.add(record.length() > 600 ? record.substring(0, 600) + "..." : record);
            }
        }
        return found;
    }

    /** Threads of the server whose name or stack shows zconn, read through the local JMX connector. */
    @SuppressWarnings("BanJNDI") // the address the test server itself wrote, on this machine (RMI over loopback)
    static List<String> threadsRunningZconnCode() throws IOException {
        String address = Files.readString(serverDir().resolve("logs/state/com.ibm.ws.jmx.local.address")).trim();
        List<String> offenders = new ArrayList<>();
        try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(server,
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            ThreadInfo[] all = threads.dumpAllThreads(false, false);
            assertTrue(all.length > 0, "no thread in the dump");
            for (ThreadInfo t : all) {
                boolean zconnCode = Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().startsWith("io.zconn"));
                if (t.getThreadName().contains("zconn") || zconnCode) {
                    offenders.add(t.getThreadName());
                }
            }
        }
        return offenders;
    }
}
