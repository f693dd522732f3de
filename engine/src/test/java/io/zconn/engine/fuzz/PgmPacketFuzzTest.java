package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.transport.pgm.PgmPacket;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes {@link PgmPacket#parse} with arbitrary datagrams. Byte 0 bit 0 set: the checksum field
 * (bytes 6-7 of the packet) is zeroed ("no checksum") so that the fuzzer reaches the type fields and
 * options; the packet is the rest of the input, parsed at an offset inside the array. Properties:
 * <ul>
 *   <li>the only failure is a {@link ZmqException} with {@link Errno#EPROTO};</li>
 *   <li>a parsed packet is a view: its array is the input's, its TSDU lies inside the packet and
 *       ends where the packet does for data packets; control packets have no TSDU;</li>
 *   <li>sequence numbers are 32-bit and the GSI 48-bit, unsigned.</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/PgmPacketFuzzTestInputs/}.
 */
class PgmPacketFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void datagramsParseOnlyIntoProtocolErrorsOrConsistentViews(byte[] input) {
        if (input.length < 1) {
            return;
        }
        byte[] b = input.clone();
        if ((b[0] & 1) != 0 && b.length >= 9) {
            b[7] = 0;
            b[8] = 0;
        }
        int off = 1;
        int len = b.length - 1;
        PgmPacket p;
        try {
            p = PgmPacket.parse(b, off, len);
        } catch (ZmqException e) {
            check(e.errno() == Errno.EPROTO, () -> "not EPROTO: " + e);
            return;
        }
        check(p.array() == b, "the packet copied its datagram");
        check(p.length() == len, "length");
        check(p.tsduStart() >= off + PgmPacket.HEADER && p.tsduStart() <= off + len, "TSDU outside the packet");
        if (p.type() == PgmPacket.ODATA || p.type() == PgmPacket.RDATA) {
            check(p.tsduStart() + p.tsduLength() == off + len, "TSDU does not end with the packet");
        } else {
            check(p.tsduLength() == 0 && p.tsduStart() == off + len, "control packet with a TSDU");
        }
        check(p.sqn() >= 0 && p.sqn() <= 0xffffffffL && p.trail() >= 0 && p.trail() <= 0xffffffffL,
                "sequence numbers out of range");
        check(p.gsi() >= 0 && p.gsi() < (1L << 48), "GSI out of range");
    }
}
