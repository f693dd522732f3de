package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Endpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * pgm://'s raw IP link: what users without JNA or without CAP_NET_RAW are told, the endpoint's
 * parsing, and (as root, in a network namespace of its own) sending, receiving, the IP header
 * stripped, other ports skipped, bounded waits and close. Under {@code CI=true} a missing
 * {@code unshare}, {@code setpriv} or root fails these tests; elsewhere they are aborted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawLinkTest {

    @Test
    void withoutJnaPgmIsRefusedWithEprotonosupportNamingEpgm() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the raw link is Linux's");
        // the engine's classes alone, JNA out of sight (the platform class loader as parent)
        URL classes = PgmLink.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> address = loader.loadClass(EpgmAddress.class.getName());
            Object a = address.getMethod("parse", String.class).invoke(null, "lo;239.192.1.1:5555");
            Class<?> link = loader.loadClass(PgmLink.class.getName());
            Method raw = link.getMethod("raw", address, boolean.class, int.class, boolean.class, int.class,
                    int.class, String.class);
            raw.setAccessible(true);
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> raw.invoke(null, a, true, 1, false, 0, 0, "pgm://lo;239.192.1.1:5555"));
            Throwable refused = e.getCause();
            assertEquals(ZmqException.class.getName(), refused.getClass().getName(), String.valueOf(refused));
            assertEquals("EPROTONOSUPPORT", refused.getClass().getMethod("errno").invoke(refused).toString());
            assertThat(refused.getMessage()).contains("pgm:// (PGM over raw IP) needs JNA")
                    .contains("epgm:// (PGM over UDP) works without");
        }
    }

    @Test
    void epermAndEaccesFromSocketBecomeEaccesNamingCapNetRaw() {
        for (int errno : new int[] {RawLink.EPERM, RawLink.EACCES}) {
            ZmqException e = RawLink.socketError(errno, "pgm://lo;239.192.1.1:5555", null);
            assertEquals(Errno.EACCES, e.errno());
            assertThat(e.getMessage()).contains("pgm:// needs root or CAP_NET_RAW").contains("epgm://");
        }
        assertEquals(Errno.EPROTONOSUPPORT, RawLink.socketError(93, "pgm://x", null).errno());
    }

    @Test
    void withoutCapNetRawOpeningIsRefusedWithEacces() throws Exception {
        // a child JVM whose bounding and inheritable sets lack CAP_NET_RAW: socket() fails with EPERM
        String text = run(List.of("setpriv", "--inh-caps=-net_raw", "--bounding-set=-net_raw", "--"), "open");
        assertThat(text).contains("REFUSED EACCES ").contains("pgm:// needs root or CAP_NET_RAW");
    }

    @Test
    void rawLinkSendsReceivesStripsTheIpHeaderAndClosesPromptly() throws Exception {
        String text = runOnMulticastLoopback("loop");
        assertThat(text).contains("OK closeEndedWaitMs=");
    }

    @Test
    void anIdleRawSourceLinkWaitsInPollUntilAWakeupANakOrCloseEndsItAtOnce() throws Exception {
        String text = runOnMulticastLoopback("sender");
        System.out.println(text);
        Matcher m = Pattern.compile("OK wakeupEndedWaitMs=(\\d+) nakEndedWaitMs=(\\d+) closeEndedWaitMs=(\\d+)")
                .matcher(text);
        assertThat(m.find()).as(text).isTrue();
        for (int i = 1; i <= 3; i++) {
            // at once: no poll slice or park interval to sit out (the bound is for a loaded machine)
            assertThat(Long.parseLong(m.group(i))).as(text).isLessThan(1000);
        }
    }

    @Test
    void pgmEndpointsParseAsTheirOwnTransportWithEpgmsAddressRules() {
        Endpoint ep = Endpoint.parse("pgm://lo;239.192.1.1:5555");
        assertEquals(Endpoint.Transport.PGM, ep.transport());
        EpgmAddress a = EpgmAddress.parse(ep.address());
        assertEquals(5555, a.port());
        assertEquals("239.192.1.1", a.group().getHostAddress());
        assertEquals(Errno.EINVAL, assertThrows(ZmqException.class,
                () -> EpgmAddress.parse(Endpoint.parse("pgm://239.192.1.1:5555").address())).errno());
        assertEquals(Errno.EINVAL, assertThrows(ZmqException.class,
                () -> EpgmAddress.parse(Endpoint.parse("pgm://lo;10.0.0.1:5555").address())).errno());
    }

    /** Runs {@link RawLinkProbe} in a network namespace whose loopback carries multicast (239.0.0.0/8). */
    private static String runOnMulticastLoopback(String mode) throws Exception {
        requireNamespaces();
        return run(List.of("unshare", "-n", "bash", "-c",
                "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo || exit 3; "
                        + "exec \"$@\"", "raw-link"), mode);
    }

    /** Runs {@link RawLinkProbe} under the given command prefix; returns what it printed after it exited 0. */
    private static String run(List<String> prefix, String mode) throws Exception {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            Assumptions.abort("the raw link is Linux's");
        }
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Path cp = Files.createTempFile("zconn-raw", ".cp");
        Files.writeString(cp, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "@" + cp, RawLinkProbe.class.getName(), mode));
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                failOrAbort("cannot run " + prefix.get(0) + ": " + e);
                return "";
            }
            try {
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("still running: %s", text).isTrue();
                if (!text.contains("OK") && !text.contains("REFUSED") && !text.contains("FAIL")) {
                    failOrAbort(prefix.get(0) + " did not run the probe (exit " + p.exitValue() + "): " + text);
                }
                assertEquals(0, p.exitValue(), text);
                return text;
            } finally {
                p.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(cp);
        }
    }

    private static void requireNamespaces() throws Exception {
        Process p = new ProcessBuilder("unshare", "-n", "true").redirectInput(new File("/dev/null"))
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            failOrAbort("cannot make a network namespace (unshare -n needs root): " + text);
        }
    }

    private static void failOrAbort(String problem) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(problem + " (CI runs as root with util-linux)");
        }
        Assumptions.abort(problem);
    }
}
