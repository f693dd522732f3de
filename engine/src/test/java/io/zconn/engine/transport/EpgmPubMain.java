package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The zconn side of {@link EpgmInteropTest}'s zconn-to-libzmq run, in the test's network namespace:
 * a PUB connects {@code args[0]} and sends numbered messages for at most two minutes (the test kills
 * it sooner), as {@link EpgmInteropTest}'s libzmq PUB does: sizes cycling from nothing to several
 * packets, three frames ({@code t}, {@code i:size}, body) or one ({@code ti:size|body}), byte j of
 * message i's body (i + j) mod 256.
 */
public final class EpgmPubMain {
    private EpgmPubMain() {
    }

    /** @param args the endpoint */
    public static void main(String[] args) {
        int[] sizes = {0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000};
        try (Context ctx = new Context(); Socket pub = ctx.socket(SocketType.PUB)) {
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
                LockSupport.parkNanos(3_000_000L); // pacing, as the libzmq PUB of the test
            }
        }
    }
}
