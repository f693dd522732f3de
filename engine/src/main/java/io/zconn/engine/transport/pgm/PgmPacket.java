package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

/**
 * One PGM packet (RFC 3208) as OpenPGM sends it inside a UDP datagram: the 16-byte common header
 * (source port, destination port, type, options, checksum, GSI, TSDU length), the fields of its
 * type, its options (OPT_LENGTH first, then e.g. OPT_FRAGMENT), and where its TSDU lies in the
 * datagram. A parsed packet is a fixed-size view: it keeps the datagram's array, never copies it,
 * so parsing allocates one small object whatever the packet holds.
 *
 * <p>Types parsed: SPM, ODATA, RDATA, NAK, NNAK, NCF and SPMR; others are refused. The checksum,
 * when not zero, is the Internet checksum over the whole PGM packet (header, type fields, options
 * and TSDU) and is checked.
 */
public final class PgmPacket {
    /** Length of the common header. */
    public static final int HEADER = 16;
    /** Source Path Message. */
    public static final int SPM = 0x00;
    /** Original data. */
    public static final int ODATA = 0x04;
    /** Repair data. */
    public static final int RDATA = 0x05;
    /** Negative acknowledgement. */
    public static final int NAK = 0x08;
    /** Null NAK (from a network element). */
    public static final int NNAK = 0x09;
    /** NAK confirmation. */
    public static final int NCF = 0x0a;
    /** SPM request. */
    public static final int SPMR = 0x0c;
    /** Options byte: options follow the type fields. */
    public static final int OPT_PRESENT = 0x01;
    /** Options byte: some option is network-significant. */
    public static final int OPT_NETWORK = 0x02;
    /** Option type of OPT_LENGTH (always first). */
    public static final int OPT_LENGTH = 0x00;
    /** Option type of OPT_FRAGMENT. */
    public static final int OPT_FRAGMENT = 0x01;
    /** Option type of OPT_NAK_LIST. */
    public static final int OPT_NAK_LIST = 0x02;
    /** Set in the type byte of the last option. */
    public static final int OPT_END = 0x80;
    /** Address family of an IPv4 NLA. */
    public static final int AFI_IP = 1;
    /** Address family of an IPv6 NLA. */
    public static final int AFI_IP6 = 2;

    private final byte[] buf;
    private final int start;
    private final int length;
    private int sourcePort;
    private int destPort;
    private int type;
    private int options;
    private long gsi;
    private int tsduLength;
    private long sqn;
    private long trail;
    private long lead;
    private int nlaAfi;
    private int nlaOffset;
    private int groupAfi;
    private int groupOffset;
    private int tsduOffset;
    private boolean fragment;
    private long fragmentSqn;
    private long fragmentOffset;
    private long fragmentLength;
    private int nakListOffset;
    private int nakListCount;

    private PgmPacket(byte[] buf, int start, int length) {
        this.buf = buf;
        this.start = start;
        this.length = length;
    }

