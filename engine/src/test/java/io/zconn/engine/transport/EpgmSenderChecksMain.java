package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.time.Duration;

/**
 * Checks of a zconn epgm PUB against a zconn SUB of the same JVM, run in {@link EpgmInteropTest}'s
 * network namespace: the SUB joins first (so it hears everything), the PUB sends {@link #MESSAGES}
 * messages of 1000 bytes at RATE 1000 kbit/s and is closed at once; the SUB counts what arrives.
 * Prints, for LINGER {@code args[1]}: {@code linger=L received=N elapsedMs=T}, T from the first
 * message to the last.
 */
public final class EpgmSenderChecksMain {
    /** Messages sent. */
    static final int MESSAGES = 150;

    private EpgmSenderChecksMain() {
    }

    /** @param args the endpoint, then the LINGER values to try in turn */
    public static void main(String[] args) {
        for (int i = 1; i < args.length; i++) {
            int linger = Integer.parseInt(args[i]);
            try (Context ctx = new Context(); Socket sub = ctx.socket(SocketType.SUB)) {
                sub.setOption(ZmqOption.RCVHWM, 0);
                sub.setOption(ZmqOption.RCVBUF, 4 << 20);
                sub.subscribe(new byte[0]);
                sub.connect(args[0]);
                Socket pub = ctx.socket(SocketType.PUB);
                pub.setOption(ZmqOption.SNDHWM, 0);
                pub.setOption(ZmqOption.RATE, 1000);
                pub.connect(args[0]);
                for (int m = 0; m < MESSAGES; m++) {
                    pub.send(new byte[1000]);
                }
                pub.setOption(ZmqOption.LINGER, linger); // read when it closes, as libzmq
                pub.close();
                int received = 0;
                long first = 0;
                long last = 0;
                Message msg;
                while (received < MESSAGES && (msg = sub.recvMessage(Duration.ofSeconds(3))) != null) {
                    last = System.nanoTime();
                    if (received++ == 0) {
                        first = last;
                    }
                    if (msg.get(0).size() != 1000) {
                        System.out.println("FAIL a message of " + msg.get(0).size() + " bytes");
                    }
                }
                System.out.println("linger=" + linger + " received=" + received + " elapsedMs="
                        + (last - first) / 1_000_000);
            }
        }
        System.exit(0);
    }
}
