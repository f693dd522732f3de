package io.zconn.support;

import io.zconn.engine.ZmqOption;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class OptionParserTest {
    @Test
    void libzmqNamesAreAcceptedInAnyCase() {
        assertThat(OptionParser.option("p", "sndhwm")).isSameAs(ZmqOption.SNDHWM);
        assertThat(OptionParser.option("p", "ZMQ_Linger")).isSameAs(ZmqOption.LINGER);
        assertThat(OptionParser.option("p", " reconnect.ivl ")).isSameAs(ZmqOption.RECONNECT_IVL);
    }

    @Test
    void entriesAreParsedToTypedValuesInOrder() {
        Map<ZmqOption<?>, Object> m = OptionParser.parse("options",
                "TCP_KEEPALIVE=1, immediate=true,zmq_maxmsgsize=2048");
        assertThat(m).containsExactly(entry(ZmqOption.TCP_KEEPALIVE, 1), entry(ZmqOption.IMMEDIATE, true),
                entry(ZmqOption.MAXMSGSIZE, 2048L));
        assertThat(OptionParser.parse("zconn.options", new String[] {"LINGER=5", "linger=7"}))
                .containsExactly(entry(ZmqOption.LINGER, 7));
        assertThat(OptionParser.parse("options", " ")).isEmpty();
    }

    @Test
    void errorsNameThePropertyAndTheOption() {
        assertThatThrownBy(() -> OptionParser.parse("options", "NO_SUCH=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options")
                .hasMessageContaining("NO_SUCH");
        assertThatThrownBy(() -> OptionParser.parse("options", "SNDHWM=lots"))
                .hasMessageContaining("options").hasMessageContaining("SNDHWM").hasMessageContaining("lots");
        assertThatThrownBy(() -> OptionParser.parse("options", "IMMEDIATE"))
                .hasMessageContaining("options").hasMessageContaining("NAME=value");
        assertThatThrownBy(() -> OptionParser.parse("options", "LAST_ENDPOINT=x"))
                .hasMessageContaining("options").hasMessageContaining("LAST_ENDPOINT");
        assertThatThrownBy(() -> OptionParser.parse("options", "SUBSCRIBE=x"))
                .hasMessageContaining("SUBSCRIBE").hasMessageContaining("subscriptions");
        assertThatThrownBy(() -> OptionParser.value("sndhwm", ZmqOption.SNDHWM, "-5"))
                .hasMessageContaining("sndhwm").hasMessageContaining("SNDHWM");
    }

    @Test
    void canonicalTextIsEqualForTheSameOptions() {
        assertThat(OptionParser.canonical("options", " zmq_linger = 5 ,immediate=true,"))
                .isEqualTo("LINGER=5,IMMEDIATE=true");
        assertThat(OptionParser.canonical("options", "")).isEmpty();
    }

    @Test
    void configurationKeysMapOnlyToConfigurableOptions() {
        assertThat(OptionParser.forKey("reconnect.ivl")).isSameAs(ZmqOption.RECONNECT_IVL);
        assertThat(OptionParser.forKey("sndhwm")).isSameAs(ZmqOption.SNDHWM);
        assertThat(OptionParser.forKey("SNDHWM")).as("keys are lower case").isNull();
        assertThat(OptionParser.forKey("service.pid")).isNull();
        assertThat(OptionParser.forKey("last.endpoint")).isNull();
        assertThat(OptionParser.forKey("subscribe")).isNull();
    }
}
