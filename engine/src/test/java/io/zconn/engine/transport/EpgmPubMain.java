package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.transport.pgm.EpgmTestHooks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The zconn side of {@link EpgmInteropTest}'s zconn-to-libzmq runs, in the test's network namespace:
 * a PUB connects {@code args[0]} and sends numbered messages for at most two minutes (the test kills
 * it sooner), as {@link EpgmInteropTest}'s libzmq PUB does: sizes cycling from nothing to several
 * packets, three frames ({@code t}, {@code i:size}, body) or one ({@code ti:size|body}), byte j of
 * message i's body (i + j) mod 256. Further arguments: {@code pace=MICROS} between messages
 * (default 3000), {@code suppress=N} (the first transmission of every N-th ODATA from the 200th on is skipped, see
 * {@link EpgmTestHooks#suppressFirstTransmission}; prints {@code suppressed=K} every 500 messages),
 * {@code norepair} (NAKs are ignored), {@code xpub} (an XPUB instead, which must never receive a
 * subscription: it prints {@code FAIL} if it does).
 */
public final class EpgmPubMain {
    private EpgmPubMain() {
    }

    /** @param args the endpoint, then options */
    public static void main(String[] args) {
        long pace = 3_000_000L;
        AtomicLong suppressed = null;
        boolean xpub = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("pace=")) {
                pace = Long.parseLong(args[i].substring(5)) * 1000L;
            } else if (args[i].startsWith("suppress=")) {
                suppressed = EpgmTestHooks.suppressFirstTransmission(200, Integer.parseInt(args[i].substring(9)), 3);
            } else if (args[i].equals("norepair")) {
                EpgmTestHooks.ignoreNaks();
            } else if (args[i].equals("xpub")) {
                xpub = true;
            }
        }
        int[] sizes = {0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000};
        try (Context ctx = new Context(); Socket pub = ctx.socket(xpub ? SocketType.XPUB : SocketType.PUB)) {
            pub.setOption(ZmqOption.SNDHWM, 0);
            pub.setOption(ZmqOption.RATE, 100_000);
            pub.connect(args[0]);
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            for (int i = 0; System.nanoTime() < end; i++) {
                int size = sizes[i % sizes.length];
                byte[] body = new byte[size];
                for (int j = 0; j < size; j++) {
                    body[j] = (byte) (i + j);
                }
                byte[] head = (i + ":" + size).getBytes(StandardCharsets.US_ASCII);
                if (i % 4 == 0) {
                    byte[] all = new byte[1 + head.length + 1 + size];
                    all[0] = 't';
                    System.arraycopy(head, 0, all, 1, head.length);
                    all[1 + head.length] = '|';
                    System.arraycopy(body, 0, all, 2 + head.length, size);
                    pub.send(all);
                } else {
                    pub.sendMore("t");
                    pub.sendMore(head);
                    pub.send(body);
                }
                if (xpub && pub.tryRecvMessage() != null) {
                    System.out.println("FAIL the XPUB received a message (PGM carries no subscriptions)");
                }
                if (suppressed != null && i % 500 == 0) {
                    System.out.println("suppressed=" + suppressed.get());
                }
                if (pace > 0) {
                    LockSupport.parkNanos(pace); // pacing, as the libzmq PUB of the test
                }
            }
        }
    }
}
