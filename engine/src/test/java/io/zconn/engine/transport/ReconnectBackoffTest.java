package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RECONNECT_IVL / RECONNECT_IVL_MAX: a peer that accepts each connection and hangs up at once
 * (before any greeting) makes the connecter retry; the gaps between its attempts double from
 * RECONNECT_IVL and stop growing at RECONNECT_IVL_MAX.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReconnectBackoffTest {
    private static final int IVL_MS = 25;
    private static final int IVL_MAX_MS = 100;

    @Test
    void reconnectIntervalDoublesFromReconnectIvlUpToReconnectIvlMax() throws Exception {
        long[] expected = {25, 50, 100, 100, 100, 100, 100, 100};
        long[] acceptedAt = new long[expected.length + 1];
        try (Context ctx = new Context();
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Socket push = ctx.socket(SocketType.PUSH);
            push.setOption(ZmqOption.RECONNECT_IVL, IVL_MS);
            push.setOption(ZmqOption.RECONNECT_IVL_MAX, IVL_MAX_MS);
            push.connect("tcp://127.0.0.1:" + server.getLocalPort());
            for (int i = 0; i < acceptedAt.length; i++) {
                java.net.Socket c = server.accept();
                acceptedAt[i] = System.nanoTime();
                c.close();
            }
        }
        for (int i = 0; i < expected.length; i++) {
            long gapMs = TimeUnit.NANOSECONDS.toMillis(acceptedAt[i + 1] - acceptedAt[i]);
            // a timer never fires early, so the lower bound is strict (less 1 ms of clock rounding);
            // without the doubling the 2nd and 3rd gaps would be 25 ms
            assertThat(gapMs).as("gap %d", i).isGreaterThanOrEqualTo(expected[i] - 1);
            if (i >= 6) {
                // without the cap these would be 1600 and 3200 ms: a bound of 1000 ms tells them
                // apart from 100 ms with room for a loaded 2-core machine (379 ms seen at load 23)
                assertThat(gapMs).as("gap %d (capped at RECONNECT_IVL_MAX)", i).isLessThan(1000);
            }
        }
    }
}
