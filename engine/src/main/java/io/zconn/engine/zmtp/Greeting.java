package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The 64-byte ZMTP 3.x greeting:
 * <pre>
 * signature  FF 00*8 7F     (10 bytes; byte 9 has bit 0 set)
 * version    major minor    (2 bytes)
 * mechanism  NUL-padded     (20 bytes, e.g. "NULL")
 * as-server  00|01          (1 byte)
 * filler     00*31
 * </pre>
 *
 * @param major     protocol major version (3)
 * @param minor     protocol minor version (1 for ZMTP 3.1, 0 for 3.0)
 * @param mechanism security mechanism name
 * @param asServer  whether the sender is the mechanism's server
 */
public record Greeting(int major, int minor, String mechanism, boolean asServer) {
    /** Size of a whole greeting. */
    public static final int SIZE = 64;
    /** Size of the signature at its start. */
    public static final int SIGNATURE_SIZE = 10;
    private static final int MECHANISM_SIZE = 20;

    /** @param out where to write the 64 bytes */
    public void encode(ByteBuf out) {
        out.writeByte(0xFF);
        out.writeZero(8);
        out.writeByte(0x7F);
        out.writeByte(major);
        out.writeByte(minor);
        byte[] m = mechanism.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(m, 0, Math.min(m.length, MECHANISM_SIZE));
        out.writeZero(MECHANISM_SIZE - Math.min(m.length, MECHANISM_SIZE));
        out.writeByte(asServer ? 1 : 0);
        out.writeZero(31);
    }

    /**
     * Checks whatever part of the signature and version has arrived, without consuming it, so a
     * non-ZMTP peer is refused after its first byte.
     *
     * @param in the bytes received so far
     * @throws ZmtpException when they cannot start a ZMTP 3 greeting
     */
    public static void checkSignature(ByteBuf in) {
        String refusal = refusal(in);
        if (refusal != null) {
            throw new ZmtpException(refusal);
        }
    }

    /**
     * What {@link #checkSignature} says about the bytes received so far, without throwing and
     * without consuming them.
     *
     * @param in the bytes received so far
     * @return why they cannot start a ZMTP 3 greeting, or null when they can
     */
    public static String refusal(ByteBuf in) {
        int r = in.readerIndex();
        int n = in.readableBytes();
        if (n >= 1 && in.getUnsignedByte(r) != 0xFF) {
            return "bad greeting signature (first byte 0x" + Integer.toHexString(in.getUnsignedByte(r)) + ", expected 0xff)";
        }
        if (n >= SIGNATURE_SIZE && (in.getByte(r + 9) & 1) == 0) {
            return "bad greeting signature (byte 9 lacks bit 0)";
        }
        if (n > SIGNATURE_SIZE && in.getUnsignedByte(r + SIGNATURE_SIZE) < 3) {
            return "unsupported ZMTP version " + in.getUnsignedByte(r + SIGNATURE_SIZE) + ".x (need 3.x)";
        }
        return null;
    }

    /**
     * Consumes and validates a greeting.
     *
     * @param in at least {@link #SIZE} readable bytes
     * @return the peer's greeting
     * @throws ZmtpException when malformed or older than ZMTP 3
     */
    public static Greeting decode(ByteBuf in) {
        checkSignature(in);
        in.skipBytes(SIGNATURE_SIZE);
        int major = in.readUnsignedByte();
        int minor = in.readUnsignedByte();
        byte[] m = new byte[MECHANISM_SIZE];
        in.readBytes(m);
        int len = 0;
        while (len < MECHANISM_SIZE && m[len] != 0) {
            len++;
        }
        for (int i = len; i < MECHANISM_SIZE; i++) {
            if (m[i] != 0) {
                throw new ZmtpException("malformed mechanism name in greeting").protocolCode(ZmtpException.MALFORMED_COMMAND);
            }
        }
        boolean asServer = in.readUnsignedByte() == 1;
        in.skipBytes(31);
        if (major < 3) {
            throw new ZmtpException("unsupported ZMTP version " + major + "." + minor + " (need 3.x)");
        }
        return new Greeting(major, minor, new String(m, 0, len, StandardCharsets.US_ASCII), asServer);
    }
}
