package io.zconn.engine.transport.pgm;

import io.zconn.engine.ZmqException;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The sending half of PGM (RFC 3208) as OpenPGM does it for libzmq, without the network: decides
 * which packet goes next and when, and answers NAKs. Driven by one thread with the time passed
 * in, so tests control the clock.
 *
 * <ul>
 * <li>ODATA: each TSDU gets the next sequence number and is kept in the {@link TransmitWindow};
 * its trail (and the SPMs' trail and lead) tell receivers what can still be repaired.</li>
 * <li>NAK (with OPT_NAK_LIST): accepted only when addressed to this source (GSI, ports swapped as
 * receivers send them, our NLA, our group) with a good checksum. The sequence numbers still in the
 * window are confirmed by one NCF (multicast, before anything else) and queued for RDATA; those
 * outside get nothing (the trail already told receivers they are lost). A sequence number already
 * queued is not queued again. At most {@link #MAX_REPAIRS} repairs and {@link #MAX_NCFS} NCFs
 * wait; past that, NAKs are dropped (receivers repeat them).</li>
 * <li>RDATA: the kept ODATA with the current trail; repairs and new data alternate while both
 * wait.</li>
 * <li>SPM: first, then when idle after data every {@link #HEARTBEAT_NANOS} for
 * {@link #HEARTBEATS} times (libzmq's OpenPGM heartbeat starts so), at least every ambient
 * interval, and soon after an SPMR.</li>
 * <li>RATE: every packet (ODATA, RDATA, NCF, SPM) is paced with its IP and UDP headers counted,
 * as OpenPGM counts; the sender may fall behind by at most {@link #BURST_NANOS} and catch up.</li>
 * </ul>
 */
final class PgmSource {
    /** Repairs waiting at most. */
    static final int MAX_REPAIRS = 4096;
    /** NCFs waiting at most. */
    static final int MAX_NCFS = 64;
    /** Heartbeat SPM interval after data. */
    static final long HEARTBEAT_NANOS = 100_000_000L;
    /** Heartbeat SPMs after data before the ambient interval. */
    static final int HEARTBEATS = 4;
    /** How far the sender may fall behind RATE and catch up at once. */
    static final long BURST_NANOS = 10_000_000L;
    /** IPv4 and UDP headers, counted against RATE (epgm). */
    private static final int IP_UDP = 28;
    private static final long MASK = 0xffffffffL;

    private final int headerBytes;
    private final long gsi;
    private final int sourcePort;
    private final int destPort;
    private final byte[] nla;
    private final byte[] group;
    private final TransmitWindow window;
    private final long bytesPerSecond;
    private final long ambientNanos;
    private final ArrayDeque<byte[]> ncfs = new ArrayDeque<>();
    private final ArrayDeque<Long> repairs = new ArrayDeque<>();
    private final Set<Long> queued = new HashSet<>();
    private final long[] nakSqns = new long[PgmPacket.MAX_NAK_LIST + 1];
    private long spmSqn;
    private long nextSend;
    private long lastSpm;
    private long nextHeartbeat;
    private int heartbeats = HEARTBEATS;
    private boolean spmRequested = true;
    private boolean lastWasRepair;
    // counters
    private long odata;
    private long rdata;
    private long ncfCount;
    private long spms;
    private long naks;
    private long nakedOutside;
    private long duplicates;
    private long droppedNaks;
    private long badNaks;
    private String lastBad = "";

    /** Counters of a source, for tests and diagnostics. */
    record Stats(long odata, long rdata, long ncfs, long spms, long naks, long nakedOutsideWindow, long duplicates,
                 long droppedNaks, long badNaks, int windowPackets, long windowBytes) {
    }

    /**
     * @param gsi            the 48-bit global source id
     * @param sourcePort     the data-source port
     * @param destPort       the destination port (the endpoint's port)
     * @param nla            our IPv4 address, as the SPMs say (4 bytes)
     * @param group          the group's IPv4 address (4 bytes)
     * @param window         the transmit window
     * @param bytesPerSecond RATE in bytes per second
     * @param ambientNanos   the longest interval between SPMs
     * @param now            the time now (System.nanoTime)
     */
    PgmSource(long gsi, int sourcePort, int destPort, byte[] nla, byte[] group, TransmitWindow window,
              long bytesPerSecond, long ambientNanos, long now) {
        this(gsi, sourcePort, destPort, nla, group, window, bytesPerSecond, ambientNanos, now, IP_UDP);
    }

    /**
     * As the other constructor, with the network's header bytes per packet counted against RATE
     * (28: IPv4 and UDP for epgm; 20: IPv4 alone for pgm).
     */
    PgmSource(long gsi, int sourcePort, int destPort, byte[] nla, byte[] group, TransmitWindow window,
              long bytesPerSecond, long ambientNanos, long now, int headerBytes) {
        if (nla.length != 4 || group.length != 4 || bytesPerSecond <= 0) {
            throw new IllegalArgumentException("IPv4 addresses and a positive rate are needed");
        }
        this.gsi = gsi;
        this.sourcePort = sourcePort;
        this.destPort = destPort;
        this.nla = nla.clone();
        this.group = group.clone();
        this.window = window;
        this.bytesPerSecond = bytesPerSecond;
        this.ambientNanos = ambientNanos;
        this.nextSend = now;
        this.lastSpm = now;
        this.nextHeartbeat = now;
        this.headerBytes = headerBytes;
    }

    /**
     * Takes a datagram that reached the source's port: NAKs and SPMRs for this source are acted on,
     * anything else is ignored (bad NAKs are counted, see {@link #badNaks()}).
     *
     * @param buf the datagram
     * @param off where it starts
     * @param len its length
     * @param now the time now
     */
    void control(byte[] buf, int off, int len, long now) {
        if (len < PgmPacket.HEADER) {
            return;
        }
        int type = buf[off + 4] & 0xff;
        if (type != PgmPacket.NAK && type != PgmPacket.SPMR) {
            return; // our own packets looped back, NCFs, other traffic: nothing for a source
        }
        PgmPacket p;
        try {
            p = PgmPacket.parse(buf, off, len);
        } catch (ZmqException e) {
            bad(e.getMessage());
            return;
        }
        // receivers echo the source's TSI with the ports swapped
        if (p.gsi() != gsi || p.destPort() != sourcePort || p.sourcePort() != destPort) {
            bad("for another source: GSI " + Long.toHexString(p.gsi()) + " ports " + p.sourcePort() + "->"
                    + p.destPort());
            return;
        }
        if (type == PgmPacket.SPMR) {
            spmRequested = true;
            return;
        }
        if (p.nlaAfi() != PgmPacket.AFI_IP || !Arrays.equals(p.nla(), nla) || !Arrays.equals(p.groupNla(), group)) {
            bad("for another source address or group");
            return;
        }
        naks++;
        int n = 0;
        int asked = 1 + p.nakListSize();
        for (int i = 0; i < asked; i++) {
            long sqn = i == 0 ? p.sqn() : p.nakListSqn(i - 1);
            if (!window.contains(sqn)) {
                nakedOutside++;
                continue;
            }
            nakSqns[n++] = sqn;
            if (queued.contains(sqn)) {
                duplicates++;
            } else if (repairs.size() >= MAX_REPAIRS) {
                droppedNaks++;
            } else {
                repairs.add(sqn);
                queued.add(sqn);
            }
        }
        if (n == 0) {
            return;
        }
        if (ncfs.size() >= MAX_NCFS) {
            droppedNaks++;
            return;
        }
        ncfs.add(PgmWriter.ncf(gsi, sourcePort, destPort, nakSqns, n, nla, group));
    }

    private void bad(String why) {
        badNaks++;
        lastBad = why;
    }

    /**
     * The packet to send now, if RATE allows one: an NCF, a due SPM, then RDATA and ODATA
     * alternating while both wait.
     *
     * @param now   the time now
     * @param tsdus gives the next TSDU to send as ODATA, or null when none is ready
     * @return the packet (charged against RATE), or null when nothing is to be sent now
     */
    byte[] poll(long now, Supplier<byte[]> tsdus) {
        if (nextSend - now > 0) {
            return null;
        }
        byte[] p = ncfs.poll();
        if (p != null) {
            ncfCount++;
        } else if (spmRequested || now - lastSpm >= ambientNanos) {
            p = spm(now);
        } else {
            if (!lastWasRepair) {
                p = repair(now);
            }
            if (p == null) {
                byte[] tsdu = tsdus.get();
                if (tsdu != null) {
                    p = PgmWriter.data(PgmPacket.ODATA, gsi, sourcePort, destPort, window.next(),
                            window.trailAfterAdd(), tsdu, 0, tsdu.length);
                    window.add(p);
                    odata++;
                    lastWasRepair = false;
                    afterData(now);
                } else {
                    p = repair(now);
                }
            }
            if (p == null && heartbeats < HEARTBEATS && now - nextHeartbeat >= 0) {
                p = spm(now); // idle after data: receivers learn the lead and can ask for a lost tail
            }
        }
        if (p != null) {
            nextSend = Math.max(nextSend, now - BURST_NANOS) + (p.length + headerBytes) * 1_000_000_000L / bytesPerSecond;
        }
        return p;
    }

    private byte[] repair(long now) {
        Long sqn;
        while ((sqn = repairs.poll()) != null) {
            queued.remove(sqn);
            byte[] kept = window.get(sqn);
            if (kept != null) { // else it left the window while waiting
                rdata++;
                lastWasRepair = true;
                afterData(now);
                return PgmWriter.rdata(kept, window.trail());
            }
        }
        lastWasRepair = false;
        return null;
    }

    private void afterData(long now) {
        heartbeats = 0;
        nextHeartbeat = now + HEARTBEAT_NANOS;
    }

    private byte[] spm(long now) {
        byte[] p = PgmWriter.spm(gsi, sourcePort, destPort, spmSqn, window.trail(), window.lead(), nla);
        spmSqn = (spmSqn + 1) & MASK;
        spms++;
        spmRequested = false;
        lastSpm = now;
        if (heartbeats < HEARTBEATS && now - nextHeartbeat >= 0) {
            heartbeats++;
            nextHeartbeat = now + HEARTBEAT_NANOS;
        }
        return p;
    }

    /**
     * How long the sender may wait before calling {@link #poll} again (it also calls it when a
     * datagram or a message arrives).
     *
     * @param now         the time now
     * @param dataWaiting whether a TSDU is ready to send
     * @return nanoseconds, 0 when something may be sent now
     */
    long waitNanos(long now, boolean dataWaiting) {
        long rate = Math.max(0, nextSend - now);
        if (dataWaiting || !ncfs.isEmpty() || !repairs.isEmpty() || spmRequested) {
            return rate;
        }
        long spm = lastSpm + ambientNanos - now;
        if (heartbeats < HEARTBEATS) {
            spm = Math.min(spm, nextHeartbeat - now);
        }
        return Math.max(rate, Math.max(0, spm));
    }

    /** @return whether no NCF, repair or heartbeat SPM is still to be sent */
    boolean settled() {
        return ncfs.isEmpty() && repairs.isEmpty() && heartbeats >= HEARTBEATS && !spmRequested;
    }

    /** @return bad NAKs (malformed, another source's, another group's) seen so far */
    long badNaks() {
        return badNaks;
    }

    /** @return why the last bad NAK was bad */
    String lastBadNak() {
        return lastBad;
    }

    /** @return the transmit window */
    TransmitWindow window() {
        return window;
    }

    /** @return the counters */
    Stats stats() {
        return new Stats(odata, rdata, ncfCount, spms, naks, nakedOutside, duplicates, droppedNaks, badNaks,
                window.size(), window.bytes());
    }
}
