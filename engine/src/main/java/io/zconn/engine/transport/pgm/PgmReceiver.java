package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiving half of libzmq's PGM transport, without the network: per source (TSI) it takes
 * ODATA and RDATA in sequence order, reads the leading offset each TSDU carries (where the first
 * message starting in it begins, 0xffff when none does), joins a source's stream only at such a
 * message start (so a late joiner never delivers the tail of a message), and decodes libzmq's v1
 * framing into whole messages.
 *
 * <p>Not yet: repair. A sequence gap (a packet lost or reordered) is counted and reported to the
 * {@link Listener}, the message in progress is dropped, and the source is joined again at the next
 * message start, as libzmq does when OpenPGM reports unrecoverable loss. Never silent, never merged.
 *
 * <p>Bounded: at most {@link #MAX_SOURCES} sources are tracked (packets of further sources are
 * counted and dropped); each holds at most what it sent of its message in progress plus
 * {@link V1Decoder#CHUNK}. Not thread-safe: one receive thread drives it.
 */
final class PgmReceiver {
    /** Most sources tracked at once. */
    static final int MAX_SOURCES = 256;

    /** What the receiver reports. */
    interface Listener {
        /**
         * @param message the frames of one whole message
         */
        void message(List<Frame> message);

        /**
         * Data was lost: the source's stream resumes at its next message start.
         *
         * @param tsi      the source
         * @param expected the sequence number expected
         * @param got      the one received
         * @param lost     how many packets were skipped
         */
        void gap(long tsi, long expected, long got, long lost);

        /**
         * A packet or the stream in it was malformed; the source's stream resumes at its next message start.
         *
         * @param tsi the source (0 when the packet could not be parsed)
         * @param why what was wrong
         */
        void malformed(long tsi, String why);
    }

    private final class Source implements V1Decoder.Sink {
        final long tsi;
        long next = -1;
        boolean joined;
        V1Decoder decoder;
        final List<Frame> frames = new ArrayList<>();

        Source(long tsi) {
            this.tsi = tsi;
        }

        @Override
        public void frame(Frame frame) {
            frames.add(frame);
            if (!frame.hasMore()) {
                List<Frame> m = new ArrayList<>(frames);
                frames.clear();
                messages++;
                listener.message(m);
            }
        }

        void leave() {
            joined = false;
            decoder = null;
            frames.clear();
        }
    }

    private final Listener listener;
    private final long maxMsgSize;
    private final Map<Long, Source> sources = new HashMap<>();
    private long messages;
    private long packets;
    private long lostPackets;
    private long gaps;
    private long duplicates;
    private long refusedSources;
    private long malformed;

    /**
     * @param listener   gets messages and reports
     * @param maxMsgSize MAXMSGSIZE (-1 = none)
     */
    PgmReceiver(Listener listener, long maxMsgSize) {
        this.listener = listener;
        this.maxMsgSize = maxMsgSize;
    }

    /**
     * Takes one datagram's payload.
     *
     * @param buf datagram
     * @param off start
     * @param len length
     */
    void datagram(byte[] buf, int off, int len) {
        PgmPacket p;
        try {
            p = PgmPacket.parse(buf, off, len);
        } catch (io.zconn.engine.ZmqException e) {
            malformed++;
            listener.malformed(0, e.getMessage());
            return;
        }
        packet(p);
    }

    /** @param p a parsed packet; only ODATA and RDATA carry data, the rest is ignored here */
    void packet(PgmPacket p) {
        if (p.type() != PgmPacket.ODATA && p.type() != PgmPacket.RDATA) {
            return;
        }
        packets++;
        Source s = sources.get(p.tsi());
        if (s == null) {
            if (sources.size() >= MAX_SOURCES) {
                refusedSources++;
                return;
            }
            s = new Source(p.tsi());
            sources.put(p.tsi(), s);
        }
        long sqn = p.sqn();
        if (s.next >= 0) {
            int diff = (int) (sqn - s.next); // serial-number arithmetic modulo 2^32
            if (diff < 0) {
                duplicates++;
                return;
            }
            if (diff > 0) {
                gaps++;
                lostPackets += diff;
                s.leave();
                listener.gap(s.tsi, s.next, sqn, diff);
            }
        }
        s.next = (sqn + 1) & 0xffffffffL;
        if (p.isFragment()) {
            // libzmq's sender never fragments (one TSDU per packet); an APDU over several is not decoded
            s.leave();
            malformed++;
            listener.malformed(s.tsi, "fragmented APDU (OPT_FRAGMENT) not supported");
            return;
        }
        int len = p.tsduLength();
        int at = p.tsduStart();
        byte[] b = p.array();
        if (len < 2) {
            s.leave();
            malformed++;
            listener.malformed(s.tsi, "TSDU of " + len + " bytes has no message offset");
            return;
        }
        int offset = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
        at += 2;
        len -= 2;
        if (!s.joined) {
            if (offset == 0xffff) {
                return; // no message starts here
            }
            if (offset > len) {
                malformed++;
                listener.malformed(s.tsi, "message offset " + offset + " beyond a TSDU of " + len + " bytes");
                return;
            }
            at += offset;
            len -= offset;
            s.joined = true;
            s.decoder = new V1Decoder(maxMsgSize);
        }
        if (!s.decoder.decode(b, at, len, s)) {
            String why = s.decoder.error();
            s.leave();
            malformed++;
            listener.malformed(s.tsi, why);
        }
    }

    /** @return messages delivered */
    long messages() {
        return messages;
    }

    /** @return data packets taken */
    long packets() {
        return packets;
    }

    /** @return data packets found missing by sequence gaps */
    long lostPackets() {
        return lostPackets;
    }

    /** @return sequence gaps seen */
    long gaps() {
        return gaps;
    }

    /** @return data packets dropped as already seen (older than expected) */
    long duplicates() {
        return duplicates;
    }

    /** @return malformed packets or streams */
    long malformedCount() {
        return malformed;
    }

    /** @return data packets dropped because {@link #MAX_SOURCES} sources were tracked */
    long refusedSources() {
        return refusedSources;
    }

    /** @return sources tracked */
    int sourceCount() {
        return sources.size();
    }

    /** @return body bytes held for messages in progress, over all sources */
    long heldBytes() {
        long n = 0;
        for (Source s : sources.values()) {
            if (s.decoder != null) {
                n += s.decoder.heldBytes();
            }
            for (Frame f : s.frames) {
                n += f.size();
            }
        }
        return n;
    }
}
