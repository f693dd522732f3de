package io.zconn.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A multipart ZeroMQ message: an ordered list of frames that travel together. Use it with
 * {@link Socket#send(Message)} and {@link Socket#recvMessage()}. Mutable and not thread-safe, like
 * a {@code StringBuilder}; the MORE flags of its frames are set when it is sent. {@link #close()}
 * gives back the memory of its lent frames (see {@link Frame#release()}); it holds nothing else.
 */
public final class Message implements Iterable<Frame>, AutoCloseable {
    private final ArrayList<Frame> frames;

    /** Creates an empty message. */
    public Message() {
        this.frames = new ArrayList<>(4);
    }

    /**
     * @param frames the frames, in order
     */
    public Message(List<Frame> frames) {
        this.frames = new ArrayList<>(frames);
    }

    /**
     * @param parts frame contents, in order
     * @return a message with one frame per array
     */
    public static Message of(byte[]... parts) {
        Message m = new Message();
        for (byte[] p : parts) {
            m.add(p);
        }
        return m;
    }

    /**
     * @param parts frame contents as UTF-8 strings
     * @return a message with one frame per string
     */
    public static Message of(String... parts) {
        Message m = new Message();
        for (String p : parts) {
            m.add(p);
        }
        return m;
    }

    /**
     * @param frame a frame to append
     * @return this message
     */
    public Message add(Frame frame) {
        frames.add(Objects.requireNonNull(frame, "frame"));
        return this;
    }

    /**
     * @param data bytes to append as a frame (not copied)
     * @return this message
     */
    public Message add(byte[] data) {
        return add(Frame.wrap(data));
    }

    /**
     * @param text a string to append as a UTF-8 frame
     * @return this message
     */
    public Message add(String text) {
        return add(Frame.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Inserts a frame at the front (e.g. a routing id for ROUTER).
     *
     * @param frame the frame
     * @return this message
     */
    public Message push(Frame frame) {
        frames.add(0, Objects.requireNonNull(frame, "frame"));
        return this;
    }

    /**
     * Removes and returns the first frame.
     *
     * @return the first frame, or null when empty
     */
    public Frame pop() {
        return frames.isEmpty() ? null : frames.remove(0);
    }

    /**
     * @param index frame index
     * @return that frame
     */
    public Frame get(int index) {
        return frames.get(index);
    }

    /** @return the number of frames */
    public int size() {
        return frames.size();
    }

    /** @return whether there are no frames */
    public boolean isEmpty() {
        return frames.isEmpty();
    }

    /** @return the frames, as an unmodifiable list */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /**
     * The properties of the connection the message was received on ({@code zmq_msg_gets}): those
     * of its first frame that has any (a ROUTER's routing-id frame carries them too). See
     * {@link Frame#metadata()}.
     *
     * @return the properties, {@link PeerMetadata#EMPTY} when none
     */
    public PeerMetadata metadata() {
        for (Frame f : frames) {
            if (!f.metadata().isEmpty()) {
                return f.metadata();
            }
        }
        return PeerMetadata.EMPTY;
    }

    /**
     * @param name a property name, any case (e.g. {@link PeerMetadata#SOCKET_TYPE})
     * @return its value for the connection the message came over, or empty
     */
    public Optional<String> property(String name) {
        return metadata().get(name);
    }

    /** @return the sum of the frames' sizes */
    public long contentSize() {
        long n = 0;
        for (Frame f : frames) {
            n += f.size();
        }
        return n;
    }

    /**
     * {@link Frame#release() Releases} every frame: gives back the pooled memory of frames received
     * with {@link ZmqOption#RECV_DIRECT}; the frames must not be used afterwards. Nothing to do for
     * other frames. The message keeps its frames.
     */
    @Override
    public void close() {
        for (Frame f : frames) {
            f.release();
        }
    }

    @Override
    public Iterator<Frame> iterator() {
        return frames.iterator();
    }

    /** Two messages are equal when their frames' bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.frames.equals(frames);
    }

    @Override
    public int hashCode() {
        return frames.hashCode();
    }

    @Override
    public String toString() {
        return "Message" + frames;
    }
}
