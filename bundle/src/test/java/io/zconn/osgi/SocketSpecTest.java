package io.zconn.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SocketSpecTest {

    @Test
    void readsAConfiguration() {
        SocketSpec s = SocketSpec.fromProperties(Map.of(
                "zconn.name", "orders",
                "zconn.type", "push",
                "zconn.bind", new String[] {"tcp://*:5555", "inproc://orders"},
                "zconn.connect", "tcp://a:1, tcp://b:2",
                "sndhwm", 10,
                "reconnect.ivl", "250",
                "routing.id", "me",
                "zconn.options", List.of("TCP_KEEPALIVE=1", "immediate = true"),
                "service.pid", "io.zconn.socket~orders"));
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.type()).isEqualTo(SocketType.PUSH);
        assertThat(s.bind()).containsExactly("tcp://*:5555", "inproc://orders");
        assertThat(s.connect()).containsExactly("tcp://a:1", "tcp://b:2");
        assertThat(s.options()).containsEntry(ZmqOption.SNDHWM, 10)
                .containsEntry(ZmqOption.RECONNECT_IVL, 250)
                .containsEntry(ZmqOption.TCP_KEEPALIVE, 1)
                .containsEntry(ZmqOption.IMMEDIATE, true)
                .containsKey(ZmqOption.ROUTING_ID);
    }

    @Test
    void subscriptionsMayBeEmpty() {
        SocketSpec s = SocketSpec.fromProperties(Map.of("zconn.name", "ticks", "zconn.type", "SUB",
                "zconn.subscribe", new String[] {"", "a"}));
        assertThat(s.subscribe()).containsExactly("", "a");
    }

    @Test
    void namesWhatIsWrong() {
        assertThatThrownBy(() -> SocketSpec.fromProperties(Map.of("zconn.type", "PUSH")))
                .hasMessageContaining("missing zconn.name");
        assertThatThrownBy(() -> SocketSpec.fromProperties(Map.of("zconn.name", "x", "zconn.type", "PUSHY")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown zconn.type 'PUSHY'").hasMessageContaining("PULL");
        assertThatThrownBy(() -> SocketSpec.fromProperties(Map.of("zconn.name", "x", "zconn.type", "PUSH",
                "sndhwm", "lots")))
                .hasMessageContaining("socket 'x'").hasMessageContaining("SNDHWM");
        assertThatThrownBy(() -> SocketSpec.fromProperties(Map.of("zconn.name", "x", "zconn.type", "PUSH",
                "zconn.options", "NOSUCH=1")))
                .hasMessageContaining("NOSUCH");
        assertThatThrownBy(() -> SocketSpec.fromProperties(Map.of("zconn.name", "x", "zconn.type", "PUSH",
                "linger", "-5")))
                .hasMessageContaining("LINGER");
        assertThatThrownBy(() -> SocketSpec.builder("a(b)", SocketType.PUSH))
                .hasMessageContaining("bad socket name");
        assertThatThrownBy(() -> SocketSpec.builder("a", SocketType.SUB).option(ZmqOption.SUBSCRIBE, new byte[0]))
                .isInstanceOf(ZmqException.class).hasMessageContaining("use subscribe");
    }

    @Test
    void equalityIgnoresNothingThatMatters() {
        SocketSpec a = SocketSpec.builder("a", SocketType.PUB).bind("tcp://*:1").option(ZmqOption.SNDHWM, 5).build();
        SocketSpec b = SocketSpec.builder("a", SocketType.PUB).bind("tcp://*:1").option(ZmqOption.SNDHWM, 5).build();
        SocketSpec c = SocketSpec.builder("a", SocketType.PUB).bind("tcp://*:1").option(ZmqOption.SNDHWM, 6).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    }
}
