package io.zconn.engine.transport.pgm;

/**
 * Writes PGM packets (RFC 3208) as OpenPGM reads them over UDP: the common header with a filled-in
 * checksum, and the fields of ODATA/RDATA, SPM, NAK and NCF with IPv4 NLAs. No options are written
 * (libzmq's sender puts each TSDU in one packet, so OPT_FRAGMENT is not needed).
 */
public final class PgmWriter {
    private PgmWriter() {
    }

    /**
     * Writes an ODATA or RDATA packet.
     *
     * @param type       {@link PgmPacket#ODATA} or {@link PgmPacket#RDATA}
     * @param gsi        the 48-bit global source id
     * @param sourcePort the PGM source port
     * @param destPort   the PGM destination port
     * @param sqn        the data sequence number
     * @param trail      the transmit window's trailing edge
     * @param tsdu       the data
     * @param off        where it starts
     * @param len        its length (at most 65535)
     * @return the packet
     */
    public static byte[] data(int type, long gsi, int sourcePort, int destPort, long sqn, long trail,
                              byte[] tsdu, int off, int len) {
        if (type != PgmPacket.ODATA && type != PgmPacket.RDATA) {
            throw new IllegalArgumentException("not a data type: " + type);
        }
        if (len > 0xffff) {
            throw new IllegalArgumentException("TSDU over 65535 bytes");
        }
        byte[] p = new byte[PgmPacket.HEADER + 8 + len];
        header(p, type, gsi, sourcePort, destPort, len);
        u32(p, 16, sqn);
        u32(p, 20, trail);
        System.arraycopy(tsdu, off, p, PgmPacket.HEADER + 8, len);
        return checksum(p);
    }

    /**
     * Writes an SPM with an IPv4 path NLA.
     *
     * @param gsi        the 48-bit global source id
     * @param sourcePort the PGM source port
     * @param destPort   the PGM destination port
     * @param spmSqn     the SPM's own sequence number
     * @param trail      the transmit window's trailing edge
     * @param lead       its leading edge
     * @param nla        the source's IPv4 address (4 bytes)
     * @return the packet
     */
    public static byte[] spm(long gsi, int sourcePort, int destPort, long spmSqn, long trail, long lead, byte[] nla) {
        byte[] p = new byte[PgmPacket.HEADER + 16 + 4];
        header(p, PgmPacket.SPM, gsi, sourcePort, destPort, 0);
        u32(p, 16, spmSqn);
        u32(p, 20, trail);
        u32(p, 24, lead);
        u16(p, 28, PgmPacket.AFI_IP);
        System.arraycopy(ipv4(nla), 0, p, 32, 4);
        return checksum(p);
    }

    /**
     * Writes a NAK or NCF for one sequence number, with IPv4 NLAs. A NAK goes from a receiver to
     * the source: its ports are the source's swapped.
     *
     * @param type       {@link PgmPacket#NAK}, {@link PgmPacket#NNAK} or {@link PgmPacket#NCF}
     * @param gsi        the source's GSI
     * @param sourcePort the header's source port
     * @param destPort   the header's destination port
     * @param sqn        the requested sequence number
     * @param source     the source's IPv4 address
     * @param group      the multicast group's IPv4 address
     * @return the packet
     */
    public static byte[] nak(int type, long gsi, int sourcePort, int destPort, long sqn, byte[] source, byte[] group) {
        if (type != PgmPacket.NAK && type != PgmPacket.NNAK && type != PgmPacket.NCF) {
            throw new IllegalArgumentException("not a NAK type: " + type);
        }
        byte[] p = new byte[PgmPacket.HEADER + 4 + 8 + 8];
        header(p, type, gsi, sourcePort, destPort, 0);
        u32(p, 16, sqn);
        u16(p, 20, PgmPacket.AFI_IP);
        System.arraycopy(ipv4(source), 0, p, 24, 4);
        u16(p, 28, PgmPacket.AFI_IP);
        System.arraycopy(ipv4(group), 0, p, 32, 4);
        return checksum(p);
    }

    // ---- the source's repair packets (NCF with OPT_NAK_LIST, RDATA) ----------------------------

    /**
     * Writes the RDATA that repairs an ODATA: the same packet (header, options, TSDU) with the
     * type RDATA and the transmit window's current trailing edge, as OpenPGM retransmits.
     *
     * @param odata an ODATA packet as {@link #data} wrote it
     * @param trail the trailing edge now
     * @return a new packet; {@code odata} is not changed
     */
    public static byte[] rdata(byte[] odata, long trail) {
        if (odata.length < PgmPacket.HEADER + 8 || odata[4] != PgmPacket.ODATA) {
            throw new IllegalArgumentException("not an ODATA packet");
        }
        byte[] p = odata.clone();
        p[4] = (byte) PgmPacket.RDATA;
        u32(p, 20, trail);
        p[6] = 0;
        p[7] = 0;
        return checksum(p);
    }

