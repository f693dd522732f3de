package io.zconn.ra.outbound;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-send work of the outbound path (issue #11): what it no longer does, and that its behaviour holds. */
class SendPathTest extends RunningAdapterTest {

    @Test
    void theEngineMessageWrapsTheMessagesOwnFramesWithoutCopying() {
        ZmqMessage m = ZmqMessage.of("a", "bc");
        Message first = ZmqManagedConnection.toEngine(m, false);
        Message second = ZmqManagedConnection.toEngine(m, false);
        assertThat(first.size()).isEqualTo(2);
        assertThat(first.get(1).text()).isEqualTo("bc");
        // the same arrays each time: the message's own, not copies
        assertThat(first.get(0).array()).isSameAs(second.get(0).array());
        assertThat(first.get(1).array()).isSameAs(second.get(1).array());
    }

    @Test
    void aMessageSentStaysWhatItWasWhenTheApplicationChangesItsArrays() throws Exception {
        byte[] payload = "before".getBytes(StandardCharsets.UTF_8);
        ZmqMessage m = ZmqMessage.of(payload);
        try (Socket pull = peers.socket(SocketType.PULL)) {
            pull.bind("tcp://127.0.0.1:*");
            ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
            f.setResourceAdapter(ra);
            f.setSocketType("PUSH");
            f.setEndpoints(pull.getOption(ZmqOption.LAST_ENDPOINT));
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                c.send(m);
                byte[] changed = "AFTER!".getBytes(StandardCharsets.UTF_8);
                System.arraycopy(changed, 0, payload, 0, changed.length);
                m.frame(0)[0] = 'X';
                m.frames().get(0)[1] = 'Y';
                c.send(m);
            }
            for (int i = 0; i < 2; i++) {
                Message got = pull.recvMessage(Duration.ofSeconds(5));
                assertThat(got).isNotNull();
                assertThat(got.get(0).text()).isEqualTo("before");
            }
            assertThat(m.text()).isEqualTo("before");
        }
    }

    @Test
    void theSendTimeoutFollowsThePropertyAndNegativeMeansNone() {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        assertThat(f.sendTimeoutDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(f.sendTimeoutDuration()).isSameAs(f.sendTimeoutDuration());
        f.setSendTimeout(250);
        assertThat(f.sendTimeoutDuration()).isEqualTo(Duration.ofMillis(250));
        f.setSendTimeout(-1);
        assertThat(f.sendTimeoutDuration().isNegative()).isTrue();
        f.setSendTimeout(null);
        assertThat(f.sendTimeoutDuration().isNegative()).isTrue();
    }
}
