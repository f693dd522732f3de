package io.zconn.engine.transport.pgm;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpSourceLinkTest {
    @Test
    void multicastLoopIsLibzmqsOptionButEpgmKeepsLoopOff() throws Exception {
        try (Context ctx = new Context(); Socket pub = ctx.socket(SocketType.PUB)) {
            assertTrue(pub.getOption(ZmqOption.MULTICAST_LOOP)); // libzmq 4.3.4's default
            pub.setOption(ZmqOption.MULTICAST_LOOP, false);
            assertFalse(pub.getOption(ZmqOption.MULTICAST_LOOP));
        }
        // libzmq's pgm_socket sets PGM_MULTICAST_LOOP to 0 whatever the option says; so does zconn
        EpgmAddress a = EpgmAddress.parse("127.0.0.1;239.192.77.1:48913");
        try (UdpSourceLink link = UdpSourceLink.open(a, new byte[] {127, 0, 0, 1}, 1, -1, "test")) {
            assertFalse(link.loopback());
        }
    }
}
