package io.zconn.ra.api;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An immutable multipart ZeroMQ message as applications see it: an ordered list of frames.
 * Envelopes (routing ids, the REQ/REP delimiter) are handled by the resource adapter and never
 * appear here. Frames handed in are copied, frames handed out are copies, so instances can be
 * shared freely between threads.
 */
public final class ZmqMessage implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<byte[]> frames;

    private ZmqMessage(List<byte[]> frames) {
        this.frames = frames;
    }

    /**
     * @param frames frame contents, in order (at least one); copied
     * @return the message
     */
    public static ZmqMessage of(byte[]... frames) {
        return of(Arrays.asList(frames));
    }

    /**
     * @param frames frame contents, in order (at least one); copied
     * @return the message
     */
    public static ZmqMessage of(List<byte[]> frames) {
        Objects.requireNonNull(frames, "frames");
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a message has at least one frame");
        }
        List<byte[]> copy = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            copy.add(Objects.requireNonNull(f, "frame").clone());
        }
        return new ZmqMessage(Collections.unmodifiableList(copy));
    }

    /**
     * @param frames frame contents as strings, encoded as UTF-8 (at least one)
     * @return the message
     */
    public static ZmqMessage of(String... frames) {
        List<byte[]> list = new ArrayList<>(frames.length);
        for (String f : frames) {
            list.add(Objects.requireNonNull(f, "frame").getBytes(StandardCharsets.UTF_8));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a message has at least one frame");
        }
        return new ZmqMessage(Collections.unmodifiableList(list));
    }

    /** @return the number of frames (at least one) */
    public int size() {
        return frames.size();
    }

    /**
     * @param index frame index
     * @return a copy of that frame's bytes
     */
    public byte[] frame(int index) {
        return frames.get(index).clone();
    }

    /**
     * @param index frame index
     * @return that frame decoded as UTF-8
     */
    public String text(int index) {
        return new String(frames.get(index), StandardCharsets.UTF_8);
    }

    /** @return the first frame decoded as UTF-8 */
    public String text() {
        return text(0);
    }

    /** @return copies of all frames, in order */
    public List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            out.add(f.clone());
        }
        return out;
    }

    /** @return the frames decoded as UTF-8, in order */
    public List<String> texts() {
        List<String> out = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Two messages are equal when they have the same frames with the same bytes. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZmqMessage m) || m.frames.size() != frames.size()) {
            return false;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!Arrays.equals(frames.get(i), m.frames.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (byte[] f : frames) {
            h = 31 * h + Arrays.hashCode(f);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ZmqMessage[");
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            byte[] f = frames.get(i);
            boolean printable = f.length <= 64;
            for (byte b : f) {
                printable &= b >= 0x20 && b < 0x7f;
            }
            sb.append(printable ? '"' + new String(f, StandardCharsets.US_ASCII) + '"' : f.length + " bytes");
        }
        return sb.append(']').toString();
    }
}
