package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * What carries one endpoint's PGM packets: UDP for {@code epgm://} ({@link UdpLink}), raw IP
 * (protocol 113) for {@code pgm://} ({@link RawLink}). A link sends a packet to the group or to a
 * unicast address and receives packets with a bounded wait; the PGM layer above is the same for
 * both. Send and receive may be called by different threads; {@link #close} from any thread makes
 * a waiting or later call end with {@link java.nio.channels.ClosedChannelException}.
 */
interface PgmLink extends AutoCloseable {

    /**
     * Sends one PGM packet (header and body, no IP or UDP header).
     *
     * @param packet its bytes from position to limit; the position is not kept
     * @param to     the group (with the endpoint's port) or a unicast address; raw IP ignores the port
     * @throws IOException when the link is closed or the system refuses the packet
     */
    void send(ByteBuffer packet, InetSocketAddress to) throws IOException;

    /**
     * Sends one packet upstream (a receiver's NAK or SPMR) to a source's unicast address. Over UDP it
     * leaves through a second, unbound socket of the link: the receiving one is bound to the group's
     * address, and a source on this host sharing the port must get it on its own socket; raw IP has
     * no ports to share and sends it as {@link #send} does.
     *
     * @param packet its bytes from position to limit; the position is not kept
     * @param to     the source's address and the endpoint's port (raw IP ignores the port)
     * @throws IOException when the link is closed ({@link java.nio.channels.ClosedChannelException}) or
     *                     the system refuses the packet
     */
    void unicast(ByteBuffer packet, InetSocketAddress to) throws IOException;

    /**
     * Receives one PGM packet (what follows the IP or UDP header) into {@code into} from its position;
     * a packet larger than what remains is cut, as a datagram channel does.
     *
     * @param into         where the packet goes
     * @param timeoutNanos the longest wait; 0 takes only a packet already there
     * @return the packet's source, or null when none came in time or {@link #wakeup} ended the wait
     * @throws IOException when the link is closed ({@link java.nio.channels.ClosedChannelException}) or
     *                     receiving failed
     */
    InetSocketAddress receive(ByteBuffer into, long timeoutNanos) throws IOException;

    /** Ends a wait in {@link #receive} at once (it returns null), from any thread; a no-op after close. */
    void wakeup();

    /** @return the bytes of IP (and UDP) header the network adds to each packet: for MAXTPDU and RATE */
    int headerBytes();

    /** Closes the link; idempotent, never throws. */
    @Override
    void close();

    /**
     * @param channel an open, bound UDP channel
     * @return the link over it
     * @throws IOException when the channel cannot be made non-blocking and watched
     */
    static PgmLink udp(DatagramChannel channel) throws IOException {
        return new UdpLink(channel);
    }

    /**
     * Opens a raw IP link for {@code pgm://}, reporting why it cannot be had.
     *
     * @param a        the endpoint's address
     * @param join     whether to join the group (receivers)
     * @param ttl      MULTICAST_HOPS
     * @param loop     whether this host's own sockets get the multicast packets sent (IP_MULTICAST_LOOP)
     * @param rcvbuf   SO_RCVBUF, or 0 or less for the system's default
     * @param sndbuf   SO_SNDBUF, or 0 or less for the system's default
     * @param endpoint the endpoint as given, for messages
     * @return the link
     * @throws ZmqException EPROTONOSUPPORT without JNA or off Linux; EACCES without root or
     *                      CAP_NET_RAW; EINVAL when the system refuses an option or the group
     */
    static PgmLink raw(EpgmAddress a, boolean join, int ttl, boolean loop, int rcvbuf, int sndbuf, String endpoint) {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "pgm:// (PGM over raw IP) is implemented on Linux only, not on "
                    + os + "; epgm:// (PGM over UDP) works everywhere: " + endpoint);
        }
        try {
            return RawLink.open(a, join, ttl, loop, rcvbuf, sndbuf, endpoint);
        } catch (NoClassDefFoundError e) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "pgm:// (PGM over raw IP) needs JNA (net.java.dev.jna:jna 5.x)"
                    + " on the class path to open raw sockets, and root or CAP_NET_RAW; epgm:// (PGM over UDP) works"
                    + " without either: " + endpoint + " (" + e + ")", e);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError e) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "pgm:// (PGM over raw IP) needs JNA's native library and"
                    + " libc, which did not load; epgm:// (PGM over UDP) works without: " + endpoint + " (" + e + ")", e);
        }
    }
}
