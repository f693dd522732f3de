package io.zconn.engine.transport.pgm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** The captured libzmq packets (see README.txt next to them) and a v1 framing writer for tests. */
final class Fixtures {
    /** libzmq's PGM source port of the capture. */
    static final int SPORT = 0xddeb;
    /** The GSI of the capture. */
    static final long GSI = 0xb7c6d1bc038aL;

    private Fixtures() {
    }

    static byte[] packet(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name + ".hex")) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param more  the more flag
     * @param body  the frame's body
     * @return the frame in libzmq's v1 framing
     */
    static byte[] v1(boolean more, byte[] body) {
        long size = body.length + 1L;
        int head = size < 255 ? 2 : 10;
        byte[] out = new byte[head + body.length];
        if (head == 2) {
            out[0] = (byte) size;
        } else {
            out[0] = (byte) 0xff;
            for (int i = 0; i < 8; i++) {
                out[1 + i] = (byte) (size >>> (56 - 8 * i));
            }
        }
        out[head - 1] = (byte) (more ? 1 : 0);
        System.arraycopy(body, 0, out, head, body.length);
        return out;
    }

    /**
     * @param sqn    the sequence number
     * @param offset the leading offset (0xffff: no message starts here)
     * @param stream the framed bytes carried
     * @return an ODATA packet of the capture's source
     */
    static byte[] odata(long sqn, int offset, byte[] stream) {
        byte[] tsdu = new byte[2 + stream.length];
        tsdu[0] = (byte) (offset >>> 8);
        tsdu[1] = (byte) offset;
        System.arraycopy(stream, 0, tsdu, 2, stream.length);
        return PgmWriter.data(PgmPacket.ODATA, GSI, SPORT, 5555, sqn, 0, tsdu, 0, tsdu.length);
    }
}
