package io.zconn.engine.zmtp;

/**
 * Lets tests outside this package (the fuzz targets) see what a {@link FrameDecoder} retains: the
 * bytes of partly received bodies it holds, and the constants its bound is made of.
 */
public final class DecoderProbe {
    /** A body of at least this many bytes is taken as it arrives ({@link FrameDecoder#STREAM_THRESHOLD}). */
    public static final int STREAM_THRESHOLD = FrameDecoder.STREAM_THRESHOLD;
    /** The most a partly received body holds beyond its received bytes ({@link FrameDecoder#CHUNK}). */
    public static final int CHUNK = FrameDecoder.CHUNK;

    private DecoderProbe() {
    }

    /**
     * @param decoder a decoder
     * @return bytes of partly received bodies it holds (array capacities, not counting the
     *         caller's buffer)
     */
    public static long heldBytes(FrameDecoder decoder) {
        return decoder.heldBytes();
    }
}
