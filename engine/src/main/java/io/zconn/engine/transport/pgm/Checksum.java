package io.zconn.engine.transport.pgm;

/** The Internet checksum (RFC 1071) PGM uses: the ones' complement of the ones' complement sum of 16-bit words. */
final class Checksum {
    private Checksum() {
    }

    /**
     * @param b   bytes
     * @param off first byte
     * @param len number of bytes (an odd last byte is padded with zero)
     * @return the checksum; 0 when the range holds a correct checksum field
     */
    static int of(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
