package io.zconn.itests.arquillian;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * zconn.rar in WildFly ({@link ZconnSuite}): the adapter is deployed as a .rar whose ironjacamar.xml
 * defines the test connection factories; MDBs are bound to it by jboss-ejb3.xml; the applications see
 * its API classes through {@code Dependencies: deployment.zconn.rar}.
 */
class ZconnWildFlyIT extends ZconnSuite {
    private static final String DEPENDENCIES = "Dependencies: deployment.zconn.rar\n";

    @Deployment(name = "rar", managed = false, testable = false, order = 1)
    static Archive<?> rar() {
        File built = new File(System.getProperty("zconn.rar", "target/rar/zconn-rar.rar"));
        ResourceAdapterArchive rar = ShrinkWrap.create(ResourceAdapterArchive.class, "zconn.rar");
        rar.merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, built));
        rar.addAsManifestResource(ZconnWildFlyIT.class.getResource("/ironjacamar.xml"), "ironjacamar.xml");
        return rar;
    }

    /**
     * A WAR, not the suite's jar: Arquillian would wrap a jar into a WAR's {@code WEB-INF/lib}, where
     * ejb-jar.xml and jboss-ejb3.xml are ignored (the MDBs then went to WildFly's default adapter), so
     * the descriptors go to {@code WEB-INF/}.
     */
    @Deployment(name = "app", managed = false, order = 2)
    static Archive<?> app() {
        UnaryOperator<String> jndi = name -> "java:/" + name;
        WebArchive war = ShrinkWrap.create(WebArchive.class, "zconn-test-app.war");
        war.merge(testApp(jndi), "/WEB-INF/classes", Filters.exclude("/META-INF.*"));
        return war.addClass(ZconnWildFlyIT.class)
                .addAsWebInfResource(new StringAsset(ejbJarXml(jndi)), "ejb-jar.xml")
                .addAsWebInfResource(new StringAsset(jbossEjb3Xml(APP_MDBS)), "jboss-ejb3.xml")
                .addAsManifestResource(new StringAsset(DEPENDENCIES), "MANIFEST.MF");
    }

    @Deployment(name = "modern", managed = false, testable = false, order = 3)
    static Archive<?> modern() {
        return modernApp()
                .addAsManifestResource(new StringAsset(jbossEjb3Xml(List.of("ModernMdb"))), "jboss-ejb3.xml")
                .addAsManifestResource(new StringAsset(DEPENDENCIES), "MANIFEST.MF");
    }

    /** Binds the MDBs to zconn.rar, as {@code @org.jboss.ejb3.annotation.ResourceAdapter("zconn.rar")} would. */
    static String jbossEjb3Xml(List<String> mdbs) {
        StringBuilder x = new StringBuilder("""
                <jboss:ejb-jar xmlns:jboss="urn:jboss:jakartaee:1.0" xmlns="https://jakarta.ee/xml/ns/jakartaee"
                               xmlns:r="urn:resource-adapter-binding" version="4.0" impl-version="2.0">
                  <assembly-descriptor>
                """);
        for (String mdb : mdbs) {
            x.append("    <r:resource-adapter-binding>\n      <ejb-name>").append(mdb).append("</ejb-name>\n")
                    .append("      <r:resource-adapter-name>zconn.rar</r:resource-adapter-name>\n")
                    .append("    </r:resource-adapter-binding>\n");
        }
        return x.append("  </assembly-descriptor>\n</jboss:ejb-jar>\n").toString();
    }

    @Override
    protected void deployAdapter() {
        deployer().deploy("rar");
    }

    @Override
    protected void undeployAdapter() {
        deployer().undeploy("rar");
    }

    @Override
    protected Path serverLog() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
    }

    @Override
    protected List<String> adapterWarnings(String logged) {
        return logged.lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> line.contains("IJ") || line.contains("zconn"))
                .toList();
    }

    @Override
    protected List<String> threadsRunningZconnCode() throws Exception {
        ModelNode op = new ModelNode();
        op.get("operation").set("dump-all-threads");
        op.get("address").add("core-service", "platform-mbean").add("type", "threading");
        op.get("locked-monitors").set(false);
        op.get("locked-synchronizers").set(false);
        ModelNode result;
        try (ModelControllerClient client = ModelControllerClient.Factory.create("127.0.0.1",
                Integer.getInteger("wildfly.management.port", 9990))) {
            result = client.execute(op);
        }
        assertEquals("success", result.get("outcome").asString(), result.toString());
        List<String> offenders = new ArrayList<>();
        for (ModelNode thread : result.get("result").asList()) {
            String name = thread.get("thread-name").asString();
            String stack = thread.get("stack-trace").toString();
            if (name.contains("zconn") || stack.contains("io.zconn")) {
                offenders.add(name);
            }
        }
        return offenders;
    }
}
