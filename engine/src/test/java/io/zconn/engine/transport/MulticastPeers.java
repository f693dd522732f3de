package io.zconn.engine.transport;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link EpgmInteropTest} and {@link PgmInteropTest} share: the libzmq peers (python scripts
 * for Debian's python3-zmq) and the run of one of them with a zconn JVM in a network namespace of
 * their own ({@code unshare -n}, root), its loopback up with multicast and a route for 239.0.0.0/8.
 */
final class MulticastPeers {
    /**
     * libzmq PUB: sends numbered messages without end (until the namespace's processes are killed),
     * sizes cycling over one byte to several PGM packets, three frames ({@code t}, {@code i:size},
     * body) or one ({@code ti:size|body}); byte j of message i's body is (i + j) mod 256. No HWM on
     * the PUB and a high RATE, so libzmq itself drops nothing. It pauses {@code PUB_SLEEP} seconds
     * (environment, default 0.003) after each message.
     */
    static final String PUB = String.join("\n",
            "import os, sys, time, zmq",
            "ctx = zmq.Context()",
            "p = ctx.socket(zmq.PUB)",
            "p.setsockopt(zmq.SNDHWM, 0)",
            "p.setsockopt(zmq.RATE, 100000)",
            "p.connect(sys.argv[1])",
            "sizes = [0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000]",
            "i = 0",
            "pause = float(os.environ.get('PUB_SLEEP', '0.003'))",
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
            "    if pause: time.sleep(pause)");

    /**
     * libzmq SUB: takes {@code argv[2]} messages of {@link EpgmPubMain} and checks them as
     * {@link EpgmSubMain} does (whole, intact, consecutive); prints {@code OK first=N ...}. Its RATE
     * is the PUB's: libzmq sizes OpenPGM's receive window from it too (RATE / 8 x RECOVERY_IVL), and
     * with the default 100 kbit/s it holds 80 packets, fewer than arrive while a repair is on its way
     * (OpenPGM then reports the loss and libzmq drops or, mid-message, mangles messages).
     */
    static final String SUB = String.join("\n",
            "import sys, zmq",
            "ctx = zmq.Context()",
            "s = ctx.socket(zmq.SUB)",
            "s.setsockopt(zmq.RCVTIMEO, 20000)",
            "s.setsockopt(zmq.RCVBUF, 4 << 20)",
            "s.setsockopt(zmq.RATE, 100000)",
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

    /** The commands that make the namespace's loopback carry multicast; exit 3 when they fail. */
    static final String LOOPBACK_MULTICAST =
            "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo || exit 3\n";

    private MulticastPeers() {
    }

    /**
     * What a run printed and how it ended.
     *
     * @param text     the output of both processes
     * @param exitCode the foreground process's exit code
     */
    record Result(String text, int exitCode) {
        /** @return the text, after checking that the foreground peer took its messages and exited 0 */
        String passed() {
            assertThat(text).as("exit %d", exitCode).contains("OK first=");
            assertThat(exitCode).as(text).isZero();
            return text;
        }
    }

    /**
     * Runs the libzmq peer {@code script} and {@code zconnMain} (a JVM on this test's class path)
     * in a network namespace of their own: one in the background while the other runs, then killed.
     * Fails under {@code CI=true} (aborts elsewhere) when there is no peer or no namespace.
     *
     * @param endpoint           both peers' endpoint, their first argument
     * @param libzmqInBackground whether the libzmq peer runs in the background (else the JVM does)
     * @param script             the libzmq peer ({@link #PUB}, {@link #SUB})
     * @param pyArgs             the script's arguments after the endpoint (space-separated words)
     * @param env                environment for both
     * @param zconnMain          the JVM's main class
     * @param mainArgs           its arguments after the endpoint
     * @return what both printed and how the foreground process ended
     */
    static Result run(String endpoint, boolean libzmqInBackground, String script, String pyArgs,
            Map<String, String> env, String zconnMain, String... mainArgs) throws Exception {
        PythonPeer.require();
        Namespaces.require();
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Path out = Files.createTempFile("zconn-pgm", ".out");
        Path cp = Files.createTempFile("zconn-pgm", ".cp");
        // the class path in an @argfile: quoting-safe and of any length
        Files.writeString(cp, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"");
        String py = "\"$python\" -u -c \"$script\" \"$ep\" $pyargs";
        String jvm = "\"$java\" @\"$cp\" \"$main\" \"$ep\" \"$@\"";
        String inside = LOOPBACK_MULTICAST
                + "python=$1; script=$2; ep=$3; java=$4; cp=$5; main=$6; pyargs=$7; shift 7\n"
                + (libzmqInBackground ? py : jvm) + " & bg=$!\n"
                + (libzmqInBackground ? jvm : py) + "; rc=$?\n"
                + "kill $bg; wait $bg; exit $rc\n";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "bash", "-c", inside, "pgm-test",
                PythonPeer.PYTHON, script, endpoint, java, cp.toString(), zconnMain, pyArgs));
        cmd.addAll(List.of(mainArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(out.toFile())
                .start();
        try {
            boolean ended = p.waitFor(140, TimeUnit.SECONDS);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            System.out.println(text);
            assertThat(ended).as("still running; printed: %s", text).isTrue();
            return new Result(text, p.exitValue());
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Files.deleteIfExists(cp);
        }
    }
}
