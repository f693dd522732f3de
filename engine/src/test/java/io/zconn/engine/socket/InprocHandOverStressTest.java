package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A sender and a receiver that both block, over and over, at the HWM and on an empty pipe: every
 * wake-up must arrive. A lost one leaves both threads parked (the receiver's pipe inactive with
 * messages queued, the sender waiting for room), which this test sees as a receive timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InprocHandOverStressTest {
    private static final int ROUNDS = 4;
    private static final int MESSAGES = 500_000;

    @Test
    void blockingSenderAndReceiverNeverMissAWakeUp() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            try (Context ctx = new Context()) {
                Socket pull = ctx.socket(SocketType.PULL);
                pull.setOption(ZmqOption.RCVHWM, 1000);
                pull.setOption(ZmqOption.RCVTIMEO, 10_000);
                pull.bind("inproc://stress");
                CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                    Socket push = ctx.socket(SocketType.PUSH);
                    push.setOption(ZmqOption.SNDHWM, 1000);
                    push.connect("inproc://stress");
                    for (int i = 0; i < MESSAGES; i++) {
                        push.send(new byte[1024]); // fresh 1 KiB buffers: GC pauses shuffle the timing
                    }
                });
                for (int i = 0; i < MESSAGES; i++) {
                    try {
                        pull.recvFrame();
                    } catch (ZmqException e) {
                        fail("round " + round + ": message " + i + " of " + MESSAGES
                                + " never came (a lost wake-up leaves it queued)", e);
                    }
                }
                sender.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
