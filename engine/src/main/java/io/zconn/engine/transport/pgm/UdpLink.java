package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * {@code epgm://}'s receiving link: PGM packets as UDP datagrams on a non-blocking
 * {@link DatagramChannel}. A receive with a wait that finds nothing waits in a selector (at least a
 * millisecond, at most the wait asked) and tries once more; {@link #close} closes the channel and
 * the selector, which ends a waiting receive at once. Upstream packets ({@link #unicast}: NAKs,
 * SPMRs) leave through a second, unbound channel, opened on the first and closed with the link.
 */
final class UdpLink implements PgmLink {
    /** IPv4 (20) and UDP (8) headers. */
    static final int HEADER_BYTES = 28;

    private final DatagramChannel channel;
    private final Selector selector;
    /** Guards {@link #upstream} and {@link #closed}. */
    private final Object upstreamLock = new Object();
    /** The unbound channel of {@link #unicast}, or null until the first. */
    private DatagramChannel upstream;
    private boolean closed;

    /**
     * @param channel an open, bound UDP channel; made non-blocking here
     * @throws IOException when no selector can be opened or the channel not registered
     */
    UdpLink(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.selector = Selector.open();
        try {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    @Override
    public void send(ByteBuffer packet, InetSocketAddress to) throws IOException {
        channel.send(packet, to);
    }

    @Override
    public void unicast(ByteBuffer packet, InetSocketAddress to) throws IOException {
        synchronized (upstreamLock) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (upstream == null) {
                upstream = DatagramChannel.open(StandardProtocolFamily.INET);
            }
            upstream.send(packet, to);
        }
    }

    /** @return the local address upstream packets leave from, or null before the first; for tests */
    InetSocketAddress upstreamAddress() throws IOException {
        synchronized (upstreamLock) {
            return upstream == null ? null : (InetSocketAddress) upstream.getLocalAddress();
        }
    }

    @Override
    public InetSocketAddress receive(ByteBuffer into, long timeoutNanos) throws IOException {
        InetSocketAddress from = (InetSocketAddress) channel.receive(into);
        if (from != null || timeoutNanos <= 0) {
            return from;
        }
        try {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999L)));
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            ClosedChannelException c = new ClosedChannelException();
            c.initCause(e);
            throw c;
        }
        return (InetSocketAddress) channel.receive(into);
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public int headerBytes() {
        return HEADER_BYTES;
    }

    @Override
    public void close() {
        DatagramChannel up;
        synchronized (upstreamLock) {
            closed = true;
            up = upstream;
        }
        if (up != null) {
            try {
                up.close();
            } catch (IOException e) {
                System.getLogger(UdpLink.class.getName()).log(System.Logger.Level.DEBUG,
                        "closing the upstream channel failed", e);
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            System.getLogger(UdpLink.class.getName()).log(System.Logger.Level.DEBUG, "closing a channel failed", e);
        }
        try {
            selector.close(); // wakes a thread waiting in it
        } catch (IOException e) {
            System.getLogger(UdpLink.class.getName()).log(System.Logger.Level.DEBUG, "closing a selector failed", e);
        }
    }
}
