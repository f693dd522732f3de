package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * The network side of a PGM source (PUB, XPUB), as its sender thread uses it: multicast a packet,
 * take the NAKs and SPMRs receivers send back, wait for them or for a wake-up. {@link UdpSourceLink}
 * for {@code epgm://}, {@link RawSourceLink} for {@code pgm://}.
 */
interface SourceLink extends AutoCloseable {

    /** @return whether receivers' NAKs can reach this link */
    boolean hearsNaks();

    /**
     * Multicasts a packet to the group.
     *
     * @param packet the PGM packet
     * @return false when the kernel's send buffer is full (nothing sent: try again later)
     * @throws IOException when sending failed (a closed link: ClosedChannelException)
     */
    boolean send(byte[] packet) throws IOException;

    /**
     * Takes one packet sent to the source, without waiting.
     *
     * @param buf where (cleared first; on return its position is the packet's length, from offset 0)
     * @return false when none was waiting
     * @throws IOException when receiving failed
     */
    boolean receive(ByteBuffer buf) throws IOException;

    /**
     * Waits until a packet arrives, {@link #wakeup()} or {@link LockSupport#unpark} is called, or
     * the time is up (a link may end the wait early: the caller looks again).
     *
     * @param nanos    how long at most
     * @param writable also wake when the send buffer has room again
     * @throws IOException when waiting failed
     */
    void await(long nanos, boolean writable) throws IOException;

    /** Ends a wait in {@link #await}, from any thread. */
    void wakeup();

    /** @return the bytes of IP (and UDP) header the network adds to each packet: for MAXTPDU and RATE */
    int headerBytes();

    /** Closes the link; idempotent, never throws. */
    @Override
    void close();
}
