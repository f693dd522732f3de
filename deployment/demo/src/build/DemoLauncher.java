import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the zconn demo: copies zconn.rar and the demo application into an unpacked WildFly, starts
 * it with standalone-full.xml, waits for both deployments, prints how to talk to it, then shows the
 * demo's log lines until Ctrl-C, which shuts WildFly down cleanly (jboss-cli :shutdown, then the
 * process tree is destroyed if it is still there). Run by {@code mvn -Pdemo ...} as a single-file
 * program: {@code java DemoLauncher.java <wildfly home> <zconn.rar> <demo.jar>}.
 */
public final class DemoLauncher {
    private DemoLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        Path deployments = home.resolve("standalone/deployments");
        for (String marker : List.of("zconn.rar", "zconn-demo.jar")) {
            for (String suffix : List.of(".deployed", ".failed", ".undeployed", ".pending", ".isdeploying")) {
                Files.deleteIfExists(deployments.resolve(marker + suffix));
            }
        }
        // The application goes in only once the adapter is deployed: WildFly resolves an MDB's
        // resource adapter when the MDB deploys, so both cannot be deployed together at boot.
        Files.deleteIfExists(deployments.resolve("zconn-demo.jar"));
        Files.copy(Path.of(args[1]), deployments.resolve("zconn.rar"), StandardCopyOption.REPLACE_EXISTING);
        Path log = home.getParent().resolve("demo-server.log");

        boolean windows = System.getProperty("os.name").startsWith("Windows");
        String script = windows ? "standalone.bat" : "standalone.sh";
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin").resolve(script).toString(),
                "-c", "standalone-full.xml", "-Djava.net.preferIPv4Stack=true")
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JBOSS_HOME", home.toString());
        pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        System.out.println("Starting WildFly from " + home + " (server output: " + log + ") ...");
        Process server = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(home, server, windows), "zconn-demo-stop"));

        Thread pump = new Thread(() -> pump(server, log), "zconn-demo-log");
        pump.setDaemon(true);
        pump.start();

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean appCopied = false;
        while (!Files.exists(deployments.resolve("zconn-demo.jar.deployed"))) {
            if (!appCopied && Files.exists(deployments.resolve("zconn.rar.deployed"))) {
                Files.copy(Path.of(args[2]), deployments.resolve("zconn-demo.jar"), StandardCopyOption.REPLACE_EXISTING);
                appCopied = true;
            }
            if (Files.exists(deployments.resolve("zconn-demo.jar.failed"))
                    || Files.exists(deployments.resolve("zconn.rar.failed"))) {
                System.out.println("Deployment FAILED; see " + log);
                System.exit(1);
            }
            if (!server.isAlive() || System.nanoTime() > deadline) {
                System.out.println("WildFly did not come up; see " + log);
                System.exit(1);
            }
            Thread.sleep(200);
        }
        String py = "/usr/bin/python3";
        System.out.println("""

                ==========================================================================
                 zconn is running in WildFly: zconn.rar + zconn-demo.jar are deployed.

                 Request/reply MDB (REP) on tcp://127.0.0.1:5555 -- ask it something:
                   %1$s -c "import zmq; s=zmq.Context().socket(zmq.REQ); s.connect('tcp://127.0.0.1:5555'); s.send_string('world'); print(s.recv_string())"

                 Logging MDB (PULL) on tcp://127.0.0.1:5556 -- push it a message:
                   %1$s -c "import zmq,time; s=zmq.Context().socket(zmq.PUSH); s.connect('tcp://127.0.0.1:5556'); s.send_string('hi from libzmq'); time.sleep(0.5)"

                 (any ZeroMQ client works: libzmq, pyzmq, JeroMQ, the zconn engine.)
                 What the MDBs log appears below. Press Ctrl-C to stop WildFly.
                ==========================================================================
                """.formatted(py));
        server.waitFor();
    }

    private static void pump(Process server, Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (line.contains("ZCONN") || line.contains("WFLYSRV0025") || line.contains(" ERROR ")) {
                    System.out.println(line);
                }
            }
        } catch (IOException e) {
            System.out.println("log pump stopped: " + e);
        }
    }

    private static void stop(Path home, Process server, boolean windows) {
        if (!server.isAlive()) {
            return;
        }
        System.out.println("Stopping WildFly ...");
        try {
            Process cli = new ProcessBuilder(home.resolve("bin").resolve(windows ? "jboss-cli.bat" : "jboss-cli.sh")
                    .toString(), "--connect", "--command=:shutdown").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            cli.waitFor(20, TimeUnit.SECONDS);
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroy);
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
        System.out.println("WildFly stopped.");
    }
}
