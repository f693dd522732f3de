package io.zconn.itests.interop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One socket of an interop scenario, whichever implementation is behind it. Frames are compared
 * as descriptors: hex for up to 64 bytes ("-" when empty), "#length:sha256" above.
 */
interface TestSocket extends AutoCloseable {
    /** @return what the socket runs on, for messages */
    String impl();

    /** @return the endpoint actually bound */
    String bind(String endpoint);

    void connect(String endpoint);

    void setInt(String option, int value);

    void setBytes(String option, byte[] value);

    /** Sends a multipart message of the given frames (descriptor syntax of zmq_peer.py). */
    void send(List<byte[]> frames);

    /** @return the frame descriptors of the next message, or null on timeout */
    List<String> recv(Duration timeout);

    @Override
    void close();

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String describe(byte[] data) {
        if (data.length == 0) {
            return "-";
        }
        if (data.length > 64) {
            try {
                return "#" + data.length + ":" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return HexFormat.of().formatHex(data);
    }

    static List<String> describe(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(describe(f));
        }
        return out;
    }
}
