package io.zconn.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.SocketRegistry;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Karaf: installs feature {@code zconn} from our features repository and finds the socket that a
 * dropped-in {@code etc/io.zconn.socket-karaf.cfg} describes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnKarafIT {

    @Inject
    private BundleContext context;

    @Inject
    private SocketRegistry registry;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        String cfg = "etc/io.zconn.socket-karaf.cfg";
        return OptionUtils.combine(KarafTestSupport.karaf("zconn"),
                // a socket configured the way an operator would: a .cfg file in etc/
                editConfigurationFilePut(cfg, "zconn.name", "karaf"),
                editConfigurationFilePut(cfg, "zconn.type", "PAIR"),
                editConfigurationFilePut(cfg, "zconn.bind", "inproc://karaf"),
                editConfigurationFilePut(cfg, "sndhwm", "100"));
    }

    @Test
    public void theFeatureInstallsAndTheConfiguredSocketIsAService() throws Exception {
        Socket karaf = registry.await("karaf", Duration.ofSeconds(30)).orElseThrow(
                () -> new AssertionError("socket 'karaf' not registered; known: " + registry.sockets()));
        Collection<ServiceReference<Socket>> refs = context.getServiceReferences(Socket.class, "(zconn.name=karaf)");
        assertEquals(1, refs.size());
        ServiceReference<Socket> ref = refs.iterator().next();
        assertEquals("PAIR", ref.getProperty("zconn.type"));
        assertEquals("inproc://karaf", ((String[]) ref.getProperty("zconn.endpoints"))[0]);
        assertTrue(context.getService(ref) == karaf);
        context.ungetService(ref);

        // and it works: a peer made through the registry talks to it
        Socket peer = registry.create(io.zconn.osgi.SocketSpec.builder("karaf-peer", SocketType.PAIR)
                .connect("inproc://karaf").build());
        try {
            peer.send(Message.of("ping"));
            Message m = karaf.recvMessage(Duration.ofSeconds(10));
            assertNotNull("nothing received", m);
            assertEquals("ping", m.get(0).text());
        } finally {
            registry.close("karaf-peer");
        }

        // the console commands are there (Gogo style, picked up by the Karaf shell)
        assertEquals(1, context.getServiceReferences((String) null, "(osgi.command.scope=zconn)").length);
    }

    @Test
    public void curveWorksWithTheFeaturesBouncyCastle() throws Exception {
        // the engine's CURVE crypto is wired to the bcprov bundle the feature installs
        Bundle zconn = FrameworkUtil.getBundle(SocketRegistry.class);
        String provider = null;
        for (BundleWire w : zconn.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if ("org.bouncycastle.crypto.engines".equals(
                    w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                provider = w.getProvider().getBundle().getSymbolicName();
            }
        }
        assertEquals("bcprov", provider);

        // a CURVE server configured through Configuration Admin, a CURVE client made through the registry
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair client = Curve.generateKeyPair();
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("io.zconn.socket", "karaf-curve", "?");
        c.update(FrameworkUtil.asDictionary(Map.of("zconn.name", "karaf-curve", "zconn.type", "PAIR",
                "zconn.bind", "tcp://127.0.0.1:*", "curve.server", "true", "curve.secretkey", server.secretKeyZ85())));
        try {
            Socket secure = registry.await("karaf-curve", Duration.ofSeconds(30)).orElseThrow(
                    () -> new AssertionError("socket 'karaf-curve' not registered; known: " + registry.sockets()));
            assertEquals("CURVE", secure.getOption(ZmqOption.MECHANISM));
            Socket peer = registry.create(SocketSpec.fromProperties(Map.of("zconn.name", "karaf-curve-client",
                    "zconn.type", "PAIR", "zconn.connect", secure.getOption(ZmqOption.LAST_ENDPOINT),
                    "curve.serverkey", server.publicKeyZ85(), "curve.secretkey", client.secretKeyZ85())));
            try {
                assertTrue(peer.send(Message.of("over curve"), Duration.ofSeconds(10)));
                Message m = secure.recvMessage(Duration.ofSeconds(15));
                assertNotNull("nothing received over CURVE", m);
                assertEquals("over curve", m.get(0).text());
            } finally {
                registry.close("karaf-curve-client");
            }
        } finally {
            c.delete();
        }
    }
}
