package io.zconn.engine.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgm:// (PGM directly in IP, protocol 113, raw sockets) against libzmq (OpenPGM through Debian's
 * python3-zmq), as {@link EpgmInteropTest} does for epgm://: each case runs in a network namespace
 * of its own ({@code unshare -n}, root: which raw sockets need too), its loopback up with multicast
 * and a route for 239.0.0.0/8, the libzmq peer and a zconn JVM ({@link EpgmPubMain} or
 * {@link EpgmSubMain}, on this test's class path, JNA included) inside. Messages of one byte to 14
 * packets, single and multipart. Under {@code CI=true} a missing peer, unshare or root fails.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PgmInteropTest {
    private static final String ENDPOINT = "pgm://127.0.0.1;239.192.1.1:5555";

    /** libzmq PUB, as {@link EpgmInteropTest}'s. */
    private static final String PUB = String.join("\n",
            "import sys, time, zmq",
            "ctx = zmq.Context()",
            "p = ctx.socket(zmq.PUB)",
            "p.setsockopt(zmq.SNDHWM, 0)",
            "p.setsockopt(zmq.RATE, 100000)",
            "p.connect(sys.argv[1])",
            "sizes = [0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000]",
            "i = 0",
            "t0 = time.time()",
            "while time.time() - t0 < 120:",
            "    size = sizes[i % len(sizes)]",
            "    body = bytes((i + j) & 0xff for j in range(size))",
            "    head = b'%d:%d' % (i, size)",
            "    if i % 4 == 0:",
            "        p.send(b't' + head + b'|' + body)",
            "    else:",
            "        p.send_multipart([b't', head, body])",
            "    i += 1",
            "    time.sleep(0.003)");

    /** libzmq SUB, as {@link EpgmInteropTest}'s: checks {@code argv[2]} messages, prints {@code OK first=N}. */
    private static final String SUB = String.join("\n",
            "import sys, zmq",
            "ctx = zmq.Context()",
            "s = ctx.socket(zmq.SUB)",
            "s.setsockopt(zmq.RCVTIMEO, 20000)",
            "s.setsockopt(zmq.RCVBUF, 4 << 20)",
            "s.setsockopt(zmq.SUBSCRIBE, b't')",
            "s.connect(sys.argv[1])",
            "first = prev = None",
            "sizes = set()",
            "for n in range(int(sys.argv[2])):",
            "    try:",
            "        m = s.recv_multipart()",
            "    except zmq.Again:",
            "        print('FAIL timed out after %d messages' % n); sys.exit(1)",
            "    if len(m) == 3:",
            "        head, body = m[1], m[2]",
            "    else:",
            "        head, body = m[0][1:].split(b'|', 1)",
            "    i, size = (int(x) for x in head.split(b':'))",
            "    if len(body) != size or body != bytes((i + j) & 0xff for j in range(size)):",
            "        print('FAIL message %d damaged' % i); sys.exit(1)",
            "    if prev is not None and i != prev + 1:",
            "        print('FAIL message %d after %d' % (i, prev)); sys.exit(1)",
            "    if first is None: first = i",
            "    prev = i",
            "    sizes.add(size)",
            "print('OK first=%d last=%d sizes=%s' % (first, prev, sorted(sizes)))");

    /**
     * Runs {@code script} (libzmq, python) and {@code zconnMain} (a JVM) in a namespace of their own:
     * the libzmq peer in the background while the JVM runs, or the other way round.
     */
    private static String runInNamespace(boolean libzmqInBackground, String script, String zconnMain,
            String... args) throws Exception {
        PythonPeer.require();
        Namespaces.require();
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        Path out = Files.createTempFile("zconn-pgm", ".out");
        Path cp = Files.createTempFile("zconn-pgm", ".cp");
        Files.writeString(cp, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"");
        String py = "\"$1\" -u -c \"$2\" \"$3\" $6";
        String jvm = "\"$4\" @\"$5\" " + zconnMain + " \"$3\" $6";
        String inside = "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo || exit 3\n"
                + (libzmqInBackground ? py : jvm) + " & bg=$!\n"
                + (libzmqInBackground ? jvm : py) + "; rc=$?\n"
                + "kill $bg; wait $bg; exit $rc\n";
        Process p = new ProcessBuilder(List.of("unshare", "-n", "bash", "-c", inside, "pgm-test", PythonPeer.PYTHON,
                script, ENDPOINT, java, cp.toString(), String.join(" ", args)))
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            boolean ended = p.waitFor(140, TimeUnit.SECONDS);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            System.out.println(text);
            assertThat(ended).as("still running; printed: %s", text).isTrue();
            assertThat(text).as("exit %d", p.exitValue()).contains("OK first=");
            assertThat(p.exitValue()).as(text).isZero();
            return text;
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(cp);
        }
    }

    @Test
    void libzmqPubToZconnSubOverRawIpDeliversEveryMessage() throws Exception {
        String text = runInNamespace(true, PUB, EpgmSubMain.class.getName(), "2000");
        assertThat(text).containsPattern("sizes=\\[0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000\\]");
    }

    @Test
    void zconnPubToLibzmqSubOverRawIpDeliversEveryMessage() throws Exception {
        String text = runInNamespace(false, SUB, EpgmPubMain.class.getName(), "1500");
        assertThat(text).containsPattern("sizes=\\[0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000\\]");
    }
}
