package io.zconn.engine.transport.pgm;

/**
 * A PGM source's transmit window (RFC 3208 3.3): the packets it sent last, by sequence number,
 * kept for repair. At most {@link #capacity()} packets, the oldest dropped first; sized as libzmq
 * sizes OpenPGM's ({@link #packets}). Memory follows what was actually sent: the ring starts small
 * and doubles up to the capacity, so a window sized for hours of a fast rate costs only what the
 * sender has put in it. Sequence numbers are 32-bit and wrap. Not thread-safe.
 */
final class TransmitWindow {
    /** Largest capacity: well inside half the sequence space, so window arithmetic never wraps. */
    static final int MAX_PACKETS = 1 << 30;
    private static final long MASK = 0xffffffffL;
    private static final int INITIAL = 64;

    private final int capacity;
    private byte[][] ring;
    /** Ring index of the trailing edge. */
    private int head;
    private int size;
    /** Sequence number of the trailing edge (of the next packet when empty). */
    private long trail;
    private long bytes;

    /**
     * @param capacity the most packets kept (at least 1, at most {@link #MAX_PACKETS})
     * @param first    the sequence number of the first packet
     */
    TransmitWindow(int capacity, long first) {
        if (capacity < 1 || capacity > MAX_PACKETS) {
            throw new IllegalArgumentException("window of " + capacity + " packets");
        }
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL)][];
        this.trail = first & MASK;
    }

    /**
     * The window's size in packets, as libzmq 4.3.4 sets OpenPGM's {@code PGM_TXW_SQNS}: RATE in
     * bytes per millisecond (kbit/s / 8, rounded down) times RECOVERY_IVL, in packets of
     * MULTICAST_MAXTPDU bytes, at least one.
     *
     * @param rateKbit      RATE
     * @param recoveryIvlMs RECOVERY_IVL
     * @param maxTpdu       MULTICAST_MAXTPDU
     * @return the capacity, at most {@link #MAX_PACKETS}
     */
    static int packets(int rateKbit, int recoveryIvlMs, int maxTpdu) {
        long bytes = (long) (rateKbit / 8) * recoveryIvlMs;
        long sqns = bytes / maxTpdu;
        return (int) Math.max(1, Math.min(MAX_PACKETS, sqns));
    }

    /** @return the most packets kept */
    int capacity() {
        return capacity;
    }

    /** @return the packets kept */
    int size() {
        return size;
    }

    /** @return the bytes of the packets kept */
    long bytes() {
        return bytes;
    }

    /** @return the trailing edge: the oldest sequence number kept (the next one when empty) */
    long trail() {
        return trail;
    }

    /** @return the leading edge: the newest sequence number kept (the one before {@link #trail()} when empty) */
    long lead() {
        return (trail + size - 1) & MASK;
    }

    /** @return the sequence number the next packet gets */
    long next() {
        return (trail + size) & MASK;
    }

    /** @return the trailing edge once the next packet is added (a full window drops its oldest) */
    long trailAfterAdd() {
        return size < capacity ? trail : (trail + 1) & MASK;
    }

    /**
     * Keeps a packet under {@link #next()}, dropping the oldest when full.
     *
     * @param packet the packet as sent (kept, not copied)
     * @return its sequence number
     */
    long add(byte[] packet) {
        long sqn = next();
        if (size == capacity) {
            bytes -= ring[head].length;
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            trail = (trail + 1) & MASK;
        } else if (size == ring.length) {
            grow();
        }
        ring[(head + size) % ring.length] = packet;
        size++;
        bytes += packet.length;
        return sqn;
    }

    private void grow() {
        byte[][] bigger = new byte[(int) Math.min(capacity, 2L * ring.length)][];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }

    /**
     * @param sqn a sequence number
     * @return whether its packet is kept
     */
    boolean contains(long sqn) {
        return ((sqn - trail) & MASK) < size;
    }

    /**
     * @param sqn a sequence number
     * @return its packet, or null when outside the window
     */
    byte[] get(long sqn) {
        long i = (sqn - trail) & MASK;
        return i < size ? ring[(int) ((head + i) % ring.length)] : null;
    }
}
