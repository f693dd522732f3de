package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.PeerMetadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads ZMTP 3 frames from accumulated bytes, delivering data frames and commands to a
 * {@link Sink}. Reserved flag bits are ignored, as libzmq does.
 *
 * <p><b>Memory is bounded by what the peer sent, never by what its header announces.</b> A frame's
 * size is checked against MAXMSGSIZE from its header alone. A frame smaller than
 * {@link #STREAM_THRESHOLD} waits whole in the caller's buffer and is then copied once into its own
 * array. A larger frame's body is taken from the caller's buffer as it arrives: a body of at most
 * {@link #CHUNK} bytes straight into its final array (allocated when its first byte arrives), a
 * larger one into {@value #CHUNK}-byte chunks, each allocated only when bytes for it arrive, joined
 * into one array when the last byte is in (one extra copy, only for frames over 64 KiB). So a peer
 * that announces 1 GiB and sends 10 bytes costs at most 64 KiB, and a connection holds at most the
 * bytes it received plus one chunk (and a {@value #SCRATCH}-byte array for runs of short frames
 * read from a direct buffer, allocated once). (libzmq allocates the announced size at once and relies on the
 * OS committing pages lazily; a Java array is zeroed, so that would pin the announced size.)
 *
 * <p><b>Commands.</b> libzmq bounds commands by MAXMSGSIZE only; so does this decoder, so every
 * command libzmq accepts is accepted. On top of that each command is bounded by what this end does
 * with it:
 * <ul>
 *   <li>PING (at most 23 bytes), PONG (21) and ERROR (262) are refused as soon as their header and
 *       name announce more than their format allows, before any of their body is awaited;</li>
 *   <li>commands this end does not use — unknown names, READY after the handshake, SUBSCRIBE and
 *       CANCEL on sockets that take no subscriptions ({@link Subscriptions#DISCARD}) — are dropped
 *       byte by byte as they arrive, whatever their size: CPU linear in their size, no memory;</li>
 *   <li>commands that are kept — handshake commands (e.g. a large READY) and SUBSCRIBE/CANCEL for
 *       PUB/XPUB — are accumulated exactly like large data frames.</li>
 * </ul>
 * A SUBSCRIBE or CANCEL inside a multipart message (between a frame with MORE and the message's
 * last frame) breaks the ZMTP grammar and is a protocol error when subscriptions are delivered as
 * frames.
 */
public final class FrameDecoder {
    private static final int MORE = 1, LONG = 2, COMMAND = 4;
    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;
    /** Frames and kept commands at least this large are taken as their bytes arrive. */
    static final int STREAM_THRESHOLD = 8192;
    /** A large body is kept in chunks of this size, each allocated when its first byte arrives. */
    static final int CHUNK = 64 * 1024;
    /** A large body's missing bytes are read straight into its buffer when at least this many remain. */
    static final int READ_TARGET_MIN = 8192;
    private static final int DATA = 0, SUBSCRIPTION = 1, KEPT_COMMAND = 2;

    /** What becomes of SUBSCRIBE and CANCEL commands (ZMTP 3.1). */
    public enum Subscriptions {
        /** Delivered to {@link Sink#onCommand} as {@link Command.Subscribe} and {@link Command.Cancel}. */
        AS_COMMANDS,
        /**
         * Delivered to {@link Sink#onFrame} as the single-frame messages ZMTP 3.0 uses for them (a
         * byte 1 or 0, then the topic), so they take the same path, HWM and back-pressure as data:
         * for PUB and XPUB.
         */
        AS_FRAMES,
        /** Dropped as their bytes arrive (sockets that take no subscriptions). */
        DISCARD
    }

    /** Where decoded frames go. */
    public interface Sink {
        /**
         * @param frame a data frame
         * @return false to stop decoding after this frame (back-pressure); call decode again later
         */
        boolean onFrame(Frame frame);

        /**
         * @param command a command frame
         * @return false to stop decoding after this command; call decode again later
         */
        boolean onCommand(Command command);

        /**
         * A command this end does not use is being dropped unread.
         *
         * @param name its name
         * @param size its body size
         */
        default void onDiscarded(String name, long size) {
        }
    }

    private final long maxMsgSize;
    private final Sink sink;
    private final boolean handshake;
    private final boolean raw;
    private final Subscriptions subscriptions;
    private final PeerMetadata metadata;
    private boolean failed;
    private boolean lastMore;
    private Body body;
    private long skip;
    /** Where large data bodies go when lent in direct memory; null: heap arrays. */
    private BodyPool pool;

    /**
     * A decoder for the data phase that hands SUBSCRIBE and CANCEL to {@link Sink#onCommand}.
     *
     * @param maxMsgSize largest accepted frame body, -1 for no limit but the JVM's array limit
     * @param sink       receives frames
     */
    public FrameDecoder(long maxMsgSize, Sink sink) {
        this(maxMsgSize, sink, Subscriptions.AS_COMMANDS, PeerMetadata.EMPTY, false, false);
    }

    /**
     * A decoder for the data phase.
     *
     * @param maxMsgSize    largest accepted frame body, -1 for no limit but the JVM's array limit
     * @param sink          receives frames
     * @param subscriptions what to do with SUBSCRIBE and CANCEL
     */
    public FrameDecoder(long maxMsgSize, Sink sink, Subscriptions subscriptions) {
        this(maxMsgSize, sink, subscriptions, PeerMetadata.EMPTY, false, false);
    }

    /**
     * A decoder for the data phase of a connection whose frames carry its metadata.
     *
     * @param maxMsgSize    largest accepted frame body, -1 for no limit but the JVM's array limit
     * @param sink          receives frames
     * @param subscriptions what to do with SUBSCRIBE and CANCEL
     * @param metadata      the connection's properties, referenced by every frame decoded
     */
    public FrameDecoder(long maxMsgSize, Sink sink, Subscriptions subscriptions, PeerMetadata metadata) {
        this(maxMsgSize, sink, subscriptions, metadata, false, false);
    }

    private FrameDecoder(long maxMsgSize, Sink sink, Subscriptions subscriptions, PeerMetadata metadata,
                         boolean handshake, boolean raw) {
        this.maxMsgSize = maxMsgSize < 0 ? ARRAY_LIMIT : Math.min(maxMsgSize, ARRAY_LIMIT);
        this.sink = sink;
        this.subscriptions = subscriptions;
        this.metadata = metadata;
        this.handshake = handshake;
        this.raw = raw;
    }

    /**
     * A decoder for the handshake: every command is kept and passed to {@link Sink#onCommand}
     * (bounded by MAXMSGSIZE, as in libzmq), a data frame is a protocol error from its first byte.
     *
     * @param maxMsgSize largest accepted command, -1 for no limit but the JVM's array limit
     * @param sink       receives the commands
     * @return the decoder
     */
    public static FrameDecoder forHandshake(long maxMsgSize, Sink sink) {
        return forHandshake(maxMsgSize, sink, false);
    }

    /**
     * A decoder for the handshake of a mechanism that reads its commands itself (CURVE, whose READY
     * holds a box, not metadata): every command but ERROR reaches the sink as
     * {@link Command.Unknown} with its name and the bytes after it.
     *
     * @param maxMsgSize largest accepted command, -1 for no limit but the JVM's array limit
     * @param sink       receives the commands
     * @param raw        whether commands are handed over unparsed
     * @return the decoder
     */
    public static FrameDecoder forHandshake(long maxMsgSize, Sink sink, boolean raw) {
        return new FrameDecoder(maxMsgSize, sink, Subscriptions.AS_COMMANDS, PeerMetadata.EMPTY, true, raw);
    }

    /**
     * Receives data bodies of {@link BodyPool#MIN_BODY} to {@link BodyPool#MAX_BODY} bytes into
     * buffers of {@code pool}, handed over as {@link Frame#lend lent} frames (read-only). The bound on
     * memory holds: a body whose bytes have not all arrived takes a buffer only if one is idle (memory
     * already held) or if it is at most {@value #CHUNK} bytes (as a heap body would); otherwise its
     * bytes are kept in chunks as they arrive and joined into a pooled buffer once complete. When the
     * pool is at its limit, bodies are arrays as without it.
     *
     * @param pool the pool, or null for heap arrays
     * @return this decoder
     */
    public FrameDecoder directBodies(BodyPool pool) {
        this.pool = pool;
        return this;
    }

    /**
     * Decodes every complete frame in {@code in}, and takes the bytes of a large frame as they come.
     *
     * @param in accumulated bytes; what is decoded is consumed
     * @throws ZmtpException on a protocol violation (the decoder then stays failed)
     */
    public void decode(ByteBuf in) {
        if (failed) {
            throw new ZmtpException("decoder already failed");
        }
        try {
            run(in);
        } catch (ZmtpException e) {
            failed = true;
            body = null;
            throw e;
        } catch (RuntimeException | Error e) {
            failed = true;
            body = null; // let the partial body go at once (OutOfMemoryError)
            throw e;
        }
    }

    private void run(ByteBuf in) {
        while (true) {
            if (body != null) {
                if (!body.fill(in)) {
                    return;
                }
                Body b = body;
                body = null;
                if (!deliver(b)) {
                    return;
                }
                continue;
            }
            if (skip > 0) {
                int n = (int) Math.min(skip, in.readableBytes());
                in.skipBytes(n);
                skip -= n;
                if (skip > 0) {
                    return;
                }
                continue;
            }
            int avail = in.readableBytes();
            if (avail < 2) {
                return;
            }
            int r = in.readerIndex();
            if (!handshake && avail >= SMALL_RUN_MIN && isSmallDataFrame(in.getUnsignedByte(r))) {
                if (!smallFrames(in)) {
                    return;
                }
                // the frame that ended the run goes the general way
                avail = in.readableBytes();
                if (avail < 2) {
                    return;
                }
                r = in.readerIndex();
            }
            int flags = in.getUnsignedByte(r);
            boolean command = (flags & COMMAND) != 0;
            boolean more = (flags & MORE) != 0;
            if (handshake && !command) {
                throw new ZmtpException("data frame before the handshake completed");
            }
            if (command && more) {
                throw new ZmtpException("command frame with the MORE flag set");
            }
            int headerSize = (flags & LONG) != 0 ? 9 : 2;
            if (avail < headerSize) {
                return;
            }
            long size = headerSize == 9 ? in.getLong(r + 1) : in.getUnsignedByte(r + 1);
            if (size < 0 || size > maxMsgSize) {
                throw new ZmtpException(Errno.EMSGSIZE, (command ? "command" : "frame") + " of "
                        + Long.toUnsignedString(size) + " bytes exceeds the limit of " + maxMsgSize);
            }
            if (command) {
                if (!command(in, r, headerSize, (int) size)) {
                    return;
                }
            } else if (avail - headerSize >= size) {
                in.skipBytes(headerSize);
                lastMore = more;
                ByteBuffer direct = pool != null && BodyPool.pooled(size) ? pool.take((int) size) : null;
                Frame frame;
                if (direct != null) {
                    direct.limit((int) size);
                    in.readBytes(direct);
                    frame = lent(direct, (int) size, more);
                } else {
                    byte[] data = new byte[(int) size];
                    in.readBytes(data);
                    frame = Frame.wrap(data, more, metadata);
                }
                if (!sink.onFrame(frame)) {
                    return;
                }
            } else if (size >= STREAM_THRESHOLD) {
                in.skipBytes(headerSize);
                lastMore = more;
                body = new Body(DATA, (int) size, more, (byte) -1);
                body.pool = pool != null && BodyPool.pooled(size) ? pool : null;
            } else {
                return;
            }
        }
    }

    // ---- small data frames in a run ------------------------------------------------------------
    //
    // Messages of a few bytes come many to a read: reading each header and body through the
    // ByteBuf's checked accessors costs more than the bytes themselves. A run of short data frames
    // is decoded from a plain array instead: the buffer's own array when it has one, otherwise up to
    // SCRATCH bytes copied in one call into a scratch array this decoder keeps (allocated when
    // first needed; a constant per connection, whatever the peer sends). Only what is decoded is
    // consumed from the buffer; a frame that is not a complete short data frame ends the run and is
    // left to the general path, which applies every check (commands, long frames, limits).

    /** Bytes copied at once into the scratch array. */
    static final int SCRATCH = 2048;
    /** A run starts only with at least this many bytes readable (a few frames' worth). */
    private static final int SMALL_RUN_MIN = 16;
    private byte[] scratch;

    private static boolean isSmallDataFrame(int flags) {
        return (flags & (COMMAND | LONG)) == 0;
    }

    /**
     * Decodes complete short data frames from the start of {@code in} until another kind of frame,
     * an incomplete one, or the sink's back-pressure; consumes exactly the frames delivered.
     *
     * @return false when the sink asked to stop
     */
    private boolean smallFrames(ByteBuf in) {
        while (true) {
            int avail = in.readableBytes();
            int start = in.readerIndex();
            byte[] a;
            int base;
            int n;
            if (in.hasArray()) {
                a = in.array();
                base = in.arrayOffset() + start;
                n = avail;
            } else {
                if (scratch == null) {
                    scratch = new byte[SCRATCH];
                }
                a = scratch;
                base = 0;
                n = Math.min(avail, SCRATCH);
                in.getBytes(start, a, 0, n);
            }
            int p = 0;
            boolean crossed = true; // the run reached the end of the bytes looked at
            while (p + 2 <= n) {
                int flags = a[base + p] & 0xff;
                int size = a[base + p + 1] & 0xff;
                if (!isSmallDataFrame(flags) || size > maxMsgSize) {
                    crossed = false;
                    break;
                }
                int from = base + p + 2;
                if (from + size > base + n) {
                    break;
                }
                byte[] data = Arrays.copyOfRange(a, from, from + size);
                p += 2 + size;
                in.readerIndex(start + p); // consumed before it is delivered, as on the general path
                boolean more = (flags & MORE) != 0;
                lastMore = more;
                if (!sink.onFrame(Frame.wrap(data, more, metadata))) {
                    return false;
                }
            }
            if (!crossed || n == avail || p == 0) {
                // the next frame is another kind, or incomplete in all there is (p == 0 with a
                // partial window cannot be: a short frame is smaller than the window)
                return true;
            }
        }
    }

    /** @return whether decoding may go on now */
    private boolean command(ByteBuf in, int r, int headerSize, int size) {
        if (size == 0) {
            throw new ZmtpException("empty command frame");
        }
        int avail = in.readableBytes();
        if (avail < headerSize + 1) {
            return false;
        }
        int nameLen = in.getUnsignedByte(r + headerSize);
        String name;
        if (nameLen == 0x5e && size > Command.LIBZMQ_ERROR_PREFIX_LENGTH
                && avail < headerSize + Command.LIBZMQ_ERROR_PREFIX_LENGTH) {
            return false; // perhaps libzmq's mangled ERROR: 5 bytes tell
        }
        if (Command.isLibzmqError(in, r + headerSize, Math.min(size, avail - headerSize))) {
            name = "ERROR";
            nameLen = Command.LIBZMQ_ERROR_PREFIX_LENGTH - 1;
        } else {
            if (nameLen == 0 || nameLen > size - 1) {
                throw new ZmtpException("malformed command: name length " + nameLen + " exceeds frame").protocolCode(ZmtpException.MALFORMED_COMMAND);
            }
            if (avail < headerSize + 1 + nameLen) {
                return false; // at most 9 + 256 bytes wait
            }
            name = in.toString(r + headerSize + 1, nameLen, StandardCharsets.US_ASCII);
        }
        int cap = Command.maxSize(name);
        if (cap >= 0 && size > cap) {
            throw new ZmtpException("malformed " + name + " command of " + size + " bytes (at most " + cap + ")").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        boolean subscription = name.equals("SUBSCRIBE") || name.equals("CANCEL");
        boolean kept = handshake || (subscription ? subscriptions != Subscriptions.DISCARD : cap >= 0);
        if (!kept) {
            in.skipBytes(headerSize);
            skip = size;
            sink.onDiscarded(name, size);
            return true;
        }
        boolean whole = avail - headerSize >= size;
        if (!whole && size < STREAM_THRESHOLD) {
            return false; // a small command waits whole in the caller's buffer
        }
        if (subscription && subscriptions == Subscriptions.AS_FRAMES) {
            if (lastMore) {
                throw new ZmtpException(name + " command inside a multipart message");
            }
            byte kind = (byte) (name.equals("SUBSCRIBE") ? 1 : 0);
            int topic = size - 1 - nameLen;
            in.skipBytes(headerSize + 1 + nameLen);
            if (!whole) {
                body = new Body(SUBSCRIPTION, topic, false, kind);
                return true;
            }
            byte[] d = new byte[1 + topic];
            d[0] = kind;
            in.readBytes(d, 1, topic);
            return sink.onFrame(Frame.wrap(d, false, metadata));
        }
        in.skipBytes(headerSize);
        if (!whole) {
            body = new Body(KEPT_COMMAND, size, false, (byte) -1);
            return true;
        }
        return sink.onCommand(parse(in.readSlice(size), false, raw));
    }

    /** A frame lending {@code size} bytes of a pool's buffer, read-only, given back on release. */
    private Frame lent(ByteBuffer direct, int size, boolean more) {
        ByteBuffer view = direct.asReadOnlyBuffer();
        view.position(0).limit(size);
        return Frame.lend(view, more, metadata, pool.releaser(direct));
    }

    private boolean deliver(Body b) {
        if (b.kind == DATA && b.pool != null) {
            ByteBuffer direct = b.directResult();
            if (direct != null) {
                return sink.onFrame(lent(direct, b.size, b.more));
            }
        }
        byte[] data = b.result();
        return switch (b.kind) {
            case DATA -> sink.onFrame(Frame.wrap(data, b.more, metadata));
            case SUBSCRIPTION -> sink.onFrame(Frame.wrap(data, false, metadata));
            default -> sink.onCommand(parse(Unpooled.wrappedBuffer(data), true, raw));
        };
    }

    private static Command parse(ByteBuf body, boolean owned, boolean raw) {
        try {
            return raw ? Command.parseRaw(body) : Command.parse(body, owned);
        } catch (ZmtpException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ZmtpException("malformed command: " + e).protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
    }

    /**
     * Where the connection's next read may go straight (libzmq reads a large body into the
     * message itself): the missing bytes of a large data body being received into a pooled direct
     * buffer, as an empty buffer writable up to exactly those bytes, so a read cannot run past the
     * body. Memory stays bounded: the buffer is already held for this body (taken when its first
     * bytes arrived), none is taken for it. Handing the buffer back to {@link #decode} as the next
     * input (the identical object, nothing decoded in between) completes the body by those bytes
     * without copying them; any other input is decoded as usual.
     *
     * @return the buffer to read into, or null when no body is waiting for at least
     *         {@value #READ_TARGET_MIN} bytes in direct memory
     */
    public ByteBuf readTarget() {
        Body b = body;
        if (failed || b == null || b.direct == null || b.size - b.received < READ_TARGET_MIN) {
            return null;
        }
        ByteBuffer rest = b.direct.duplicate();
        rest.limit(b.size).position(b.received);
        ByteBuf t = Unpooled.wrappedBuffer(rest).clear(); // not freed on release: the pool's memory
        b.target = t;
        return t;
    }

    /** @return whether a large frame or command is partly read (its remaining bytes are awaited) */
    public boolean inFrame() {
        return body != null || skip > 0;
    }

    /** @return bytes of partly received bodies this decoder holds (not counting the caller's buffer) */
    long heldBytes() {
        return body == null ? 0 : body.held;
    }

    /**
     * A large body being received: {@code size} bytes, after {@code prefix} bytes that the result
     * starts with (the kind byte of a subscription).
     */
    private static final class Body {
        final int kind;
        final int size;
        final boolean more;
        final int prefix;
        final byte first;
        int received;
        long held;
        byte[] single;
        List<byte[]> chunks;
        /** The pool to lend the body from, or null. */
        BodyPool pool;
        /** The pooled buffer the body is received into, when one was available as it started. */
        ByteBuffer direct;
        /** The last {@link #readTarget()} handed out for this body: its bytes are already in place. */
        ByteBuf target;

        Body(int kind, int size, boolean more, byte first) {
            this.kind = kind;
            this.size = size;
            this.more = more;
            this.first = first;
            this.prefix = kind == SUBSCRIPTION ? 1 : 0;
        }

        /** @return whether the body is complete */
        @SuppressWarnings("ReferenceEquality") // the very buffer handed out as the target: identity is the point
        boolean fill(ByteBuf in) {
            if (pool != null && received == 0 && direct == null && single == null && chunks == null && in.isReadable()) {
                // memory already held (an idle buffer), or no more than a heap body would take
                direct = size <= CHUNK ? pool.take(size) : pool.takeIdle(size);
                if (direct != null) {
                    direct.limit(size);
                    held = direct.capacity();
                }
            }
            if (direct != null && in == target) {
                // read straight into this body by the connection: the bytes are where they belong
                target = null;
                int n = Math.min(in.readableBytes(), size - received);
                in.skipBytes(n);
                received += n;
                direct.position(received);
                return received == size;
            }
            if (direct != null) {
                int n = Math.min(in.readableBytes(), size - received);
                direct.limit(received + n);
                in.readBytes(direct);
                direct.limit(size);
                received += n;
                return received == size;
            }
            while (received < size && in.isReadable()) {
                if (prefix + size <= CHUNK) {
                    if (single == null) {
                        single = new byte[prefix + size]; // at most one chunk, whatever was announced
                        held = single.length;
                        if (prefix > 0) {
                            single[0] = first;
                        }
                    }
                    int n = Math.min(in.readableBytes(), size - received);
                    in.readBytes(single, prefix + received, n);
                    received += n;
                } else {
                    if (chunks == null) {
                        chunks = new ArrayList<>();
                    }
                    int at = received % CHUNK;
                    if (at == 0) {
                        byte[] c = new byte[Math.min(CHUNK, size - received)];
                        chunks.add(c);
                        held += c.length;
                    }
                    byte[] c = chunks.get(chunks.size() - 1);
                    int n = Math.min(in.readableBytes(), c.length - at);
                    in.readBytes(c, at, n);
                    received += n;
                }
            }
            return received == size;
        }

        /**
         * @return the whole body in a pooled buffer (chunks joined into one), or null when the pool
         *         is at its limit (then {@link #result()})
         */
        ByteBuffer directResult() {
            if (direct != null) {
                return direct;
            }
            if (single != null) {
                return null; // a small body that found the pool full as it started
            }
            ByteBuffer b = pool.take(size);
            if (b == null) {
                return null;
            }
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.set(i, null);
                b.put(c);
            }
            chunks = null;
            b.flip();
            return b;
        }

        /** @return the whole body (after the prefix); chunks are joined once, then let go */
        byte[] result() {
            if (single != null) {
                return single;
            }
            byte[] r = new byte[prefix + size];
            if (prefix > 0) {
                r[0] = first;
            }
            int p = prefix;
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.set(i, null);
                System.arraycopy(c, 0, r, p, c.length);
                p += c.length;
            }
            chunks = null;
            return r;
        }
    }
}
