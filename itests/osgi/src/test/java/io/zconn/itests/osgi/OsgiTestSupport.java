package io.zconn.itests.osgi;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.zconn.engine.Socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A plain Felix with SCR, Configuration Admin (and the OSGi API bundles SCR needs) and the zconn
 * bundle from the reactor: nothing else.
 */
public abstract class OsgiTestSupport {
    static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return options(
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.bouncycastle", "bcprov-jdk18on").versionAsInProject(),
                bundle("file:" + System.getProperty("zconn.bundle", "target/bundles/zconn-osgi.jar")),
                junitBundles(),
                systemProperty("zconn.python").value(System.getProperty("zconn.python", "/usr/bin/python3")),
                cleanCaches());
    }

    protected Bundle zconnBundle() {
        for (Bundle b : context.getBundles()) {
            if ("io.zconn.osgi".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle io.zconn.osgi is not installed");
    }

    /** Creates (or updates) a factory configuration of io.zconn.socket, visible to any bundle. */
    protected org.osgi.service.cm.Configuration configureSocket(String name, Object... keyValues) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("io.zconn.socket", name, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("zconn.name", name);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        c.update(props);
        return c;
    }

    /** Waits for the socket service of that name. */
    @SuppressWarnings({"unchecked", "rawtypes"}) // a one-element holder: generic arrays need a raw one
    protected ServiceReference<Socket> awaitSocketService(String name) throws Exception {
        ServiceReference<Socket>[] found = new ServiceReference[1];
        awaitTrue("socket service " + name, () -> (found[0] = socketService(name)) != null);
        return found[0];
    }

    protected ServiceReference<Socket> socketService(String name) {
        try {
            Collection<ServiceReference<Socket>> refs = context.getServiceReferences(Socket.class,
                    "(zconn.name=" + name + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Where a configuration binds to let the OS pick the port: read it back with {@link #boundEndpoint}. */
    static final String ANY_PORT = "tcp://127.0.0.1:*";

    /**
     * Waits for the socket service of that name and returns the endpoint it is bound to, as its
     * {@code zconn.endpoints} property shows it (the picked port for a bind to {@code *}).
     */
    protected String boundEndpoint(String name) throws Exception {
        String[] found = new String[1];
        awaitTrue("socket service " + name + " with a bound tcp endpoint", () -> {
            ServiceReference<Socket> r = socketService(name);
            String[] eps = r == null ? null : (String[]) r.getProperty("zconn.endpoints");
            found[0] = eps == null || eps.length == 0 ? null : eps[0];
            return found[0] != null && found[0].matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
        });
        return found[0];
    }

    static int portOf(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /**
     * Whether nothing listens on the port: checked only for a port a test's socket held and then
     * released (an honest "was freed" check; another process grabbing it meanwhile would make it fail).
     */
    @SuppressWarnings("try") // the socket is opened only to see whether the port is free
    static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
