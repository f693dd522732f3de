package io.zconn.itests.arquillian;

import io.zconn.itests.arquillian.secure.CallerEchoMdb;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zconn's security inflow in WildFly: a copy of zconn.rar ({@code zconn-secure.rar}) configured in
 * the resource-adapters subsystem with work-manager security over Elytron's ApplicationDomain, an
 * application user made with {@code add-user.sh -a}, and an MDB that is a PLAIN server whose clients
 * the server's realm checks (zapContainerRealm) and whose deliveries run as the client's user
 * (runAsUserId). A libzmq (pyzmq) REQ client with the user's password gets the bean's answer naming
 * the caller; a wrong password and an unknown user get nothing, and the refusals are logged.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityInflowWildFlyIT {
    static final String USER = "zconn-alice";
    static final String PASSWORD = "Wonder-Land-7!";
    static final String WRONG = "not-the-password-9";
    static final String RAR = "zconn-secure.rar";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "secure-rar", managed = false, testable = false)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, RAR);
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        // activated by the resource-adapters subsystem (with work-manager security), not by its own descriptor:
        // both would register the adapter twice
        rar.delete("META-INF/ironjacamar.xml");
        return rar;
    }

    @Deployment(name = "secure-app", managed = false, testable = false)
    static Archive<?> app() {
        return ShrinkWrap.create(JavaArchive.class, "zconn-secure-app.jar")
                .addClasses(CallerEchoMdb.class)
                .addAsManifestResource(new StringAsset("Dependencies: deployment." + RAR + "\n"), "MANIFEST.MF");
    }

    @Test
    @RunAsClient
    void plainClientsAreCheckedByWildFlysRealmAndTheBeanRunsAsTheirUser() throws Exception {
        LibzmqPeer.requirePyzmq();
        Path home = Path.of(System.getProperty("jboss.home"));
        Path log = home.resolve("standalone/log/server.log");
        long before = Files.exists(log) ? Files.size(log) : 0;
        addApplicationUser(home);
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management.port", 9990))) {
            // the properties realm reads the user file again
            execute(client, op("load", "subsystem", "elytron", "properties-realm", "ApplicationRealm"));
            ModelNode add = op("add", "subsystem", "resource-adapters", "resource-adapter", RAR);
            add.get("archive").set(RAR);
            add.get("transaction-support").set("NoTransaction");
            add.get("wm-security").set(true);
            add.get("wm-elytron-security-domain").set("ApplicationDomain");
            execute(client, add);
            try {
                deployer.deploy("secure-rar");
                deployer.deploy("secure-app");
                try {
                    askAsThreeClients();
                } finally {
                    deployer.undeploy("secure-app");
                    deployer.undeploy("secure-rar");
                }
            } finally {
                ModelNode remove = op("remove", "subsystem", "resource-adapters", "resource-adapter", RAR);
                remove.get("operation-headers").get("allow-resource-service-restart").set(true);
                client.execute(remove);
            }
        }
        String added = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).substring((int) before);
        assertTrue(added.contains("ZCONNRA0050"), "the server's realm not announced");
        assertTrue(added.contains("ZCONNRA0053"), "runAsUserId not announced");
        List<String> refusals = added.lines().filter(l -> l.contains("ZCONNRA0051")).toList();
        assertEquals(2, refusals.size(), "refusals logged: " + refusals);
        assertTrue(refusals.stream().anyMatch(l -> l.contains("'" + USER + "'")), refusals.toString());
        assertTrue(refusals.stream().anyMatch(l -> l.contains("'nobody'")), refusals.toString());
        assertFalse(added.contains(WRONG) || added.contains(PASSWORD), "a password reached the server log");
    }

    private static void askAsThreeClients() throws Exception {
        try (LibzmqPeer peer = LibzmqPeer.start("""
                def ask(user, password, wait):
                    s = ctx.socket(zmq.REQ)
                    s.plain_username = user.encode(); s.plain_password = password.encode()
                    s.RCVTIMEO = wait; s.LINGER = 0
                    s.connect('tcp://127.0.0.1:25591')
                    s.send_string('ping-' + user)
                    try:
                        r = s.recv_string()
                    except zmq.Again:
                        r = 'no reply'
                    s.close()
                    return r
                print('ready')
                print(ask('%s', '%s', 15000))
                print(ask('%s', '%s', 3000))
                print(ask('nobody', '%s', 3000))
                """.formatted(USER, PASSWORD, USER, WRONG, PASSWORD))) {
            assertEquals("caller:" + USER + ":ping-" + USER, peer.line(30_000), () -> "peer: " + peer.rest());
            assertEquals("no reply", peer.line(15_000), "a wrong password was let in");
            assertEquals("no reply", peer.line(15_000), "an unknown user was let in");
            assertEquals(0, peer.waitFor());
        }
    }

    /** {@code add-user.sh -a}: an application user in ApplicationRealm (once: the server stays unpacked). */
    private static void addApplicationUser(Path home) throws IOException, InterruptedException {
        Path users = home.resolve("standalone/configuration/application-users.properties");
        if (Files.readString(users).lines().anyMatch(l -> l.startsWith(USER + "="))) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/add-user.sh").toString(), "-a", "-u", USER,
                "-p", PASSWORD, "-g", "zconn").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JBOSS_HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "add-user.sh did not finish");
        assertEquals(0, p.exitValue(), "add-user.sh: " + out);
    }

    private static ModelNode op(String name, String... address) {
        ModelNode op = new ModelNode();
        op.get("operation").set(name);
        for (int i = 0; i < address.length; i += 2) {
            op.get("address").add(address[i], address[i + 1]);
        }
        return op;
    }

    private static void execute(ModelControllerClient client, ModelNode op) throws IOException {
        ModelNode result = client.execute(op);
        assertEquals("success", result.get("outcome").asString(), op + " -> " + result);
    }
}
