package io.zconn.itests.osgi;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketRegistry;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.Configuration;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnBundleIT extends OsgiTestSupport {

    @Inject
    private SocketRegistry registry;

    @Test
    public void bundleIsActiveWithEveryImportWired() {
        Bundle b = zconnBundle();
        assertEquals("state of " + b, Bundle.ACTIVE, b.getState());
        BundleWiring wiring = b.adapt(BundleWiring.class);
        List<String> unwired = new ArrayList<>();
        for (BundleRequirement r : wiring.getRequirements(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (PackageNamespace.RESOLUTION_OPTIONAL.equals(
                    r.getDirectives().get(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                continue; // health checks and Event Admin: see the next test
            }
            boolean wired = false;
            for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                wired |= w.getRequirement().equals(r);
            }
            if (!wired) {
                unwired.add(r.toString());
            }
        }
        assertTrue("imports not wired: " + unwired, unwired.isEmpty());

        List<String> exports = new ArrayList<>();
        wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE).forEach(c -> {
            exports.add(c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE) + ";"
                    + c.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
        });
        assertEquals(List.of("io.zconn.engine;" + new Version("0.1.0"), "io.zconn.osgi;" + new Version("0.2.0")),
                exports.stream().sorted().toList());
        assertNotNull(registry);
    }

    @Test
    public void withoutHealthCheckApiOrEventAdminTheBundleWorksAndRegistersNoHealthCheck() throws Exception {
        Bundle b = zconnBundle();
        BundleWiring wiring = b.adapt(BundleWiring.class);
        List<String> optional = new ArrayList<>();
        for (BundleRequirement r : b.adapt(BundleRevision.class).getDeclaredRequirements(
                PackageNamespace.PACKAGE_NAMESPACE)) {
            if (PackageNamespace.RESOLUTION_OPTIONAL.equals(
                    r.getDirectives().get(PackageNamespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                optional.add(String.valueOf(r.getDirectives().get(PackageNamespace.REQUIREMENT_FILTER_DIRECTIVE)));
            }
        }
        assertTrue(optional.toString(), optional.stream().anyMatch(f -> f.contains("org.apache.felix.hc.api)")));
        assertTrue(optional.toString(), optional.stream().anyMatch(f -> f.contains("org.osgi.service.event)")));
        for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            assertFalse(pkg, pkg.startsWith("org.apache.felix.hc.") || pkg.startsWith("org.osgi.service.event"));
        }
        // a socket is still made and registered (the other tests use it fully); no health check appears
        Configuration c = configureSocket("no-hc", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        try {
            awaitSocketService("no-hc");
            assertNull(context.getServiceReferences("org.apache.felix.hc.api.HealthCheck", null));
        } finally {
            c.delete();
        }
    }

    @Test
    public void nettyEpollLoadsFromTheBundleOnLinuxX86() throws Exception {
        org.junit.Assume.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"));
        Class<?> epoll = zconnBundle().loadClass("io.netty.channel.epoll.Epoll");
        boolean available = (Boolean) epoll.getMethod("isAvailable").invoke(null);
        Throwable cause = (Throwable) epoll.getMethod("unavailabilityCause").invoke(null);
        assertTrue("epoll unavailable inside OSGi (the engine falls back to NIO): " + cause, available);
    }

    @Test
    public void everyConfigurationPropertyHasAMetatypeDescription() throws Exception {
        for (String ocd : List.of("io.zconn.socket", "io.zconn.context")) {
            String xml;
            try (InputStream in = zconnBundle().getEntry("OSGI-INF/metatype/" + ocd + ".xml").openStream()) {
                xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher ad = Pattern.compile("<AD [^>]*>").matcher(xml);
            int n = 0;
            while (ad.find()) {
                n++;
                assertTrue(ocd + ": no description in " + ad.group(), ad.group().contains("description=\""));
            }
            assertTrue(ocd + " has attributes", n > 0);
        }
    }

    @Test
    public void configuredSocketSendsToLibzmq() throws Exception {
        LibzmqPeer.require();
        Configuration c = configureSocket("orders", "zconn.type", "PUSH",
                "zconn.bind", new String[] {ANY_PORT}, "sndhwm", 100);
        try {
            String ep = boundEndpoint("orders");
            ServiceReference<Socket> ref = awaitSocketService("orders");
            assertEquals("PUSH", ref.getProperty("zconn.type"));
            assertArrayEquals(new String[] {ep}, (String[]) ref.getProperty("zconn.endpoints"));
            Socket orders = context.getService(ref);
            try (LibzmqPeer peer = LibzmqPeer.start(
                    "s = zmq.Context().socket(zmq.PULL); s.RCVTIMEO = 10000; s.connect(sys.argv[1])\n"
                            + "for i in range(3): print('|'.join(f.decode() for f in s.recv_multipart()), flush=True)",
                    ep)) {
                for (int i = 0; i < 3; i++) {
                    assertTrue(orders.send(Message.of("order", "n" + i), Duration.ofSeconds(10)));
                }
                assertEquals("order|n0\norder|n1\norder|n2\n", peer.await(20));
            } finally {
                context.ungetService(ref);
            }
        } finally {
            c.delete();
        }
    }

    @Test
    public void whiteboardListenerReceivesWhatLibzmqPushes() throws Exception {
        LibzmqPeer.require();
        List<String> got = new CopyOnWriteArrayList<>();
        ServiceRegistration<MessageListener> listener = context.registerService(MessageListener.class,
                m -> got.add(m.get(0).text()), props("zconn.socket", "inbox"));
        Configuration c = configureSocket("inbox", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        try {
            String ep = boundEndpoint("inbox");
            try (LibzmqPeer peer = LibzmqPeer.start(
                    "s = zmq.Context().socket(zmq.PUSH); s.LINGER = 5000; s.connect(sys.argv[1])\n"
                            + "for i in range(5): s.send_string('m%d' % i)\n"
                            + "s.close()",
                    ep)) {
                peer.await(20);
                awaitTrue("5 messages, got " + got, () -> got.size() == 5);
            }
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), got);
            SocketInfo info = registry.info("inbox").orElseThrow();
            assertEquals(5, info.received());
            assertEquals(1, info.listeners());
        } finally {
            listener.unregister();
            c.delete();
        }
    }

    @Test
    public void repWhiteboardAnswersLibzmqReq() throws Exception {
        LibzmqPeer.require();
        ServiceRegistration<RequestListener> listener = context.registerService(RequestListener.class,
                req -> {
                    if (req.get(0).text().equals("boom")) {
                        throw new IllegalStateException("listener failure (expected by the test)");
                    }
                    return Message.of("re:" + req.get(0).text());
                }, props("zconn.socket", "service"));
        Configuration c = configureSocket("service", "zconn.type", "REP", "zconn.bind", ANY_PORT);
        try {
            String ep = boundEndpoint("service");
            try (LibzmqPeer peer = LibzmqPeer.start(
                    "s = zmq.Context().socket(zmq.REQ); s.RCVTIMEO = 10000; s.connect(sys.argv[1])\n"
                            + "for w in ['hello', 'boom', 'again']:\n"
                            + "    s.send_string(w); print(repr(s.recv_multipart()), flush=True)",
                    ep)) {
                assertEquals("[b're:hello']\n[b'']\n[b're:again']\n", peer.await(20));
            }
            assertEquals(1, registry.info("service").orElseThrow().listenerFailures());
        } finally {
            listener.unregister();
            c.delete();
        }
    }

    @Test
    public void updatingTheConfigurationRebinds() throws Exception {
        LibzmqPeer.require();
        Configuration c = configureSocket("moving", "zconn.type", "PUB", "zconn.bind", ANY_PORT);
        try {
            int first = portOf(boundEndpoint("moving"));
            ServiceReference<Socket> ref = awaitSocketService("moving");
            Socket before = context.getService(ref);
            Dictionary<String, Object> p = c.getProperties();
            // another spelling of "any port" (0), so the bind changes and the OS picks a new port
            p.put("zconn.bind", "tcp://127.0.0.1:0");
            c.update(p);
            int[] second = new int[1];
            awaitTrue("endpoints updated", () -> {
                ServiceReference<Socket> r = socketService("moving");
                String[] eps = r == null ? null : (String[]) r.getProperty("zconn.endpoints");
                if (eps == null || eps.length == 0 || !eps[0].matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*")) {
                    return false;
                }
                second[0] = portOf(eps[0]);
                return second[0] != first;
            });
            // the port this socket held is released (a check after the fact, not a port to bind)
            awaitTrue("first port freed", () -> portIsFree(first));
            try (LibzmqPeer peer = LibzmqPeer.start(
                    "s = zmq.Context().socket(zmq.SUB); s.RCVTIMEO = 10000; s.subscribe(b''); s.connect(sys.argv[1])\n"
                            + "print(s.recv_string(), flush=True)",
                    "tcp://127.0.0.1:" + second[0])) {
                // PUB drops until the subscription arrives: publish until the peer has one
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (peer.output().isEmpty() && System.nanoTime() < deadline) {
                    before.send("tick");
                    Thread.sleep(50);
                }
                assertEquals("tick\n", peer.await(20));
            }
            context.ungetService(ref);
        } finally {
            c.delete();
        }
    }

    @Test
    public void deletingTheConfigurationUnregistersAndFreesThePort() throws Exception {
        Configuration c = configureSocket("temp", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        int port = portOf(boundEndpoint("temp"));
        // the port our socket holds: taken while bound, free once the configuration is deleted
        assertFalse("port taken while bound", portIsFree(port));
        c.delete();
        awaitTrue("service unregistered", () -> socketService("temp") == null);
        awaitTrue("port " + port + " freed", () -> portIsFree(port));
        assertTrue(registry.info("temp").isEmpty());
    }

    @Test
    public void badConfigurationsAreIsolated() throws Exception {
        Configuration good = configureSocket("good", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        // the clash binds the very port "good" was given
        int port = portOf(boundEndpoint("good"));
        Configuration unknownType = configureSocket("weird", "zconn.type", "PUSHY");
        Configuration malformed = configureSocket("malformed", "zconn.type", "PUSH", "zconn.bind", "tcp:/nowhere");
        Configuration inUse = configureSocket("clash", "zconn.type", "PULL", "zconn.bind", "tcp://127.0.0.1:" + port);
        try {
            awaitSocketService("good");
            awaitTrue("clash failed", () -> registry.info("clash").map(i -> i.state() == SocketInfo.State.FAILED)
                    .orElse(false));
            awaitTrue("malformed failed", () -> registry.info("malformed")
                    .map(i -> i.state() == SocketInfo.State.FAILED).orElse(false));
            assertTrue(registry.info("clash").orElseThrow().error(), registry.info("clash").orElseThrow().error()
                    .contains("EADDRINUSE"));
            assertTrue(registry.info("weird").isEmpty());
            assertTrue(socketService("clash") == null && socketService("malformed") == null);
            assertNotNull(socketService("good"));
            assertTrue(registry.lookup("good").isPresent());
        } finally {
            for (Configuration c : List.of(good, unknownType, malformed, inUse)) {
                c.delete();
            }
        }
    }

    @Test
    public void registryCreatesAndLooksUpSockets() throws Exception {
        Socket a = registry.create(io.zconn.osgi.SocketSpec.builder("made", io.zconn.engine.SocketType.PAIR)
                .bind("inproc://made").build());
        assertNotNull(awaitSocketService("made"));
        assertTrue(registry.lookup("made").orElseThrow() == a);
        assertEquals("registry", socketService("made").getProperty("zconn.origin"));
        assertTrue(registry.close("made"));
        awaitTrue("unregistered", () -> socketService("made") == null);
        assertTrue(a.isClosed());
    }

    private static Dictionary<String, Object> props(String key, Object value) {
        return FrameworkUtil.asDictionary(Map.of(key, value));
    }
}
