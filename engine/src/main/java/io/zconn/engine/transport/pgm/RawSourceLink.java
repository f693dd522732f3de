package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code pgm://}'s source link: a {@link PgmLink} over raw IP (protocol 113). A raw socket gets the
 * NAKs sent to the endpoint's port without binding it, so repair always works. The raw link offers
 * no selector: a wait parks the sender thread for at most {@link #NAK_POLL_NANOS} (wake-ups unpark
 * it at once), so a NAK waits that long at most before the source sees it.
 */
final class RawSourceLink implements SourceLink {
    /** The longest park between two looks for NAKs. */
    static final long NAK_POLL_NANOS = 10_000_000L;

    private final PgmLink link;
    private final InetSocketAddress group;

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
        return link.receive(buf, 0) != null;
    }

    @Override
    public void await(long nanos, boolean writable) {
        if (nanos > 0) {
            LockSupport.parkNanos(this, Math.min(nanos, NAK_POLL_NANOS));
        }
    }

    @Override
    public void wakeup() {
        // the sender unparks its thread
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
