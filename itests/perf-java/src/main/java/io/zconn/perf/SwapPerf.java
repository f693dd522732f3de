package io.zconn.perf;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * SWAP throughput: a PUSH (SNDHWM 1000, SWAP on) sends COUNT messages of SIZE bytes over tcp to a
 * PULL that does not read (so all but what the HWM and the kernel hold goes to disk): the send
 * rate while spilling; then the PULL reads them all: the drain rate from disk. Usage:
 * {@code SwapPerf [count] [size] [dir]}.
 */
public final class SwapPerf {
    private SwapPerf() {
    }

    /**
     * @param args count, size, swap directory
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("swapperf");
        try (Context ctx = new Context()) {
            Socket push = ctx.socket(SocketType.PUSH);
            push.setOption(ZmqOption.SNDHWM, 1000);
            push.setOption(ZmqOption.SWAP, 4L << 30);
            push.setOption(ZmqOption.SWAP_DIR, dir);
            push.bind("tcp://127.0.0.1:*");
            Socket pull = ctx.socket(SocketType.PULL);
            pull.setOption(ZmqOption.RCVHWM, 1000);
            pull.connect(push.getOption(ZmqOption.LAST_ENDPOINT));
            push.awaitPeers(1, Duration.ofSeconds(10));
            byte[] payload = new byte[size];
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (!push.trySend(Message.of(payload))) {
                    throw new IllegalStateException("send " + i + " refused");
                }
            }
            long t1 = System.nanoTime();
            long queued = push.metrics().peers().get(0).queuedOut();
            for (int i = 0; i < count; i++) {
                if (pull.recvMessage(Duration.ofSeconds(30)) == null) {
                    throw new IllegalStateException("message " + i + " missing");
                }
            }
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "SWAP %d x %d B: send while spilling %.0f msg/s (%.1f MB/s), %d queued after"
                    + " sending; drain from disk %.0f msg/s (%.1f MB/s)%n", count, size,
                    count / ((t1 - t0) / 1e9), (double) count * size / ((t1 - t0) / 1e3), queued,
                    count / ((t2 - t1) / 1e9), (double) count * size / ((t2 - t1) / 1e3));
        }
    }
}
