package io.zconn.itests.arquillian;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * zconn.rar in Open Liberty ({@link ZconnSuite}): the adapter is configured by the README's server.xml
 * ({@code deployment/rar/src/main/liberty/server.xml}, dropped into the running server, see
 * {@link LibertyServer}); the applications see its classes through
 * {@code <classloader classProviderRef="zconn"/>} in their {@code <application>} element; the MDBs of the
 * test application are bound to activation specifications by ibm-ejb-jar-bnd.xml, the modern one by its
 * module/bean name.
 */
class ZconnLibertyIT extends ZconnSuite {
    /**
     * A WAR, not the suite's jar: Arquillian would wrap a jar into a WAR's {@code WEB-INF/lib}, and the
     * container deploys only WARs and EARs as server.xml applications; the descriptors go to {@code WEB-INF/}.
     */
    @Deployment(name = "app", managed = false, order = 1)
    static Archive<?> app() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "zconn-test-app.war");
        war.merge(testApp(UnaryOperator.identity()), "/WEB-INF/classes", Filters.exclude("/META-INF.*"));
        return war.addClass(ZconnLibertyIT.class)
                .addAsWebInfResource(new StringAsset(ejbJarXml(UnaryOperator.identity())), "ejb-jar.xml")
                .addAsWebInfResource(new StringAsset(ibmEjbJarBndXml(APP_MDBS)), "ibm-ejb-jar-bnd.xml");
    }

    /** The modern MDB, bound by its name zconn-modern-app/ModernMdb (no binding file). */
    @Deployment(name = "modern", managed = false, testable = false, order = 2)
    static Archive<?> modern() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "zconn-modern-app.war");
        return war.merge(modernApp(), "/WEB-INF/classes");
    }

    /** Binds each MDB to the activation specification {@code zconn/<bean>} of server.xml. */
    static String ibmEjbJarBndXml(List<String> mdbs) {
        StringBuilder x = new StringBuilder("""
                <ejb-jar-bnd xmlns="http://websphere.ibm.com/xml/ns/javaee"
                             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                             xsi:schemaLocation="http://websphere.ibm.com/xml/ns/javaee http://websphere.ibm.com/xml/ns/javaee/ibm-ejb-jar-bnd_1_2.xsd"
                             version="1.2">
                """);
        for (String mdb : mdbs) {
            x.append("  <message-driven name=\"").append(mdb).append("\">\n")
                    .append("    <jca-adapter activation-spec-binding-name=\"zconn/").append(mdb).append("\"/>\n")
                    .append("  </message-driven>\n");
        }
        return x.append("</ejb-jar-bnd>\n").toString();
    }

    @Override
    protected void deployAdapter() throws Exception {
        LibertyServer.deployAdapter();
    }

    @Override
    protected void undeployAdapter() throws Exception {
        LibertyServer.undeployAdapter();
    }

    @Override
    protected Path serverLog() {
        return LibertyServer.messagesLog();
    }

    @Override
    protected List<String> adapterWarnings(String logged) {
        return LibertyServer.warnings(logged);
    }

    @Override
    protected List<String> threadsRunningZconnCode() throws Exception {
        return LibertyServer.threadsRunningZconnCode();
    }
}
