package io.zconn.itests.osgi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

/**
 * Observability in Karaf, the way an operator gets it: feature {@code zconn} at boot, then
 * {@code zconn-health-core} (health checks and Felix HC core's {@code hc:exec}) and
 * {@code zconn-events} installed later (Karaf must refresh the zconn bundle
 * to wire its optional imports), a socket from Configuration Admin, a libzmq peer; the socket's
 * health check, its events on Event Admin and the {@code zconn:} commands in Karaf's own shell;
 * then uninstalling the features leaves nothing running.
 *
 * <p>The test sees zconn only through services, the shell and reflection, never through zconn's
 * or the Health Check API's classes: the probe stays unwired to the bundles the features remove.
 * One container for the class; the methods run in name order (the uninstall last).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ZconnObserveKarafIT {
    private static final long WAIT_S = 30;
    private static final String HEALTH_CHECK = "org.apache.felix.hc.api.HealthCheck";
    private static final String SOCKET = "io.zconn.engine.Socket";
    /** The features service's default, but leaving the test probe (an unmanaged bundle) alone. */
    private static final EnumSet<FeaturesService.Option> KEEP_PROBE =
            EnumSet.of(FeaturesService.Option.NoAutoRefreshUnmanagedBundles);
    /**
     * For the uninstall: no refresh at all, since the probe may be wired to the removed bundles
     * (Pax Exam's probe imports dynamically); stopping and uninstalling is what must end everything.
     */
    private static final EnumSet<FeaturesService.Option> NO_REFRESH =
            EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private FeaturesService features;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return KarafTestSupport.karaf("zconn");
    }

    @Test
    public void healthEventsAndTheShellFollowALibzmqPeer() throws Exception {
        LibzmqPeer.require();
        long zconnBundleId = zconnBundle().getBundleId();
        features.installFeatures(Set.of("zconn-health-core", "zconn-events"), KEEP_PROBE);
        assertEquals("the bundle stays the same bundle", zconnBundleId, zconnBundle().getBundleId());
        assertTrue("zconn wired to the Health Check API after the refresh: " + importedPackages(),
                importedPackages().contains("org.apache.felix.hc.api"));
        assertTrue("zconn wired to Event Admin: " + importedPackages(),
                importedPackages().contains("org.osgi.service.event"));

        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> handlerProps = FrameworkUtil.asDictionary(Map.of(
                "event.topics", "io/zconn/socket/*", "event.filter", "(zconn.name=obs)"));
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add,
                handlerProps);
        org.osgi.service.cm.Configuration c = configureSocket("obs", "zconn.type", "PULL",
                "zconn.bind", "tcp://127.0.0.1:*");
        ExecutorService shell = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-shell"));
        try {
            String ep = boundEndpoint("obs");

            // no peer: WARN, through the health check service tagged zconn
            await("health check of 'obs'", () -> healthCheck("obs") != null);
            Health warn = health("obs");
            assertEquals(warn.toString(), "WARN", warn.status());
            assertTrue(warn.toString(), warn.messages().contains("bound " + ep));
            // HC core's command is registered asynchronously
            awaitShell("hc:exec zconn", "Overall Health Result: WARN");
            String exec = shell("hc:exec -v zconn");
            assertTrue(exec, exec.contains("zconn socket obs") && exec.contains("bound " + ep));

            // the commands are Karaf commands
            String list = shell("zconn:list");
            assertTrue(list, list.matches("(?s).*\\nobs +PULL +ACTIVE .*" + Pattern.quote(ep) + ".*"));

            // zconn:monitor, bounded to one event, prints the peer's arrival
            ByteArrayOutputStream monitorOut = new ByteArrayOutputStream();
            Future<String> monitor = shell.submit(() -> shell("zconn:monitor obs 1 " + WAIT_S, monitorOut));
            await("the monitor started: " + monitorOut, () -> monitorOut.toString(UTF_8).contains("monitoring socket"));

            try (LibzmqPeer peer = LibzmqPeer.start(
                    "import time\n"
                            + "s = zmq.Context().socket(zmq.PUSH); s.connect(sys.argv[1])\n"
                            + "for i in range(3): s.send_string('m%d' % i)\n"
                            + "print('sent', flush=True); time.sleep(60)",
                    ep)) {
                String printed = monitor.get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(printed, printed.matches("(?s).* ACCEPTED\\(\\d+\\) " + Pattern.quote(ep)
                        + " peer tcp://127\\.0\\.0\\.1:\\d+.*"));
                assertTrue(printed, printed.contains("stopped monitoring 'obs': 1 event(s) printed (1 event(s))"));

                // Event Admin: ACCEPTED with the socket's name
                await("ACCEPTED on Event Admin, got " + topics(events),
                        () -> topics(events).contains("io/zconn/socket/ACCEPTED"));
                Event accepted = events.stream().filter(e -> e.getTopic().equals("io/zconn/socket/ACCEPTED"))
                        .findFirst().orElseThrow();
                assertEquals("obs", accepted.getProperty("zconn.name"));
                assertEquals("PULL", accepted.getProperty("zconn.type"));
                assertEquals(ep, accepted.getProperty("zconn.endpoint"));
                String peerAddress = String.valueOf(accepted.getProperty("zconn.peer"));
                assertTrue(peerAddress, peerAddress.startsWith("tcp://127.0.0.1:"));

                // the peer makes the health check OK
                await("OK with the libzmq peer", () -> "OK".equals(health("obs").status()));
                Health ok = health("obs");
                assertTrue(ok.toString(), ok.messages().contains("socket 'obs' (PULL) has 1 peer(s)"));
                // HC core's executor caches a check's result for a while (resultCacheTtlInMs)
                awaitShell("hc:exec zconn", "Overall Health Result: OK");

                // zconn:stats: the socket's row and the peer's, with the three messages it sent
                await("the peer sent", () -> peer.output().startsWith("sent"));
                String[] stats = new String[1];
                try {
                    await("zconn:stats to show the peer's 3 messages", () -> {
                        stats[0] = shellUnchecked("zconn:stats obs");
                        return stats[0].contains("  peer " + peerAddress + " on " + ep + " since ")
                                && stats[0].matches("(?s).*  peer [^\\n]* in=3 in-bytes=\\d+ out=0 .*");
                    });
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; last output:\n" + stats[0], e);
                }
                assertTrue(stats[0], stats[0].matches("(?s).*\\nobs +ACTIVE +1 .*"));

                // an unbounded zconn:monitor ends when interrupted (what Ctrl-C does), leaving no thread
                ByteArrayOutputStream longOut = new ByteArrayOutputStream();
                Future<String> longMonitor = shell.submit(() -> shell("zconn:monitor obs", longOut));
                await("the second monitor started", () -> longOut.toString(UTF_8).contains("monitoring socket"));
                List<Thread> running = monitorThreads();
                assertEquals(running.toString(), 1, running.size());
                running.get(0).interrupt();
                String stopped = longMonitor.get(WAIT_S, TimeUnit.SECONDS);
                assertTrue(stopped, stopped.contains("stopped monitoring 'obs': interrupted (0 event(s))"));
                await("no thread in zconn:monitor", () -> monitorThreads().isEmpty());
            }
            await("WARN again once the peer is gone", () -> "WARN".equals(health("obs").status()));
            await("DISCONNECTED on Event Admin, got " + topics(events),
                    () -> topics(events).contains("io/zconn/socket/DISCONNECTED"));
        } finally {
            shell.shutdownNow();
            assertTrue(shell.awaitTermination(WAIT_S, TimeUnit.SECONDS));
            handler.unregister();
            c.delete();
        }
        await("health check unregistered with the socket", () -> healthCheck("obs") == null);
    }

    @Test
    public void uninstallingTheFeaturesLeavesNothingRunning() throws Exception {
        org.osgi.service.cm.Configuration c = configureSocket("gone", "zconn.type", "PULL",
                "zconn.bind", "tcp://127.0.0.1:*");
        try {
            String ep = boundEndpoint("gone");
            await("health check of 'gone'", () -> healthCheck("gone") != null);
            await("zconn threads running", () -> !zconnThreads().isEmpty());

            features.uninstallFeatures(Set.of("zconn-events", "zconn-health-core", "zconn"), NO_REFRESH);

            for (Bundle b : context.getBundles()) {
                assertFalse("still installed: " + b.getSymbolicName(), Set.of("io.zconn.osgi",
                        "org.apache.felix.healthcheck.api", "org.apache.felix.healthcheck.core")
                        .contains(b.getSymbolicName()));
            }
            await("no zconn thread, still: " + zconnThreads(), () -> zconnThreads().isEmpty());
            assertNull(context.getAllServiceReferences(SOCKET, null));
            assertNull(context.getAllServiceReferences(HEALTH_CHECK, null));
            assertNull(context.getAllServiceReferences(null, "(osgi.command.scope=zconn)"));
            await("port of " + ep + " released", () -> OsgiTestSupport.portIsFree(OsgiTestSupport.portOf(ep)));
            // Karaf's own event admin (a boot feature) stays
            assertTrue(context.getServiceReference("org.osgi.service.event.EventAdmin") != null);
        } finally {
            c.delete();
        }
    }

    // --- helpers ---

    /** A health check's outcome, read by reflection (the probe does not import the HC API). */
    record Health(String status, List<String> messages) {
    }

    private ServiceReference<?> healthCheck(String socket) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(HEALTH_CHECK,
                    "(&(hc.tags=zconn)(zconn.name=" + socket + "))");
            return refs == null ? null : refs[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Runs a socket's health check as an executor would. */
    private Health health(String socket) {
        ServiceReference<?> ref = healthCheck(socket);
        if (ref == null) {
            return new Health("no health check", List.of());
        }
        Object hc = context.getService(ref);
        try {
            Method execute = ref.getBundle().loadClass(HEALTH_CHECK).getMethod("execute");
            Object result = execute.invoke(hc);
            String status = String.valueOf(result.getClass().getMethod("getStatus").invoke(result));
            List<String> messages = new ArrayList<>();
            for (Object entry : (Iterable<?>) result) {
                messages.add(String.valueOf(entry.getClass().getMethod("getMessage").invoke(entry)));
            }
            return new Health(status, messages);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        } finally {
            context.ungetService(ref);
        }
    }

    /** Runs a command in a new Karaf shell session: what it printed, then what it returned. */
    private String shell(String command) throws Exception {
        return shell(command, new ByteArrayOutputStream());
    }

    /** Runs a command until its output contains {@code expected}. */
    private void awaitShell(String command, String expected) throws InterruptedException {
        String[] last = new String[1];
        try {
            await(command + " to print " + expected, () -> {
                try {
                    last[0] = shell(command);
                } catch (Exception e) {
                    last[0] = String.valueOf(e);
                }
                return last[0].contains(expected);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last output:\n" + last[0], e);
        }
    }

    private String shellUnchecked(String command) {
        try {
            return shell(command);
        } catch (Exception e) {
            throw new IllegalStateException(command + " failed", e);
        }
    }

    private String shell(String command, ByteArrayOutputStream bytes) throws Exception {
        PrintStream out = new PrintStream(bytes, true, UTF_8);
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Object result = session.execute(command);
            out.flush();
            return bytes.toString(UTF_8) + (result == null ? "" : result.toString());
        } finally {
            session.close();
        }
    }

    private org.osgi.service.cm.Configuration configureSocket(String name, Object... keyValues) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("io.zconn.socket", name, "?");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("zconn.name", name);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        c.update(FrameworkUtil.asDictionary(props));
        return c;
    }

    /** The socket service's bound endpoint (its {@code zconn.endpoints}), once it is registered. */
    private String boundEndpoint(String name) throws Exception {
        String[] found = new String[1];
        await("socket service " + name + " with a bound tcp endpoint", () -> {
            try {
                ServiceReference<?>[] refs = context.getAllServiceReferences(SOCKET, "(zconn.name=" + name + ")");
                String[] eps = refs == null ? null : (String[]) refs[0].getProperty("zconn.endpoints");
                found[0] = eps == null || eps.length == 0 ? null : eps[0];
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
            return found[0] != null && found[0].matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
        });
        return found[0];
    }

    private Bundle zconnBundle() {
        for (Bundle b : context.getBundles()) {
            if ("io.zconn.osgi".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle io.zconn.osgi is not installed");
    }

    /** The packages the zconn bundle is wired to now. */
    private List<String> importedPackages() {
        BundleWiring w = zconnBundle().adapt(BundleWiring.class);
        List<String> out = new ArrayList<>();
        for (BundleWire wire
                : w.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            out.add(String.valueOf(wire.getCapability().getAttributes()
                    .get(PackageNamespace.PACKAGE_NAMESPACE)));
        }
        return out;
    }

    private static List<String> topics(List<Event> events) {
        return events.stream().map(Event::getTopic).toList();
    }

    private static List<String> zconnThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("zconn")).toList();
    }

    /** Threads running {@code zconn:monitor} now (what Karaf interrupts on Ctrl-C). */
    private static List<Thread> monitorThreads() {
        List<Thread> out = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : t.getValue()) {
                if (f.getClassName().equals("io.zconn.osgi.internal.ZconnCommands")
                        && f.getMethodName().equals("monitor")) {
                    out.add(t.getKey());
                    break;
                }
            }
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT_S + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