    /**
     * Writes the NCF a source multicasts for a NAK: the sequence numbers confirmed, the first in
     * the packet and the others (at most {@link PgmPacket#MAX_NAK_LIST}) in OPT_NAK_LIST, with the
     * NAK's NLAs and the source's own ports.
     *
     * @param gsi        the source's GSI
     * @param sourcePort the source's data-source port
     * @param destPort   the destination port (the endpoint's)
     * @param sqns       the sequence numbers confirmed
     * @param count      how many of {@code sqns} (1 to 63)
     * @param source     the source's IPv4 address
     * @param group      the multicast group's IPv4 address
     * @return the packet
     */
    public static byte[] ncf(long gsi, int sourcePort, int destPort, long[] sqns, int count, byte[] source,
                             byte[] group) {
        return listed(PgmPacket.NCF, gsi, sourcePort, destPort, sqns, count, source, group);
    }

    // ---- receiver side: NAK with OPT_NAK_LIST, SPMR ----

    /**
     * Writes a NAK for up to {@link NakScheduler#NAK_LIST_MAX} sequence numbers, as OpenPGM does:
     * the first in the NAK's own field, the others in an OPT_NAK_LIST. One number gives a plain NAK.
     *
     * @param gsi        the source's GSI
     * @param sourcePort the header's source port (the data's destination port)
     * @param destPort   the header's destination port (the source's port)
     * @param sqns       the sequence numbers (32-bit values in longs)
     * @param count      how many (1 to 63)
     * @param source     the source's IPv4 NLA (from its SPM)
     * @param group      the multicast group's IPv4 address
     * @return the packet
     */
    public static byte[] nakList(long gsi, int sourcePort, int destPort, long[] sqns, int count, byte[] source,
                                 byte[] group) {
        return listed(PgmPacket.NAK, gsi, sourcePort, destPort, sqns, count, source, group);
    }

    /**
     * A NAK or NCF naming several sequence numbers: the first in the packet's own field, the others
     * in an OPT_NAK_LIST (after OPT_LENGTH; the options flagged present and network-significant).
     */
    private static byte[] listed(int type, long gsi, int sourcePort, int destPort, long[] sqns, int count,
                                 byte[] source, byte[] group) {
        if (count < 1 || count > PgmPacket.MAX_NAK_LIST + 1 || count > sqns.length) {
            throw new IllegalArgumentException("a NAK or NCF names 1 to " + (PgmPacket.MAX_NAK_LIST + 1)
                    + " sequence numbers: " + count);
        }
        if (count == 1) {
            return nak(type, gsi, sourcePort, destPort, sqns[0], source, group);
        }
        int base = PgmPacket.HEADER + 4 + 8 + 8;
        int list = 4 + 4 * (count - 1);
        byte[] p = new byte[base + 4 + list];
        header(p, type, gsi, sourcePort, destPort, 0);
        p[5] = (byte) (PgmPacket.OPT_PRESENT | PgmPacket.OPT_NETWORK);
        u32(p, 16, sqns[0]);
        u16(p, 20, PgmPacket.AFI_IP);
        System.arraycopy(ipv4(source), 0, p, 24, 4);
        u16(p, 28, PgmPacket.AFI_IP);
        System.arraycopy(ipv4(group), 0, p, 32, 4);
        p[base] = PgmPacket.OPT_LENGTH;
        p[base + 1] = 4;
        u16(p, base + 2, 4 + list);
        p[base + 4] = (byte) (PgmPacket.OPT_NAK_LIST | PgmPacket.OPT_END);
        p[base + 5] = (byte) list;
        for (int i = 1; i < count; i++) {
            u32(p, base + 8 + 4 * (i - 1), sqns[i]);
        }
        return checksum(p);
    }

    /**
     * Writes an SPMR: a receiver asks a source for an SPM (it needs the source's NLA to NAK).
     *
     * @param gsi        the source's GSI
     * @param sourcePort the header's source port (the data's destination port)
     * @param destPort   the header's destination port (the source's port)
     * @return the packet
     */
    public static byte[] spmr(long gsi, int sourcePort, int destPort) {
        byte[] p = new byte[PgmPacket.HEADER];
        header(p, PgmPacket.SPMR, gsi, sourcePort, destPort, 0);
        return checksum(p);
    }

    private static byte[] ipv4(byte[] a) {
        if (a.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + a.length + " bytes");
        }
        return a;
    }

    private static void header(byte[] p, int type, long gsi, int sourcePort, int destPort, int tsduLength) {
        u16(p, 0, sourcePort);
        u16(p, 2, destPort);
        p[4] = (byte) type;
        p[5] = 0;
        u32(p, 8, gsi >>> 16);
        u16(p, 12, (int) gsi);
        u16(p, 14, tsduLength);
    }

    private static byte[] checksum(byte[] p) {
        int c = Checksum.of(p, 0, p.length);
        // zero means "no checksum": a computed zero is sent as its ones' complement twin
        u16(p, 6, c == 0 ? 0xffff : c);
        return p;
    }

    private static void u16(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 8);
        p[at + 1] = (byte) v;
    }

    private static void u32(byte[] p, int at, long v) {
        u16(p, at, (int) (v >>> 16));
        u16(p, at + 2, (int) v);
    }
}
