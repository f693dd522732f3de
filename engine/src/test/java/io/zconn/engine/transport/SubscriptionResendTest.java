package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connecting SUB keeps one pipe across its connections: when the publisher restarts on the same
 * port, the new publisher must hear every subscription again (libzmq's hiccup), or the SUB
 * receives nothing, forever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriptionResendTest {

    /** The restarted publisher binds the same port: a {@link PortHold} keeps it ours in between. */
    @Test
    void connectingSubResendsSubscriptionsToARestartedPublisher() throws IOException {
        try (Context subCtx = new Context(); PortHold hold = new PortHold()) {
            Socket sub = subCtx.socket(SocketType.SUB);
            sub.setOption(ZmqOption.RECONNECT_IVL, 50);
            sub.subscribe("news");
            sub.subscribe("weather");
            String ep;
            try (Context pubCtx = new Context()) {
                Socket pub = pubCtx.socket(SocketType.XPUB);
                ep = hold.endpoint();
                pub.bind(ep);
                sub.connect(ep);
                assertThat(subscriptionsHeardBy(pub)).isEqualTo("news weather");
                receivesWhilePublishing(sub, pub);
            }
            AtomicReference<Context> again = new AtomicReference<>();
            try {
                Socket pub = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                    Context c = new Context();
                    try {
                        Socket s = c.socket(SocketType.XPUB);
                        s.bind(ep); // the same port: the old listener may take a moment to go
                        again.set(c);
                        return s;
                    } catch (RuntimeException e) {
                        c.close();
                        throw e;
                    }
                }, s -> s != null);
                assertThat(subscriptionsHeardBy(pub)).isEqualTo("news weather");
                receivesWhilePublishing(sub, pub);
            } finally {
                if (again.get() != null) {
                    again.get().close();
                }
            }
        }
    }

    /** Reads the two subscription messages a new subscriber sends (sorted: the trie's order is its own). */
    private static String subscriptionsHeardBy(Socket xpub) {
        String[] topics = new String[2];
        for (int i = 0; i < topics.length; i++) {
            Frame f = xpub.recvFrame(Duration.ofSeconds(10));
            assertThat(f).as("subscription %d", i).isNotNull();
            byte[] d = f.data();
            assertThat(d[0]).isEqualTo((byte) 1);
            topics[i] = new String(d, 1, d.length - 1, StandardCharsets.UTF_8);
        }
        java.util.Arrays.sort(topics);
        return String.join(" ", topics);
    }

    private static void receivesWhilePublishing(Socket sub, Socket pub) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pub.send("news flash");
            Frame f = sub.recvFrame(Duration.ofMillis(50));
            return f != null && "news flash".equals(new String(f.data(), StandardCharsets.UTF_8));
        });
    }
}
