package io.zconn.engine.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgm:// (PGM directly in IP, protocol 113, raw sockets) against libzmq (OpenPGM through Debian's
 * python3-zmq), as {@link EpgmInteropTest} does for epgm://: each case runs in a network namespace
 * of its own ({@code unshare -n}, root: which raw sockets need too), its loopback up with multicast
 * and a route for 239.0.0.0/8, the libzmq peer and a zconn JVM ({@link EpgmPubMain} or
 * {@link EpgmSubMain}, on this test's class path, JNA included) inside ({@link MulticastPeers}, the
 * peers and the run shared with {@link EpgmInteropTest}). Messages of one byte to 14
 * packets, single and multipart. Under {@code CI=true} a missing peer, unshare or root fails.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PgmInteropTest {
    private static final String ENDPOINT = "pgm://127.0.0.1;239.192.1.1:5555";

    @Test
    void libzmqPubToZconnSubOverRawIpDeliversEveryMessage() throws Exception {
        String text = MulticastPeers.run(ENDPOINT, true, MulticastPeers.PUB, "", Map.of(),
                EpgmSubMain.class.getName(), "2000").passed();
        assertThat(text).containsPattern("sizes=\\[0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000\\]");
    }

    @Test
    void zconnPubToLibzmqSubOverRawIpDeliversEveryMessage() throws Exception {
        String text = MulticastPeers.run(ENDPOINT, false, MulticastPeers.SUB, "1500", Map.of(),
                EpgmPubMain.class.getName()).passed();
        assertThat(text).containsPattern("sizes=\\[0, 1, 10, 200, 1000, 1400, 1500, 3000, 9000, 20000\\]");
    }
}
