package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * {@code epgm://}'s link: PGM packets as UDP datagrams on a blocking {@link DatagramChannel}.
 * Receiving waits through the channel's socket adaptor with SO_TIMEOUT, so the wait is bounded;
 * {@link #close} closes the channel, which ends a waiting receive at once.
 */
final class UdpLink implements PgmLink {
    /** IPv4 (20) and UDP (8) headers. */
    static final int HEADER_BYTES = 28;

    private final DatagramChannel channel;
    private volatile boolean closed;

    UdpLink(DatagramChannel channel) {
        this.channel = channel;
    }

    @Override
    public void send(ByteBuffer packet, InetSocketAddress to) throws IOException {
        channel.send(packet, to);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer into, long timeoutNanos) throws IOException {
        byte[] array;
        int offset;
        if (into.hasArray()) {
            array = into.array();
            offset = into.arrayOffset() + into.position();
        } else {
            array = new byte[into.remaining()];
            offset = 0;
        }
        DatagramPacket p = new DatagramPacket(array, offset, into.remaining());
        try {
            // SO_TIMEOUT 0 would wait for ever: the shortest wait is a millisecond
            channel.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos))));
            channel.socket().receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (SocketException e) {
            if (closed || !channel.isOpen()) {
                ClosedChannelException c = new ClosedChannelException();
                c.initCause(e);
                throw c;
            }
            throw e;
        }
        if (into.hasArray()) {
            into.position(into.position() + p.getLength());
        } else {
            into.put(array, 0, p.getLength());
        }
        return (InetSocketAddress) p.getSocketAddress();
    }

    @Override
    public int headerBytes() {
        return HEADER_BYTES;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            System.getLogger(UdpLink.class.getName()).log(System.Logger.Level.DEBUG, "closing a channel failed", e);
        }
    }
}
