package io.zconn.itests.osgi;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * The Karaf container of the {@code *KarafIT} tests: Karaf from the local repository, offline,
 * our features repository from the reactor copy, the given features at boot, JDK 17's flags.
 */
final class KarafTestSupport {

    private KarafTestSupport() {
    }

    /** The {@code mvn:} URL-less location of our features repository (the reactor copy). */
    static String featuresRepository() {
        String repo = new File(System.getProperty("zconn.karaf.repo", "target/karaf-repo")).getAbsolutePath();
        return "file:" + repo + "/io/zconn/zconn-karaf-features/0.1.0-SNAPSHOT/"
                + "zconn-karaf-features-0.1.0-SNAPSHOT-features.xml";
    }

    /**
     * @param bootFeatures features of our repository installed at boot
     * @return the container's options
     */
    static Option[] karaf(String... bootFeatures) {
        String karafVersion = System.getProperty("zconn.karaf.version", "4.4.10");
        String repo = new File(System.getProperty("zconn.karaf.repo", "target/karaf-repo")).getAbsolutePath();
        String localRepo = System.getProperty("org.ops4j.pax.url.mvn.localRepository",
                System.getProperty("user.home") + "/.m2/repository");
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        return options(
                karafDistributionConfiguration()
                        .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz").version(karafVersion))
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // offline: our artifacts from the reactor copy, the rest from the local repository
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", localRepo),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                        "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,"
                                + "file:${karaf.data}/kar@id=kar.repository@multiple@snapshots,"
                                + "file:" + repo + "@id=reactor@snapshots,"
                                + "file:" + localRepo + "@id=local@snapshots"),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.offline", "true"),
                features(featuresRepository(), bootFeatures),
                // -Dzconn.karaf.keep=true keeps target/exam/<id> (data/log/karaf.log) after the run
                when(Boolean.getBoolean("zconn.karaf.keep")).useOptions(keepRuntimeFolder()),
                systemProperty("zconn.python").value(System.getProperty("zconn.python", "/usr/bin/python3")),
                // bin/karaf's options for Java 9+
                vmOptions(
                        "--add-reads=java.xml=java.logging",
                        "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                        "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                        "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                        "--add-opens", "java.base/java.security=ALL-UNNAMED",
                        "--add-opens", "java.base/java.net=ALL-UNNAMED",
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                        "--add-opens", "java.base/java.util=ALL-UNNAMED",
                        "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                        "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                        "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                        "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED"));
    }
}
