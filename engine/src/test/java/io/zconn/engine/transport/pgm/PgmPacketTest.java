package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgmPacketTest {

    @Test
    void parsesLibzmqOdataAndChecksItsChecksum() {
        byte[] b = Fixtures.packet("libzmq-odata-0");
        PgmPacket p = PgmPacket.parse(b, 0, b.length);
        assertEquals(PgmPacket.ODATA, p.type());
        assertEquals(Fixtures.SPORT, p.sourcePort());
        assertEquals(5555, p.destPort());
        assertEquals(Fixtures.GSI, p.gsi());
        assertEquals(0, p.sqn());
        assertEquals(0, p.trail());
        assertEquals(1428, p.tsduLength());
        assertEquals(PgmPacket.HEADER + 8, p.tsduStart());
        assertFalse(p.isFragment());
        // the TSDU: libzmq's leading offset (0: a message starts at once), then "hello" in v1 framing
        assertEquals(0, b[p.tsduStart()]);
        assertEquals(0, b[p.tsduStart() + 1]);
        assertEquals(6, b[p.tsduStart() + 2]);
    }

    @Test
    void aFlippedBitFailsTheChecksum() {
        byte[] b = Fixtures.packet("libzmq-odata-1");
        b[100] ^= 0x10;
        ZmqException e = assertThrows(ZmqException.class, () -> PgmPacket.parse(b, 0, b.length));
        assertEquals(Errno.EPROTO, e.errno());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void parsesLibzmqSpm() {
        byte[] b = Fixtures.packet("libzmq-spm");
        PgmPacket p = PgmPacket.parse(b, 0, b.length);
        assertEquals(PgmPacket.SPM, p.type());
        assertEquals(3, p.sqn());
        assertEquals(0, p.trail());
        assertEquals(2, p.lead());
        assertEquals(PgmPacket.AFI_IP, p.nlaAfi());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, p.nla());
    }

    @Test
    void writerReproducesLibzmqPacketsByteForByteChecksumIncluded() {
        for (String name : new String[] {"libzmq-odata-0", "libzmq-odata-1", "libzmq-odata-2"}) {
            byte[] b = Fixtures.packet(name);
            PgmPacket p = PgmPacket.parse(b, 0, b.length);
            byte[] w = PgmWriter.data(PgmPacket.ODATA, p.gsi(), p.sourcePort(), p.destPort(), p.sqn(), p.trail(),
                    b, p.tsduStart(), p.tsduLength());
            assertArrayEquals(b, w, name);
        }
        byte[] spm = Fixtures.packet("libzmq-spm");
        PgmPacket s = PgmPacket.parse(spm, 0, spm.length);
        // the SPM came from OpenPGM's send socket, whose PGM source port is the data's
        assertArrayEquals(spm, PgmWriter.spm(s.gsi(), s.sourcePort(), s.destPort(), s.sqn(), s.trail(), s.lead(), s.nla()));
    }

    @Test
    void nakAndNcfRoundTrip() {
        byte[] src = {10, 0, 0, 7};
        byte[] grp = {(byte) 239, (byte) 192, 1, 1};
        for (int type : new int[] {PgmPacket.NAK, PgmPacket.NCF}) {
            byte[] b = PgmWriter.nak(type, Fixtures.GSI, 5555, Fixtures.SPORT, 0xfffffffeL, src, grp);
            PgmPacket p = PgmPacket.parse(b, 0, b.length);
            assertEquals(type, p.type());
            assertEquals(0xfffffffeL, p.sqn());
            assertArrayEquals(src, p.nla());
            assertArrayEquals(grp, p.groupNla());
            assertEquals(Fixtures.GSI, p.gsi());
        }
    }

    @Test
    void readsOptFragmentAfterOptLength() {
        byte[] tsdu = {1, 2, 3};
        byte[] plain = PgmWriter.data(PgmPacket.ODATA, 1, 2, 3, 7, 0, tsdu, 0, tsdu.length);
        byte[] b = new byte[plain.length + 20];
        System.arraycopy(plain, 0, b, 0, 24);
        b[5] = PgmPacket.OPT_PRESENT;
        b[6] = 0;
        b[7] = 0;
        byte[] opts = {0, 4, 0, 20, (byte) (PgmPacket.OPT_END | PgmPacket.OPT_FRAGMENT), 16, 0, 0,
            0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0, 12};
        System.arraycopy(opts, 0, b, 24, 20);
        System.arraycopy(tsdu, 0, b, 44, 3);
        int c = Checksum.of(b, 0, b.length);
        b[6] = (byte) (c >>> 8);
        b[7] = (byte) c;
        PgmPacket p = PgmPacket.parse(b, 0, b.length);
        assertTrue(p.isFragment());
        assertEquals(5, p.fragmentSqn());
        assertEquals(9, p.fragmentOffset());
        assertEquals(12, p.fragmentLength());
        assertEquals(44, p.tsduStart());
        assertEquals(3, p.tsduLength());
    }

    @Test
    void truncatedOrInconsistentPacketsAreProtocolErrors() {
        byte[] b = Fixtures.packet("libzmq-odata-2");
        for (int len : new int[] {0, 15, 16, 23, 24, b.length - 1}) {
            byte[] t = Arrays.copyOf(b, len);
            if (len >= 8) {
                t[6] = 0; // no checksum: the length checks must catch it
                t[7] = 0;
            }
            assertEquals(Errno.EPROTO, assertThrows(ZmqException.class, () -> PgmPacket.parse(t, 0, t.length)).errno(),
                    "length " + len);
        }
        byte[] unknown = b.clone();
        unknown[4] = 0x07;
        unknown[6] = 0;
        unknown[7] = 0;
        assertEquals(Errno.EPROTO, assertThrows(ZmqException.class,
                () -> PgmPacket.parse(unknown, 0, unknown.length)).errno());
    }

    @Test
    void parsesInsideALargerBufferWithoutCopying() {
        byte[] b = Fixtures.packet("libzmq-odata-0");
        byte[] big = new byte[b.length + 10];
        System.arraycopy(b, 0, big, 7, b.length);
        PgmPacket p = PgmPacket.parse(big, 7, b.length);
        assertTrue(p.array() == big);
        assertEquals(7 + PgmPacket.HEADER + 8, p.tsduStart());
    }
}
