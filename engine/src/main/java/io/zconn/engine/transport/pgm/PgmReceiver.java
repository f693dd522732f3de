package io.zconn.engine.transport.pgm;

import io.zconn.engine.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * The receiving half of libzmq's PGM transport, without the network: per source (TSI) it takes
 * ODATA and RDATA in sequence order, reads the leading offset each TSDU carries (where the first
 * message starting in it begins, 0xffff when none does), joins a source's stream only at such a
 * message start (so a late joiner never delivers the tail of a message), and decodes libzmq's v1
 * framing into whole messages.
 *
 * <p>Repair, as OpenPGM does it for libzmq: packets after a missing one are held in the source's
 * {@link ReceiveWindow} while its {@link NakScheduler} NAKs the missing one (unicast to the NLA
 * the source's SPM gave, through the {@link Control}; an SPMR first when no SPM was seen yet);
 * once the RDATA arrives they are handed on in order. A number that cannot be repaired (retries
 * spent, the source's trailing edge moved past it, the window or {@link #MAX_HELD_BYTES} full) is
 * given up and reported to the {@link Listener}: the message in progress is dropped and the source
 * is joined again at the next message start, as libzmq does when OpenPGM reports unrecoverable
 * loss. Never silent, never merged.
 *
 * <p>Bounded: at most {@link #MAX_SOURCES} sources are tracked (packets of further sources are
 * counted and dropped); each holds at most what it sent of its message in progress plus
 * {@link V1Decoder#CHUNK}, and the packets that arrived after a missing one (at most
 * {@link ReceiveWindow#MAX_SQNS} per source, {@link #MAX_HELD_BYTES} in all). Not thread-safe: one
 * receive thread drives it, and passes the time in through the clock it was given.
 */
final class PgmReceiver {
    /** Most sources tracked at once. */
    static final int MAX_SOURCES = 256;
    /** Most TSDU bytes held after missing packets, over all sources; beyond, the oldest loss is given up. */
    static final long MAX_HELD_BYTES = 16L << 20;

    /** What the receiver reports. */
    interface Listener {
        /**
         * @param message the frames of one whole message
         */
        void message(List<Frame> message);

        /**
         * Data was lost beyond repair: the source's stream resumes at its next message start.
         *
         * @param tsi   the source
         * @param first the first sequence number lost
         * @param count how many packets were lost
         * @param why   why they could not be repaired
         */
        void lost(long tsi, long first, long count, String why);

        /**
         * A packet or the stream in it was malformed; the source's stream resumes at its next message start.
         *
         * @param tsi the source (0 when the packet could not be parsed)
         * @param why what was wrong
         */
        void malformed(long tsi, String why);
    }

    /** Where control packets go (NAK, SPMR): the network. */
    interface Control {
        /**
         * Sends a packet unicast to a source.
         *
         * @param packet the PGM packet
         * @param nla    the source's IPv4 address
         */
        void unicast(byte[] packet, byte[] nla);
    }

    private final class Source implements V1Decoder.Sink, ReceiveWindow.Sink, NakScheduler.Actions {
        final long tsi;
        final ReceiveWindow window = new ReceiveWindow(new NakScheduler(backoff));
        /** The path NLA from the last SPM, null before one. */
        byte[] nla;
        /** Where the data came from (IP), for an SPMR before any SPM. */
        byte[] from;
        /** The data's destination port (a NAK's source port). */
        int dataPort;
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

        @Override
        public void data(byte[] b, int at, int len) {
            tsdu(this, b, at, len);
        }

        @Override
        public void lost(long first, long count, String why) {
            leave();
            gaps++;
            lostPackets += count;
            listener.lost(tsi, first, count, why);
        }

        @Override
        public boolean canNak() {
            return control != null && nla != null && group != null;
        }

        @Override
        public void nak(long[] sqns, int count) {
            for (int i = 0; i < count; i++) {
                sqns[i] &= 0xffffffffL;
            }
            control.unicast(PgmWriter.nakList(tsi >>> 16, dataPort, (int) (tsi & 0xffff), sqns, count, nla, group),
                    nla);
            naksSent++;
        }

        @Override
        public void spmRequest() {
            byte[] to = nla != null ? nla : from;
            if (control != null && to != null) {
                control.unicast(PgmWriter.spmr(tsi >>> 16, dataPort, (int) (tsi & 0xffff)), to);
                spmrsSent++;
            }
        }
    }

    private final Listener listener;
    private final long maxMsgSize;
    private final Control control;
    private final byte[] group;
    private final LongSupplier clock;
    private final LongUnaryOperator backoff;
    private final Map<Long, Source> sources = new HashMap<>();
    private long messages;
    private long packets;
    private long lostPackets;
    private long gaps;
    private long duplicates;
    private long refusedSources;
    private long malformed;
    private long naksSent;
    private long spmrsSent;
    private long heldBytes;

    /**
     * A receiver that cannot send (no NAKs: missing packets are given up after the NAK retries).
     *
     * @param listener   gets messages and reports
     * @param maxMsgSize MAXMSGSIZE (-1 = none)
     */
    PgmReceiver(Listener listener, long maxMsgSize) {
        this(listener, maxMsgSize, null, null, System::nanoTime,
                bo -> java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000L, bo));
    }

    /**
     * @param listener   gets messages and reports
     * @param maxMsgSize MAXMSGSIZE (-1 = none)
     * @param control    where NAKs and SPMRs go, or null
     * @param group      the multicast group's IPv4 address (named in NAKs), or null
     * @param clock      the time in nanoseconds (System::nanoTime, or a test's)
     * @param backoff    given NAK_BO_IVL, a random back-off below it
     */
    PgmReceiver(Listener listener, long maxMsgSize, Control control, byte[] group, LongSupplier clock,
                LongUnaryOperator backoff) {
        this.listener = listener;
        this.maxMsgSize = maxMsgSize;
        this.control = control;
        this.group = group == null ? null : group.clone();
        this.clock = clock;
        this.backoff = backoff;
    }

    /**
     * Takes one datagram's payload.
     *
     * @param buf datagram
     * @param off start
     * @param len length
     */
    void datagram(byte[] buf, int off, int len) {
        datagram(buf, off, len, null);
    }

    /**
     * Takes one datagram's payload.
     *
     * @param buf  datagram
     * @param off  start
     * @param len  length
     * @param from the IPv4 address it came from, or null
     */
    void datagram(byte[] buf, int off, int len, byte[] from) {
        PgmPacket p;
        try {
            p = PgmPacket.parse(buf, off, len);
        } catch (io.zconn.engine.ZmqException e) {
            malformed++;
            listener.malformed(0, e.getMessage());
            return;
        }
        packet(p, from);
    }

    /** @param p a parsed packet */
    void packet(PgmPacket p) {
        packet(p, null);
    }

    private Source source(long tsi) {
        Source s = sources.get(tsi);
        if (s == null) {
            if (sources.size() >= MAX_SOURCES) {
                refusedSources++;
                return null;
            }
            s = new Source(tsi);
            sources.put(tsi, s);
        }
        return s;
    }

    private void packet(PgmPacket p, byte[] from) {
        switch (p.type()) {
            case PgmPacket.ODATA, PgmPacket.RDATA -> data(p, from);
            case PgmPacket.SPM -> {
                Source s = source(p.tsi());
                if (s == null) {
                    return;
                }
                if (p.nlaAfi() == PgmPacket.AFI_IP) {
                    s.nla = p.nla();
                }
                s.dataPort = p.destPort();
                s.window.spm(p.trail(), p.lead(), clock.getAsLong(), s);
            }
            case PgmPacket.NCF, PgmPacket.NAK -> {
                // an NCF travels from the source (its TSI as in ODATA); another receiver's NAK towards
                // it (the source's port is the NAK's destination port)
                boolean ncf = p.type() == PgmPacket.NCF;
                Source s = sources.get(ncf ? p.tsi() : (p.gsi() << 16) | p.destPort());
                if (s == null) {
                    return;
                }
                long now = clock.getAsLong();
                s.window.confirmed(p.sqn(), ncf, now);
                for (int i = 0; i < p.nakListSize(); i++) {
                    s.window.confirmed(p.nakListSqn(i), ncf, now);
                }
            }
            default -> {
                // NNAK, SPMR: for sources and network elements
            }
        }
    }

    private void data(PgmPacket p, byte[] from) {
        packets++;
        Source s = source(p.tsi());
        if (s == null) {
            return;
        }
        s.dataPort = p.destPort();
        if (s.nla == null && s.from == null && from != null) {
            s.from = from.clone();
        }
        long before = s.window.heldBytes();
        boolean fresh = s.window.data(p.sqn(), p.trail(), p.array(), p.tsduStart(), p.tsduLength(), p.isFragment(),
                clock.getAsLong(), s);
        if (!fresh) {
            duplicates++;
            return;
        }
        heldBytes += s.window.heldBytes() - before;
        while (heldBytes > MAX_HELD_BYTES) {
            before = s.window.heldBytes();
            boolean any = s.window.loseOldest("over " + MAX_HELD_BYTES + " bytes held waiting for repair", s);
            heldBytes += s.window.heldBytes() - before;
            if (!any) {
                break;
            }
        }
    }

    /** One TSDU in sequence order: the leading offset, then libzmq's v1 framing. */
    private void tsdu(Source s, byte[] b, int at, int len) {
        if (b == ReceiveWindow.FRAGMENT) {
            // libzmq's sender never fragments (one TSDU per packet); an APDU over several is not decoded
            s.leave();
            malformed++;
            listener.malformed(s.tsi, "fragmented APDU (OPT_FRAGMENT) not supported");
            return;
        }
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

    /**
     * Runs the NAK timers of every source that are due.
     */
    void timers() {
        long now = clock.getAsLong();
        for (Source s : sources.values()) {
            long before = s.window.heldBytes();
            s.window.expire(now, s, s);
            heldBytes += s.window.heldBytes() - before;
        }
    }

    /** @return nanoseconds until the next NAK timer is due (0: now), {@link Long#MAX_VALUE} when none */
    long timerDelay() {
        long now = clock.getAsLong();
        long d = Long.MAX_VALUE;
        for (Source s : sources.values()) {
            d = Math.min(d, s.window.naks().delay(now));
        }
        return d;
    }

    /**
     * The one count of NAKs (the schedulers of the sources ask, this sends): what
     * {@link EpgmTransport.Stats#naksSent} reports.
     *
     * @return NAK packets handed to the control path (one NAK names up to
     *         {@link NakScheduler#NAK_LIST_MAX} sequence numbers)
     */
    long naksSent() {
        return naksSent;
    }

    /** @return SPMRs sent */
    long spmrsSent() {
        return spmrsSent;
    }

    /** @return data packets that arrived after being found missing (repaired, mostly by RDATA) */
    long repaired() {
        long n = 0;
        for (Source s : sources.values()) {
            n += s.window.repaired();
        }
        return n;
    }

    /** @return missing ranges (pending or given up) over all sources */
    int missingRanges() {
        int n = 0;
        for (Source s : sources.values()) {
            n += s.window.naks().rangeCount();
        }
        return n;
    }

    /** @return TSDU bytes held after missing packets, over all sources */
    long windowBytes() {
        return heldBytes;
    }

    /** @return messages delivered */
    long messages() {
        return messages;
    }

    /** @return data packets taken */
    long packets() {
        return packets;
    }

    /** @return data packets lost beyond repair */
    long lostPackets() {
        return lostPackets;
    }

    /** @return runs of packets lost beyond repair */
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

    /** @return bytes held for messages in progress and in receive windows, over all sources */
    long heldBytes() {
        long n = heldBytes;
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
