package io.zconn.engine.transport.pgm;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** epgm://'s receiving link: upstream packets (NAKs, SPMRs) and close. */
class UdpLinkTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void unicastLeavesThroughAChannelOfItsOwnNotTheReceivingOne() throws Exception {
        DatagramChannel receiving = DatagramChannel.open();
        receiving.bind(new InetSocketAddress(LOOPBACK, 0));
        try (PgmLink link = PgmLink.udp(receiving); DatagramChannel source = DatagramChannel.open()) {
            source.bind(new InetSocketAddress(LOOPBACK, 0));
            assertNull(((UdpLink) link).upstreamAddress()); // opened on the first upstream packet only
            link.unicast(ByteBuffer.wrap("nak".getBytes(StandardCharsets.US_ASCII)),
                    (InetSocketAddress) source.getLocalAddress());
            ByteBuffer got = ByteBuffer.allocate(16);
            InetSocketAddress from = (InetSocketAddress) source.receive(got);
            assertNotNull(from);
            assertEquals("nak", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));
            // a source on this host sharing the endpoint's port must never get its NAKs from that port
            assertNotEquals(((InetSocketAddress) receiving.getLocalAddress()).getPort(), from.getPort());
            assertEquals(((UdpLink) link).upstreamAddress().getPort(), from.getPort());
        }
    }

    @Test
    void closeClosesTheUpstreamChannelAndLaterUnicastsThrowClosedChannel() throws Exception {
        DatagramChannel receiving = DatagramChannel.open();
        receiving.bind(new InetSocketAddress(LOOPBACK, 0));
        PgmLink link = PgmLink.udp(receiving);
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, 9);
        link.unicast(ByteBuffer.wrap(new byte[1]), to);
        link.close();
        assertFalse(receiving.isOpen());
        // the upstream channel is closed with the link: asking it for its address says so
        assertThrows(ClosedChannelException.class, () -> ((UdpLink) link).upstreamAddress());
        assertThrows(ClosedChannelException.class, () -> link.unicast(ByteBuffer.wrap(new byte[1]), to));
        assertThrows(ClosedChannelException.class, () -> link.receive(ByteBuffer.allocate(1), 0));
        link.close(); // idempotent
    }
}
