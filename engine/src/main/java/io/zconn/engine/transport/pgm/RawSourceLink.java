package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * {@code pgm://}'s source link: a {@link PgmLink} over raw IP (protocol 113). A raw socket gets the
 * NAKs sent to the endpoint's port without binding it, so repair always works. An idle sender
 * waits in the link's receive (one poll() on the raw socket and the link's eventfd): a NAK or SPMR
 * ends the wait (it is kept and is the next {@link #receive}), and so do {@link #wakeup} and
 * {@link #close}, at once.
 */
final class RawSourceLink implements SourceLink {
    /** Largest PGM packet a raw link delivers. */
    private static final int MAX_PACKET = 65535;

    private final PgmLink link;
    private final InetSocketAddress group;
    /** The packet that ended a wait, until {@link #receive} takes it; only the sender thread uses it. */
    private final ByteBuffer early = ByteBuffer.allocate(MAX_PACKET);
    private boolean pending;

    /**
     * @param link  the raw link (not joined to the group)
     * @param group the group and the endpoint's port
     */
    RawSourceLink(PgmLink link, InetSocketAddress group) {
        this.link = link;
        this.group = group;
    }

    @Override
    public boolean hearsNaks() {
        return true;
    }

    @Override
    public boolean send(byte[] packet) throws IOException {
        link.send(ByteBuffer.wrap(packet), group); // a blocking send: it never finds the buffer full
        return true;
    }

    @Override
    public boolean receive(ByteBuffer buf) throws IOException {
        buf.clear();
        if (pending) {
            pending = false;
            early.flip();
            buf.put(early);
            return true;
        }
        return link.receive(buf, 0) != null;
    }

    /**
     * Waits in the link until a packet arrives (kept for {@link #receive}), {@link #wakeup} or
     * {@link #close} is called, or the time is up. Sending never blocks on a full buffer here, so
     * {@code writable} asks nothing more.
     */
    @Override
    public void await(long nanos, boolean writable) throws IOException {
        if (nanos <= 0 || pending) {
            return;
        }
        early.clear();
        pending = link.receive(early, nanos) != null;
    }

    @Override
    public void wakeup() {
        link.wakeup();
    }

    @Override
    public int headerBytes() {
        return link.headerBytes();
    }

    @Override
    public void close() {
        link.close();
    }
}
