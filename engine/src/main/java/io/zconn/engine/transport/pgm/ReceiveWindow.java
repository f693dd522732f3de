package io.zconn.engine.transport.pgm;

import java.util.Map;
import java.util.TreeMap;

/**
 * One source's receive window: the data packets that arrived after a missing one, held until the
 * missing one is repaired (RDATA) or given up, then handed on in sequence order. What is missing
 * is kept by a {@link NakScheduler}, which NAKs it.
 *
 * <p>Bounded by construction: only packets that arrived are held (their TSDU, copied), never a
 * slot per missing number; the window spans at most {@link #MAX_SQNS} sequence numbers (a packet
 * further ahead slides it, giving up what falls behind), and the caller caps the bytes held over
 * all sources with {@link #loseOldest(String, Sink)}. Sequence numbers are unwrapped to 64 bits
 * against the next one expected (RFC 3208 serial arithmetic). Not thread-safe.
 */
final class ReceiveWindow {
    /** Most sequence numbers the window spans (held or missing), as a bounded OpenPGM RXW_SQNS. */
    static final int MAX_SQNS = 4096;
    /** Held in place of a TSDU that carried OPT_FRAGMENT (not decoded: libzmq never fragments). */
    static final byte[] FRAGMENT = new byte[0];

    /** What the window hands on, in sequence order. */
    interface Sink {
        /**
         * The next packet's TSDU.
         *
         * @param b   the bytes ({@link #FRAGMENT} for a fragment)
         * @param off where the TSDU starts
         * @param len its length
         */
        void data(byte[] b, int off, int len);

        /**
         * Numbers given up: the stream has a hole here.
         *
         * @param first first lost (32-bit sequence number)
         * @param count how many
         * @param why   why they could not be repaired
         */
        void lost(long first, long count, String why);
    }

    private final NakScheduler naks;
    private final TreeMap<Long, byte[]> held = new TreeMap<>();
    /** Next number to hand on (unwrapped); -1 before the first packet. */
    private long next = -1;
    /** One past the highest number seen. */
    private long end;
    private long heldBytes;
    private long repaired;

    /** @param naks the NAK state of this source's missing numbers */
    ReceiveWindow(NakScheduler naks) {
        this.naks = naks;
    }

    /**
     * @param sqn a 32-bit sequence number
     * @return it unwrapped next to the next one expected
     */
    long unwrap(long sqn) {
        return next + (int) (sqn - (next & 0xffffffffL));
    }

    /**
     * Takes a data packet (ODATA or RDATA).
     *
     * @param sqn   its 32-bit sequence number
     * @param trail its trailing edge (32-bit)
     * @param b     the datagram
     * @param off   where its TSDU starts ({@link #FRAGMENT} not here: see {@code fragment})
     * @param len   the TSDU's length
     * @param fragment whether it carries OPT_FRAGMENT
     * @param now   the clock
     * @param sink  where packets now in order go
     * @return false when it was a duplicate (already had, or older than the window)
     */
    boolean data(long sqn, long trail, byte[] b, int off, int len, boolean fragment, long now, Sink sink) {
        if (next < 0) {
            next = (sqn & 0xffffffffL) + (1L << 32); // positive, room below for unwrapping
            end = next;
        }
        long abs = unwrap(sqn);
        if (abs < next) {
            return false;
        }
        if (abs < end) {
            if (held.containsKey(abs) || !naks.filled(abs)) {
                return false;
            }
            repaired++;
        } else {
            extend(abs, now);
        }
        long t = unwrap(trail);
        if (t > next && t <= abs + 1) {
            naks.lostBefore(t, "the source's window moved past it (trail " + (trail & 0xffffffffL) + ")");
        }
        if (abs == next) {
            sink.data(fragment ? FRAGMENT : b, off, fragment ? 0 : len);
            next++;
        } else {
            byte[] copy = fragment ? FRAGMENT : java.util.Arrays.copyOfRange(b, off, off + len);
            held.put(abs, copy);
            heldBytes += copy.length;
        }
        drain(sink);
        return true;
    }

    /** Makes abs the highest number seen: what lies between is missing; the window slides if needed. */
    private void extend(long abs, long now) {
        if (abs - next >= MAX_SQNS) {
            long from = abs - MAX_SQNS + 1;
            naks.missing(end, from, now);
            end = Math.max(end, from);
            naks.lostBefore(from, "beyond the receive window of " + MAX_SQNS + " packets");
        }
        naks.missing(end, abs, now);
        end = abs + 1;
    }

    /**
     * Takes an SPM's window edges: a lead beyond what arrived means packets are missing; a trail
     * beyond a missing one means it can no longer be repaired.
     *
     * @param trail the trailing edge
     * @param lead  the leading edge (the last number sent)
     * @param now   the clock
     * @param sink  where packets now in order go
     */
    void spm(long trail, long lead, long now, Sink sink) {
        if (next < 0) {
            return; // not joined: data before the first packet taken is not wanted
        }
        long l = unwrap(lead);
        if (l >= end && l - next < Integer.MAX_VALUE) {
            extend(l, now);
            naks.missing(l, l + 1, now); // the lead itself was not seen either
        }
        long t = unwrap(trail);
        if (t > next && t <= end) {
            naks.lostBefore(t, "the source's window moved past it (trail " + (trail & 0xffffffffL) + ")");
        }
        drain(sink);
    }

    /**
     * An NCF, or another receiver's NAK, names a number.
     *
     * @param sqn the 32-bit number
     * @param ncf true for an NCF
     * @param now the clock
     */
    void confirmed(long sqn, boolean ncf, long now) {
        if (next >= 0) {
            naks.confirmed(unwrap(sqn), ncf, now);
        }
    }

    /**
     * Runs the NAK timers; hands on what giving up let through.
     *
     * @param now     the clock
     * @param actions where NAKs go
     * @param sink    where packets now in order go
     */
    void expire(long now, NakScheduler.Actions actions, Sink sink) {
        naks.expire(now, actions);
        drain(sink);
    }

    /**
     * Gives up the oldest missing number range (the caller's cap on held bytes was reached).
     *
     * @param why  for the report
     * @param sink where packets now in order go
     * @return whether there was one
     */
    boolean loseOldest(String why, Sink sink) {
        boolean any = naks.loseOldest(why);
        drain(sink);
        return any;
    }

    private void drain(Sink sink) {
        while (true) {
            Map.Entry<Long, byte[]> first = held.firstEntry();
            if (first != null && first.getKey() == next) {
                held.pollFirstEntry();
                byte[] t = first.getValue();
                heldBytes -= t.length;
                sink.data(t, 0, t.length);
                next++;
                continue;
            }
            NakScheduler.Range r = naks.takeLostAt(next);
            if (r != null) {
                next = r.end;
                sink.lost(r.first & 0xffffffffL, r.end - r.first, r.why);
                continue;
            }
            return;
        }
    }

    /**
     * @param sqn a 32-bit number
     * @return whether it is missing and still wanted (its RDATA would be a repair)
     */
    boolean isPending(long sqn) {
        return next >= 0 && naks.isPending(unwrap(sqn));
    }

    /** @return the bytes of the packets held */
    long heldBytes() {
        return heldBytes;
    }

    /** @return the packets held */
    int heldPackets() {
        return held.size();
    }

    /** @return missing numbers that arrived later (repaired) */
    long repaired() {
        return repaired;
    }

    /** @return the NAK state */
    NakScheduler naks() {
        return naks;
    }

    /** @return the next 32-bit number to hand on, -1 before the first packet */
    long next() {
        return next < 0 ? -1 : next & 0xffffffffL;
    }
}
