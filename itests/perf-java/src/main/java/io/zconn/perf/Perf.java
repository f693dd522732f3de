package io.zconn.perf;

import java.util.Arrays;

/**
 * Command line: {@code Perf <zconn|jeromq> <tool> <args...>} with the tools and arguments of
 * libzmq's perf programs:
 * <pre>
 *   local_thr  &lt;bind-endpoint&gt; &lt;message-size&gt; &lt;message-count&gt;
 *   remote_thr &lt;connect-endpoint&gt; &lt;message-size&gt; &lt;message-count&gt;
 *   local_lat  &lt;bind-endpoint&gt; &lt;message-size&gt; &lt;roundtrip-count&gt;
 *   remote_lat &lt;connect-endpoint&gt; &lt;message-size&gt; &lt;roundtrip-count&gt;
 *   inproc_thr &lt;message-size&gt; &lt;message-count&gt;
 *   inproc_lat &lt;message-size&gt; &lt;roundtrip-count&gt;
 *   scale_pub     &lt;endpoint&gt; &lt;control-endpoint&gt; &lt;message-size&gt; &lt;message-count&gt;
 *   scale_sub     &lt;endpoint&gt; &lt;control-endpoint&gt; &lt;message-size&gt; &lt;subscribers&gt; &lt;message-count&gt;
 *   scale_router  &lt;bind-endpoint&gt; &lt;message-size&gt; &lt;requests&gt;
 *   scale_dealers &lt;connect-endpoint&gt; &lt;message-size&gt; &lt;dealers&gt; &lt;reply-count&gt;
 *   scale_connect &lt;connect-endpoint&gt; &lt;connections&gt; &lt;concurrency&gt;
 * </pre>
 * (the scale tools: see {@link ScaleTools}).
 * With {@code -Dzperf.exit=true} the JVM exits in order (shutdown hooks run: use it when
 * profiling with {@code -XX:StartFlightRecording}); otherwise it halts once the run is reported.
 * Exit status: 0 done, 1 bad usage or an error, 2 a receiver timed out (ZPERF_RCVTIMEO_MS) before
 * getting every message, 3 a message of the wrong size arrived.
 */
public final class Perf {
    private static final String USAGE = String.join("\n",
            "usage: Perf <zconn|jeromq> <tool> <args...>",
            "  local_thr  <bind-endpoint> <message-size> <message-count>",
            "  remote_thr <connect-endpoint> <message-size> <message-count>",
            "  local_lat  <bind-endpoint> <message-size> <roundtrip-count>",
            "  remote_lat <connect-endpoint> <message-size> <roundtrip-count>",
            "  inproc_thr <message-size> <message-count>",
            "  inproc_lat <message-size> <roundtrip-count>",
            "  scale_pub     <endpoint> <control-endpoint> <message-size> <message-count>",
            "  scale_sub     <endpoint> <control-endpoint> <message-size> <subscribers> <message-count>",
            "  scale_router  <bind-endpoint> <message-size> <requests>",
            "  scale_dealers <connect-endpoint> <message-size> <dealers> <reply-count>",
            "  scale_connect <connect-endpoint> <connections> <concurrency>",
            "environment: ZPERF_HWM (default 1000), ZPERF_RCVTIMEO_MS (default -1),",
            "  ZPERF_WARMUP (untimed messages or round trips before the measured ones, default 0),",
            "  ZPERF_SETUP_TIMEOUT_MS (scale tools: connecting, default 120000),",
            "  ZPERF_ZCONN_CONFINED (zconn: 1, the default, confines each socket to its thread",
            "  (THREAD_CONFINED, no lock per call); 0 runs zconn's default shared sockets),",
            "  ZPERF_BATCH (throughput senders: messages per burst, zconn's Socket.sendBatch; default 1),",
            "  ZPERF_DIRECT (zconn, messages >= 8 KiB: 1 direct send + recv(ByteBuffer) [default],",
            "  frame = direct send + lent frames released, 0 = the byte[] paths)");

    private Perf() {
    }

