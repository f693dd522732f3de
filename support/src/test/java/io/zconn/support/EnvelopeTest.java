package io.zconn.support;

import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.SocketType;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTest {
    private static String texts(Iterable<Frame> frames) {
        StringBuilder b = new StringBuilder();
        for (Frame f : frames) {
            b.append('[').append(f.text()).append(']');
        }
        return b.toString();
    }

    @Test
    void multiHopEnvelopeIsEverythingUpToTheFirstDelimiter() {
        Message m = Message.of("id2", "id1", "", "body", "", "tail");
        for (SocketType role : new SocketType[] {SocketType.REP, SocketType.ROUTER}) {
            Envelope e = Envelope.split(role, m);
            assertThat(texts(e.frames())).isEqualTo("[id2][id1][]");
            assertThat(texts(e.body())).isEqualTo("[body][][tail]");
            assertThat(e.join(Message.of("re"))).isEqualTo(Message.of("id2", "id1", "", "re"));
        }
        assertThat(m.size()).as("the request is not modified").isEqualTo(6);
    }

    @Test
    void repRequestWithoutDelimiterIsMalformed() {
        assertThat(Envelope.split(SocketType.REP, Message.of("id", "body"))).isNull();
        assertThat(Envelope.size(SocketType.REP, Message.of("id", "body"))).isEqualTo(-1);
    }

    @Test
    void routerRequestWithoutDelimiterHasTheRoutingIdAlone() {
        Envelope e = Envelope.split(SocketType.ROUTER, Message.of("id", "a", "b"));
        assertThat(texts(e.frames())).isEqualTo("[id]");
        assertThat(texts(e.body())).isEqualTo("[a][b]");
        assertThat(e.join(Message.of("r"))).isEqualTo(Message.of("id", "r"));
    }

    @Test
    void dealerStripsOnlyALeadingDelimiterFollowedByABody() {
        assertThat(texts(Envelope.split(SocketType.DEALER, Message.of("", "x")).frames())).isEqualTo("[]");
        assertThat(Envelope.split(SocketType.DEALER, Message.of("")).frames()).isEmpty();
        assertThat(Envelope.split(SocketType.DEALER, Message.of("x", "", "y")).frames()).isEmpty();
    }

    @Test
    void otherTypesHaveNoEnvelope() {
        Envelope e = Envelope.split(SocketType.PULL, Message.of("", "x"));
        assertThat(e.frames()).isEmpty();
        assertThat(e.body()).isEqualTo(Message.of("", "x"));
    }
}
