package io.zconn.engine.transport.stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Peer-Address is written as glibc's numeric getnameinfo writes it (what libzmq reports). */
class PeerAddressTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "::1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "2001:0DB8:0:0:0:0:0:AB, 2001:db8::ab",
        "::102:304, ::1.2.3.4",
    })
    void formatsAsLibzmq(String in, String expected) throws UnknownHostException {
        assertThat(PeerAddress.format(InetAddress.getByName(in))).isEqualTo(expected);
    }
}