    /**
     * @param args implementation, tool, tool arguments
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Tools.Failure f) {
            System.err.println(f.getMessage());
            status = f.status();
        } catch (RuntimeException e) {
            System.err.println("error: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.out.flush();
        if (Boolean.getBoolean("zperf.exit")) {
            // an orderly exit, so shutdown hooks run (e.g. -XX:StartFlightRecording writes its file)
            System.exit(status);
        }
        // halt rather than exit: a library's non-daemon threads must not keep a finished run alive
        Runtime.getRuntime().halt(status);
    }

    /**
     * @param args implementation, tool, tool arguments
     * @return the exit status
     */
    static int run(String[] args) {
        if (args.length < 2) {
            System.err.println(USAGE);
            return 1;
        }
        PerfApi api;
        switch (args[0]) {
            case "zconn" -> api = new ZconnApi();
            case "jeromq" -> api = new JeromqApi();
            default -> {
                System.err.println("unknown implementation '" + args[0] + "'\n" + USAGE);
                return 1;
            }
        }
        String tool = args[1];
        String[] a = Arrays.copyOfRange(args, 2, args.length);
        if (tool.startsWith("scale_")) {
            return scale(new ScaleTools(api, System.out), tool, a);
        }
        Tools tools = new Tools(api, System.out);
        boolean inproc = tool.startsWith("inproc_");
        if (a.length != (inproc ? 2 : 3)) {
            System.err.println("wrong number of arguments for " + tool + "\n" + USAGE);
            return 1;
        }
        switch (tool) {
            case "local_thr" -> tools.localThr(a[0], intArg(a[1], "message size"), longArg(a[2], "message count"));
            case "remote_thr" -> tools.remoteThr(a[0], intArg(a[1], "message size"), longArg(a[2], "message count"));
            case "local_lat" -> tools.localLat(a[0], intArg(a[1], "message size"), longArg(a[2], "roundtrip count"));
            case "remote_lat" -> tools.remoteLat(a[0], intArg(a[1], "message size"), longArg(a[2], "roundtrip count"));
            case "inproc_thr" -> tools.inprocThr(intArg(a[0], "message size"), longArg(a[1], "message count"));
            case "inproc_lat" -> tools.inprocLat(intArg(a[0], "message size"), longArg(a[1], "roundtrip count"));
            default -> {
                System.err.println("unknown tool '" + tool + "'\n" + USAGE);
                return 1;
            }
        }
        return 0;
    }

    private static int scale(ScaleTools tools, String tool, String[] a) {
        int want = switch (tool) {
            case "scale_sub" -> 5;
            case "scale_pub", "scale_dealers" -> 4;
            case "scale_router", "scale_connect" -> 3;
            default -> -1;
        };
        if (want < 0) {
            System.err.println("unknown tool '" + tool + "'\n" + USAGE);
            return 1;
        }
        if (a.length != want) {
            System.err.println("wrong number of arguments for " + tool + "\n" + USAGE);
            return 1;
        }
        switch (tool) {
            case "scale_pub" -> tools.pub(a[0], a[1], intArg(a[2], "message size"), longArg(a[3], "message count"));
            case "scale_sub" -> tools.sub(a[0], a[1], intArg(a[2], "message size"), intArg(a[3], "subscribers"),
                    longArg(a[4], "message count"));
            case "scale_router" -> tools.router(a[0], intArg(a[1], "message size"), longArg(a[2], "requests"));
            case "scale_dealers" -> tools.dealers(a[0], intArg(a[1], "message size"), intArg(a[2], "dealers"),
                    longArg(a[3], "reply count"));
            default -> tools.connect(a[0], longArg(a[1], "connections"), intArg(a[2], "concurrency"));
        }
        return 0;
    }

    private static int intArg(String text, String what) {
        long v = longArg(text, what);
        if (v > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(what + " too large: " + text);
        }
        return (int) v;
    }

    private static long longArg(String text, String what) {
        try {
            long v = Long.parseLong(text);
            if (v < 0 || (v == 0 && !what.equals("message size"))) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + what + " '" + text + "'");
        }
    }
}
