package io.zconn.ra.api;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable multipart ZeroMQ message as applications see it: an ordered list of frames.
 * Envelopes (routing ids, the REQ/REP delimiter) are handled by the resource adapter and never
 * appear here. Frames handed in are copied, frames handed out are copies, so instances can be
 * shared freely between threads.
 *
 * <p>A message the adapter delivers also carries the <em>properties of the connection</em> it
 * arrived on, as libzmq's {@code zmq_msg_gets} reads them: {@code Socket-Type}, {@code Routing-Id}
 * (alias {@code Identity}), {@code Peer-Address}, {@code User-Id} (set by the PLAIN mechanism or
 * the ZAP handler, e.g. the PLAIN user name or the CURVE client's public key in Z85), the
 * ZAP handler's metadata and the peer's READY properties (e.g. {@code X-Tenant}). Read them with
 * {@link #userId()} and {@link #property(String)}; names compare case-insensitively. They are
 * what this side's mechanism established, never what the sender put in a frame. Messages made
 * with {@code of(...)} carry none; messages received over inproc carry none either (as in libzmq).
 * Properties do not take part in {@link #equals}: two messages are equal when their frames are.
 */
public final class ZmqMessage implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The name of the property the security mechanism or the ZAP handler sets for the peer. */
    public static final String USER_ID = "User-Id";
    private static final String ROUTING_ID = "Routing-Id";
    private static final String IDENTITY = "Identity";

    private final List<byte[]> frames;
    /**
     * The connection's properties: an unmodifiable case-insensitive map, empty for messages made
     * by applications; null only in the serialized form of a message from a version without them
     * (see {@link #readResolve}).
     */
    private final Map<String, String> properties;

    private ZmqMessage(List<byte[]> frames) {
        this(frames, Collections.emptyMap());
    }

    private ZmqMessage(List<byte[]> frames, Map<String, String> properties) {
        this.frames = frames;
        this.properties = properties;
    }

    /** A message serialized before properties existed gets none rather than a null map. */
    private Object readResolve() {
        return properties == null ? new ZmqMessage(frames) : this;
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

    /**
     * The frames themselves, not copies: only for the adapter's send, which hands them to the engine
     * without copying (they were copied when the message was made, so no application holds them, and an
     * engine {@code Frame} is an immutable view of its bytes). Package-private: the adapter reaches it with a private lookup
     * ({@code io.zconn.ra.outbound.ZmqManagedConnection}), applications cannot.
     *
     * @return the unmodifiable list of the message's own frame arrays, which must not be changed
     */
    List<byte[]> ownFrames() {
        return frames;
    }

    /** @return the frames decoded as UTF-8, in order */
    public List<String> texts() {
        List<String> out = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            out.add(new String(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The user id the security mechanism established for the sender: for PLAIN the user name, for
     * CURVE whatever the ZAP handler answered (the adapter's allow-list answers the client's public
     * key in Z85, as pyzmq's authenticator does), for NULL with a ZAP handler its answer.
     *
     * @return the {@code User-Id} property of the connection the message came over, or empty when
     *         there is none (no ZAP handler answered one, inproc, or a message made with {@code of})
     */
    public Optional<String> userId() {
        return property(USER_ID);
    }

    /**
     * A property of the connection the message came over, like libzmq's {@code zmq_msg_gets}.
     * Values are the property's bytes decoded as UTF-8 (a binary routing id does not survive
     * that; read routing ids the peer chose as text only).
     *
     * @param name a property name, any case: {@code Socket-Type}, {@code Routing-Id} (or
     *             {@code Identity}), {@code Peer-Address}, {@code User-Id}, a ZAP metadata name
     *             or a READY property such as {@code X-Tenant}
     * @return its value, or empty when the connection has no such property
     */
    public Optional<String> property(String name) {
        Objects.requireNonNull(name, "name");
        String v = properties.get(name);
        if (v == null && ROUTING_ID.equalsIgnoreCase(name)) {
            v = properties.get(IDENTITY);
        } else if (v == null && IDENTITY.equalsIgnoreCase(name)) {
            v = properties.get(ROUTING_ID);
        }
        return Optional.ofNullable(v);
    }

    /**
     * @return all the connection's properties (an unmodifiable map whose keys compare
     *         case-insensitively), empty for messages made by applications
     */
    public Map<String, String> properties() {
        return properties;
    }

    /**
     * The same frames with connection properties: what the adapter uses for the messages it
     * delivers, and what a unit test of a listener uses to stand in for it. Nothing checks the
     * values: a message an application made this way carries whatever it was given, so code that
     * trusts a {@code User-Id} must only read it from messages the adapter delivered.
     *
     * @param properties names (any case; the first of names equal ignoring case wins) and values; copied
     * @return a message with these frames and exactly these properties
     */
    public ZmqMessage withProperties(Map<String, String> properties) {
        Objects.requireNonNull(properties, "properties");
        if (properties.isEmpty()) {
            return this.properties.isEmpty() ? this : new ZmqMessage(frames);
        }
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            copy.putIfAbsent(Objects.requireNonNull(e.getKey(), "property name"),
                    Objects.requireNonNull(e.getValue(), "property value"));
        }
        return new ZmqMessage(frames, Collections.unmodifiableMap(copy));
    }

    /**
     * The same frames with the properties of another message, shared rather than copied (they are
     * immutable): how the adapter gives every message of one connection the properties it decoded
     * once for that connection.
     *
     * @param source the message whose properties to take
     * @return a message with these frames and exactly the properties of {@code source}
     */
    @SuppressWarnings("ReferenceEquality") // the same map: nothing to share
    public ZmqMessage withPropertiesOf(ZmqMessage source) {
        Map<String, String> p = Objects.requireNonNull(source, "source").properties;
        return p == properties ? this : new ZmqMessage(frames, p);
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
