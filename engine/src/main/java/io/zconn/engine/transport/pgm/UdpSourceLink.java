package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The network side of an epgm source (PUB): one non-blocking UDP socket that multicasts to the
 * group and takes the NAKs and SPMRs receivers send back. OpenPGM's receivers (libzmq sets both
 * UDP encapsulation ports to the endpoint's port) send them unicast to the NLA the SPMs carry, on
 * that port: so the socket is bound to the interface's address and the endpoint's port (sharing it,
 * as OpenPGM does, with SO_REUSEADDR and SO_REUSEPORT). When that bind fails, an ephemeral port is
 * used and repair cannot work (a WARNING says so). Multicast loop-back is off, as libzmq's PGM
 * sockets have it whatever MULTICAST_LOOP says. All channel calls of a source are here.
 */
final class UdpSourceLink implements SourceLink {
    private static final System.Logger LOG = System.getLogger(UdpSourceLink.class.getName());
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private final DatagramChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final InetSocketAddress group;
    private final boolean hearsNaks;

    private UdpSourceLink(DatagramChannel channel, Selector selector, InetSocketAddress group, boolean hearsNaks)
            throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.group = group;
        this.hearsNaks = hearsNaks;
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * @param a          the endpoint
     * @param nla        the interface's IPv4 address the SPMs announce
     * @param hops       MULTICAST_HOPS
     * @param sndbuf     SNDBUF (0 or -1: the OS default)
     * @param endpoint   the endpoint's text, for messages
     * @return the link
     * @throws IOException when no socket can be made
     */
    static UdpSourceLink open(EpgmAddress a, byte[] nla, int hops, int sndbuf, String endpoint) throws IOException {
        InetSocketAddress group = new InetSocketAddress(a.group(), a.port());
        InetSocketAddress local = new InetSocketAddress(InetAddress.getByAddress(nla), a.port());
        DatagramChannel ch = channel(a, hops, sndbuf);
        boolean hears = true;
        try {
            ch.bind(local);
        } catch (IOException e) {
            ch.close();
            ch = channel(a, hops, sndbuf);
            ch.bind(new InetSocketAddress(0));
            hears = false;
            LOG.log(System.Logger.Level.WARNING, endpoint + ": cannot bind " + local + " (" + e
                    + "): sending from an ephemeral port, so receivers' NAKs cannot reach this source and lost"
                    + " packets are not repaired");
        }
        Selector sel = null;
        try {
            sel = Selector.open();
            return new UdpSourceLink(ch, sel, group, hears);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    private static DatagramChannel channel(EpgmAddress a, int hops, int sndbuf) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, a.networkInterface());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, hops);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false); // as libzmq's pgm_socket, always
            if (sndbuf > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, sndbuf);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return whether the socket is on the endpoint's port, where receivers send NAKs */
    @Override
    public boolean hearsNaks() {
        return hearsNaks;
    }

    /** @return whether multicast loop-back is on (never, as libzmq) */
    boolean loopback() throws IOException {
        return channel.getOption(StandardSocketOptions.IP_MULTICAST_LOOP);
    }

    /**
     * Multicasts a packet.
     *
     * @param packet the packet
     * @return false when the kernel's send buffer is full (nothing sent: try again later)
     * @throws IOException when sending failed (a closed link: ClosedChannelException)
     */
    @Override
    public boolean send(byte[] packet) throws IOException {
        return channel.send(ByteBuffer.wrap(packet), group) > 0;
    }

    /**
     * Takes one datagram, without waiting.
     *
     * @param buf where (cleared first; on return its position is the datagram's length)
     * @return false when none was waiting
     * @throws IOException when receiving failed
     */
    @Override
    public boolean receive(ByteBuffer buf) throws IOException {
        buf.clear();
        return channel.receive(buf) != null;
    }

    /**
     * Waits until a datagram arrives, {@link #wakeup()} or {@link LockSupport#unpark} is called,
     * or the time is up; shorter than a millisecond it only parks.
     *
     * @param nanos    how long at most
     * @param writable also wake when the send buffer has room again
     * @throws IOException when the selector failed
     */
    @Override
    public void await(long nanos, boolean writable) throws IOException {
        if (nanos <= 0) {
            return;
        }
        if (nanos < MILLI && !writable) {
            LockSupport.parkNanos(this, nanos);
            return;
        }
        key.interestOps(writable ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        selector.selectedKeys().clear();
    }

    /** Ends a wait in the selector (a parked wait ends by unpark). */
    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public int headerBytes() {
        return UdpLink.HEADER_BYTES;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the channel failed", e);
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the selector failed", e);
        }
    }
}