    /**
     * Parses a packet from a datagram's payload. The array is kept, not copied: do not change it
     * while the packet is in use.
     *
     * @param buf    the datagram
     * @param offset where the PGM packet starts
     * @param length its length (the rest of the datagram)
     * @return the packet
     * @throws ZmqException EPROTO for anything that is not a well-formed packet of a parsed type
     */
    public static PgmPacket parse(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IllegalArgumentException("range outside the array");
        }
        if (length < HEADER) {
            throw bad("shorter than the PGM header: " + length + " bytes");
        }
        PgmPacket p = new PgmPacket(buf, offset, length);
        p.sourcePort = p.u16(0);
        p.destPort = p.u16(2);
        p.type = buf[offset + 4] & 0xff;
        p.options = buf[offset + 5] & 0xff;
        int checksum = p.u16(6);
        p.gsi = (p.u32(8) << 16) | p.u16(12);
        p.tsduLength = p.u16(14);
        if (checksum != 0 && Checksum.of(buf, offset, length) != 0) {
            throw bad("checksum mismatch");
        }
        int pos = switch (p.type) {
            case SPM -> p.spm();
            case ODATA, RDATA -> p.data();
            case NAK, NNAK, NCF -> p.nak();
            case SPMR -> HEADER;
            default -> throw bad("unsupported PGM type 0x" + Integer.toHexString(p.type));
        };
        pos = p.parseOptions(pos);
        if (p.type == ODATA || p.type == RDATA) {
            if (length - pos != p.tsduLength) {
                throw bad("TSDU length " + p.tsduLength + " but " + (length - pos) + " bytes follow");
            }
        } else if (p.tsduLength != 0 || pos != length) {
            // OpenPGM sends no TSDU with control packets; trailing bytes mean a malformed packet
            throw bad("control packet of type 0x" + Integer.toHexString(p.type) + " with " + (length - pos)
                    + " trailing bytes, TSDU length " + p.tsduLength);
        }
        p.tsduOffset = pos;
        return p;
    }

    private int spm() {
        need(HEADER + 16);
        sqn = u32(16);
        trail = u32(20);
        lead = u32(24);
        nlaAfi = u16(28);
        nlaOffset = HEADER + 16;
        return nlaOffset + nlaSize(nlaAfi, nlaOffset);
    }

    private int data() {
        need(HEADER + 8);
        sqn = u32(16);
        trail = u32(20);
        return HEADER + 8;
    }

    private int nak() {
        need(HEADER + 8);
        sqn = u32(16);
        nlaAfi = u16(20);
        nlaOffset = HEADER + 8;
        int pos = nlaOffset + nlaSize(nlaAfi, nlaOffset);
        need(pos + 4);
        groupAfi = u16(pos);
        groupOffset = pos + 4;
        return groupOffset + nlaSize(groupAfi, groupOffset);
    }

    private int nlaSize(int afi, int at) {
        int size = switch (afi) {
            case AFI_IP -> 4;
            case AFI_IP6 -> 16;
            default -> throw bad("unknown NLA address family " + afi);
        };
        need(at + size);
        return size;
    }

    private int parseOptions(int pos) {
        if ((options & OPT_PRESENT) == 0) {
            return pos;
        }
        need(pos + 4);
        if ((buf[start + pos] & 0x7f) != OPT_LENGTH || (buf[start + pos + 1] & 0xff) != 4) {
            throw bad("options do not start with OPT_LENGTH");
        }
        int total = u16(pos + 2);
        if (total < 4 || total > length - pos) {
            throw bad("OPT_LENGTH " + total + " beyond the packet");
        }
        int end = pos + total;
        int at = pos + 4;
        boolean last = (buf[start + pos] & OPT_END) != 0;
        while (!last) {
            if (end - at < 2) {
                throw bad("options end without OPT_END");
            }
            int t = buf[start + at] & 0xff;
            int len = buf[start + at + 1] & 0xff;
            if (len < 2 || len > end - at) {
                throw bad("option length " + len + " beyond OPT_LENGTH");
            }
            if ((t & 0x7f) == OPT_FRAGMENT) {
                if (len < 16) {
                    throw bad("OPT_FRAGMENT of " + len + " bytes");
                }
                fragment = true;
                fragmentSqn = u32(at + 4);
                fragmentOffset = u32(at + 8);
                fragmentLength = u32(at + 12);
            }
            if ((t & 0x7f) == OPT_NAK_LIST && (type == NAK || type == NCF || type == NNAK)) {
                if (len < 4 || (len - 4) % 4 != 0) {
                    throw bad("OPT_NAK_LIST of " + len + " bytes");
                }
                nakListOffset = at + 4;
                nakListCount = (len - 4) / 4;
            }
            last = (t & OPT_END) != 0;
            at += len;
        }
        if (at != end) {
            throw bad("OPT_END before the end of OPT_LENGTH");
        }
        return end;
    }

    private void need(int bytes) {
        if (bytes > length) {
            throw bad("truncated packet of type 0x" + Integer.toHexString(type) + ": " + length + " bytes");
        }
    }

    private int u16(int at) {
        return ((buf[start + at] & 0xff) << 8) | (buf[start + at + 1] & 0xff);
    }

    private long u32(int at) {
        return ((long) u16(at) << 16) | u16(at + 2);
    }

    private static ZmqException bad(String why) {
        return new ZmqException(Errno.EPROTO, "malformed PGM packet: " + why);
    }

    /** @return the PGM source port (with the GSI, the TSI) */
    public int sourcePort() {
        return sourcePort;
    }

    /** @return the PGM destination port (libzmq: the endpoint's port) */
    public int destPort() {
        return destPort;
    }

    /** @return the type, e.g. {@link #ODATA} */
    public int type() {
        return type;
    }

    /** @return the options byte ({@link #OPT_PRESENT}, ...) */
    public int options() {
        return options;
    }

    /** @return the 48-bit global source id */
    public long gsi() {
        return gsi;
    }

    /** @return the transport session id: GSI and source port in one number */
    public long tsi() {
        return (gsi << 16) | sourcePort;
    }

    /** @return the TSDU length from the header */
    public int tsduLength() {
        return tsduLength;
    }

    /** @return the data sequence number (ODATA, RDATA), SPM sequence number, or requested one (NAK, NCF) */
    public long sqn() {
        return sqn;
    }

    /** @return the trailing edge of the transmit window (ODATA, RDATA, SPM) */
    public long trail() {
        return trail;
    }

    /** @return the leading edge of the transmit window (SPM) */
    public long lead() {
        return lead;
    }

    /** @return the source NLA's address family (SPM: the path; NAK, NCF: the source), 0 for others */
    public int nlaAfi() {
        return nlaAfi;
    }

    /** @return a copy of the source NLA's address bytes (4 or 16), empty for types without one */
    public byte[] nla() {
        return nlaAfi == 0 ? new byte[0] : copy(nlaOffset, nlaAfi == AFI_IP ? 4 : 16);
    }

    /** @return a copy of the multicast group NLA of a NAK or NCF, empty for other types */
    public byte[] groupNla() {
        return groupAfi == 0 ? new byte[0] : copy(groupOffset, groupAfi == AFI_IP ? 4 : 16);
    }

    private byte[] copy(int at, int n) {
        byte[] b = new byte[n];
        System.arraycopy(buf, start + at, b, 0, n);
        return b;
    }

    /** @return how many more sequence numbers a NAK, NNAK or NCF names in OPT_NAK_LIST (0 without one) */
    public int nakListCount() {
        return nakListCount;
    }

    /**
     * @param i which one, 0 to {@link #nakListCount()} - 1
     * @return that sequence number of the OPT_NAK_LIST
     */
    public long nakListSqn(int i) {
        if (i < 0 || i >= nakListCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return u32(nakListOffset + 4 * i);
    }

    /** @return whether OPT_FRAGMENT is present (part of an APDU larger than one TSDU) */
    public boolean isFragment() {
        return fragment;
    }

    /** @return OPT_FRAGMENT: the first sequence number of the APDU */
    public long fragmentSqn() {
        return fragmentSqn;
    }

    /** @return OPT_FRAGMENT: this fragment's offset in the APDU */
    public long fragmentOffset() {
        return fragmentOffset;
    }

    /** @return OPT_FRAGMENT: the APDU's length */
    public long fragmentLength() {
        return fragmentLength;
    }

    /** @return the datagram array the TSDU lies in (not a copy) */
    public byte[] array() {
        return buf;
    }

    /** @return where the TSDU starts in {@link #array()} */
    public int tsduStart() {
        return start + tsduOffset;
    }

    /** @return the number of bytes of the packet */
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        return "PGM type 0x" + Integer.toHexString(type) + " tsi " + Long.toHexString(tsi()) + " sqn " + sqn
                + " tsdu " + tsduLength;
    }
}
