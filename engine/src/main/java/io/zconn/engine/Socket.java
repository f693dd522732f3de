package io.zconn.engine;

import io.zconn.engine.core.SocketBase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A ZeroMQ socket, created by {@link Context#socket(SocketType)}.
 *
 * <p>Endpoints are {@code tcp://host:port} (host may be {@code *}, an IP, an interface name or a
 * host name; port may be {@code *} when binding), {@code ipc:///path} (a Unix domain socket) and
 * {@code inproc://name}. Connecting before the peer binds is fine: zconn keeps retrying with
 * {@link ZmqOption#RECONNECT_IVL} back-off.
 *
 * <p>Blocking calls honour {@link ZmqOption#SNDTIMEO} / {@link ZmqOption#RCVTIMEO} and throw
 * {@link ZmqException} with {@link Errno#EAGAIN} when they expire; the {@code Duration} variants
 * return {@code false}/{@code null} instead, and {@code Duration.ZERO} never blocks.
 *
 * <p>A socket may be shared between threads: each call is atomic, and a multipart message sent
 * with {@link #send(Message)} is never interleaved with another thread's. Frame-by-frame sends and
 * receives from several threads interleave, as one would expect. A socket used by one thread only
 * may be confined to it with {@link ZmqOption#THREAD_CONFINED}: no lock per call (faster for small
 * messages), and a call from another thread fails at once with {@link Errno#EFSM}.
 */
public final class Socket implements AutoCloseable {
    /** Events waiting for one {@link SocketListener}, at most; more are dropped and counted. */
    public static final int MONITOR_QUEUE = 1024;

    final SocketBase base;

    Socket(SocketBase base) {
        this.base = base;
    }

    /** @return the socket's type */
    public SocketType type() {
        return base.type();
    }

    /**
     * Accepts connections on an endpoint.
     *
     * @param endpoint e.g. {@code tcp://*:5555}, {@code tcp://eth0:*}, {@code ipc:///tmp/x.sock}, {@code inproc://name}
     * @throws ZmqException EINVAL for a malformed endpoint, EPROTONOSUPPORT for an unknown transport,
     *                      EADDRINUSE when taken, EADDRNOTAVAIL for an unknown interface
     */
    public void bind(String endpoint) {
        base.bind(endpoint);
    }

    /**
     * Stops accepting on an endpoint previously bound (as given, or as reported by LAST_ENDPOINT),
     * and closes the connections accepted on it.
     *
     * @param endpoint the endpoint
     * @throws ZmqException ENOENT when not bound
     */
    public void unbind(String endpoint) {
        base.unbind(endpoint);
    }

    /**
     * Connects to an endpoint; returns at once, the connection is made (and remade) in the background.
     *
     * @param endpoint e.g. {@code tcp://localhost:5555}
     * @throws ZmqException EINVAL for a malformed endpoint, EPROTONOSUPPORT for an unknown transport
     */
    public void connect(String endpoint) {
        base.connect(endpoint);
    }

    /**
     * Drops a connection made with {@link #connect(String)}.
     *
     * @param endpoint the endpoint as connected
     * @throws ZmqException ENOENT when not connected
     */
    public void disconnect(String endpoint) {
        base.disconnect(endpoint);
    }

    /**
     * Sets an option.
     *
     * @param option the option
     * @param value  its new value
     * @param <T>    the value type
     * @throws ZmqException EINVAL naming the option for bad values or read-only options
     */
    public <T> void setOption(ZmqOption<T> option, T value) {
        base.setOption(option, value);
    }

    /**
     * Reads an option.
     *
     * @param option the option
     * @param <T>    the value type
     * @return its value
     * @throws ZmqException EINVAL for write-only options
     */
    public <T> T getOption(ZmqOption<T> option) {
        return base.getOption(option);
    }

    /** @param prefix a subscription prefix to add (SUB/XSUB); empty matches everything */
    public void subscribe(byte[] prefix) {
        setOption(ZmqOption.SUBSCRIBE, prefix);
    }

    /** @param prefix a subscription prefix to add, as UTF-8 */
    public void subscribe(String prefix) {
        subscribe(prefix.getBytes(StandardCharsets.UTF_8));
    }

    /** @param prefix a subscription prefix to remove (SUB/XSUB) */
    public void unsubscribe(byte[] prefix) {
        setOption(ZmqOption.UNSUBSCRIBE, prefix);
    }

    /** @param prefix a subscription prefix to remove, as UTF-8 */
    public void unsubscribe(String prefix) {
        unsubscribe(prefix.getBytes(StandardCharsets.UTF_8));
    }

    // ---- sending -------------------------------------------------------------------------------

    /**
     * Sends a frame; its {@link Frame#hasMore()} flag says whether more frames of the message follow.
     * Blocks while the socket cannot send (HWM reached, no peer for PUSH/DEALER/REQ) up to SNDTIMEO.
     *
     * @param frame the frame
     * @throws ZmqException EAGAIN on timeout, EFSM when not allowed in this state, ETERM when closed
     */
    public void send(Frame frame) {
        frame.sent();
        if (!base.send(frame, base.sendTimeoutNanos())) {
            throw new ZmqException(Errno.EAGAIN, "send timed out on " + this);
        }
    }

    /**
     * Sends a frame, waiting at most {@code timeout}.
     *
     * @param frame   the frame
     * @param timeout how long to wait; {@code Duration.ZERO} never blocks
     * @return false when it could not be queued in time
     */
    public boolean send(Frame frame, Duration timeout) {
        frame.sent();
        return base.send(frame, nanos(timeout));
    }

    /**
     * Sends a frame without blocking.
     *
     * @param frame the frame
     * @return false when it would block
     */
    public boolean trySend(Frame frame) {
        frame.sent();
        return base.send(frame, 0);
    }

    /** @param data the last (or only) frame of a message */
    public void send(byte[] data) {
        send(Frame.wrap(data));
    }

    /** @param data a frame with more to follow */
    public void sendMore(byte[] data) {
        send(Frame.wrap(data).withMore(true));
    }

    /** @param text the last (or only) frame of a message, as UTF-8 */
    public void send(String text) {
        send(Frame.of(text));
    }

    /** @param text a frame with more to follow, as UTF-8 */
    public void sendMore(String text) {
        send(Frame.of(text).withMore(true));
    }

    /**
     * Sends a burst of frames (messages, or parts of them: a frame with {@link Frame#hasMore()}
     * continues its message into the next) as {@link #send(Frame)} would one by one, but flushes
     * each peer's pipe once for the burst instead of once per message: the cross-thread fence and
     * wake-up that each single send pays are paid once, which is what makes a burst of small
     * messages cheap. When this returns, every frame queued is visible to the peers' I/O threads
     * (nothing waits for a later send); a frame that must wait for room (HWM) first lets the peers
     * see all before it. Blocks for each frame up to SNDTIMEO.
     *
     * <pre>{@code
     * List<Frame> burst = new ArrayList<>();
     * for (byte[] m : messages) {
     *     burst.add(Frame.wrap(m));
     * }
     * socket.sendBatch(burst);
     * }</pre>
     *
     * @param frames the frames, in order
     * @return how many were queued: all, unless SNDTIMEO expired for the next one
     * @throws ZmqException EFSM when not allowed in this state, ETERM when closed
     */
    public int sendBatch(List<Frame> frames) {
        return base.sendBatch(frames, base.sendTimeoutNanos());
    }

    /**
     * Sends all frames of a message as one, blocking up to SNDTIMEO.
     *
     * @param message the message (at least one frame)
     * @throws ZmqException EAGAIN on timeout, EFSM, ETERM
     */
    public void send(Message message) {
        sent(message);
        if (!base.sendMessage(message, base.sendTimeoutNanos())) {
            throw new ZmqException(Errno.EAGAIN, "send timed out on " + this);
        }
    }

    /**
     * Sends all frames of a message, waiting at most {@code timeout}.
     *
     * @param message the message
     * @param timeout how long to wait
     * @return false when it could not be queued in time (nothing was sent)
     */
    public boolean send(Message message, Duration timeout) {
        sent(message);
        return base.sendMessage(message, nanos(timeout));
    }

    /**
     * @param message the message
     * @return false when it would block (nothing was sent)
     */
    public boolean trySend(Message message) {
        sent(message);
        return base.sendMessage(message, 0);
    }

    /** Ends the loans of a message's lent frames (see {@link Frame}: a sent frame keeps its memory). */
    private static void sent(Message message) {
        for (Frame f : message) {
            f.sent();
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    /**
     * Receives one frame, blocking up to RCVTIMEO.
     *
     * @return the frame; {@link Frame#hasMore()} tells whether more of the message follows
     * @throws ZmqException EAGAIN on timeout, EFSM, ETERM
     */
    public Frame recvFrame() {
        Frame f = base.recv(base.recvTimeoutNanos());
        if (f == null) {
            throw new ZmqException(Errno.EAGAIN, "receive timed out on " + this);
        }
        return f;
    }

    /**
     * @param timeout how long to wait; {@code Duration.ZERO} never blocks
     * @return a frame, or null when none arrived in time
     */
    public Frame recvFrame(Duration timeout) {
        return base.recv(nanos(timeout));
    }

    /** @return a frame, or null when none is ready */
    public Frame tryRecvFrame() {
        return base.recv(0);
    }

    /** @return the bytes of the next frame (blocking up to RCVTIMEO) */
    public byte[] recv() {
        return recvFrame().data();
    }

    /**
     * Receives the next frame into the caller's buffer, blocking up to RCVTIMEO, as libzmq's
     * {@code zmq_recv(socket, buf, len)}: copies as many of its bytes as {@code dst} has room for
     * (from its position, which advances by that many; the rest of a longer frame is dropped) and
     * returns the frame's full size, so a result above the room given means it was truncated.
     * {@link #hasReceiveMore()} tells whether more of the message follows. A frame received into
     * pooled memory ({@link ZmqOption#RECV_DIRECT}) is given back at once: the cheapest way to take
     * large frames into memory the application reuses.
     *
     * @param dst where the bytes go (heap or direct)
     * @return the frame's size in bytes
     * @throws ZmqException EAGAIN on timeout, EFSM, ETERM
     */
    public int recv(ByteBuffer dst) {
        return into(recvFrame(), dst);
    }

    /**
     * {@link #recv(ByteBuffer)}, waiting at most {@code timeout}.
     *
     * @param dst     where the bytes go
     * @param timeout how long to wait; {@code Duration.ZERO} never blocks
     * @return the frame's size in bytes, or -1 when none arrived in time (nothing copied)
     */
    public int recv(ByteBuffer dst, Duration timeout) {
        Frame f = recvFrame(timeout);
        return f == null ? -1 : into(f, dst);
    }

    private static int into(Frame f, ByteBuffer dst) {
        try {
            f.copyTo(dst);
            return f.size();
        } finally {
            f.release();
        }
    }

    /** @return the next frame as UTF-8 (blocking up to RCVTIMEO) */
    public String recvString() {
        return recvFrame().text();
    }

    /**
     * Receives all frames of the next message, blocking up to RCVTIMEO.
     *
     * @return the message
     * @throws ZmqException EAGAIN on timeout, EFSM, ETERM
     */
    public Message recvMessage() {
        Message m = base.recvMessage(base.recvTimeoutNanos());
        if (m == null) {
            throw new ZmqException(Errno.EAGAIN, "receive timed out on " + this);
        }
        return m;
    }

    /**
     * @param timeout how long to wait for the first frame
     * @return the message, or null when none arrived in time
     */
    public Message recvMessage(Duration timeout) {
        return base.recvMessage(nanos(timeout));
    }

    /** @return the next message, or null when none is ready */
    public Message tryRecvMessage() {
        return base.recvMessage(0);
    }

    /** @return whether the last frame received has more following (RCVMORE) */
    public boolean hasReceiveMore() {
        return base.hasReceiveMore();
    }

    /** @return {@link Poller#POLLIN} and/or {@link Poller#POLLOUT} as ready now */
    public int events() {
        return base.events();
    }

    // ---- monitoring ----------------------------------------------------------------------------

    /**
     * Tells a listener what happens to this socket's tcp and ipc connections: binds, accepts,
     * connects and retries, handshakes and their failures, disconnections (see {@link SocketEvent.Type}).
     * The listener runs off the I/O threads, in order, on the context's executor (see
     * {@link SocketListener}); it never slows the I/O threads down: past {@link #MONITOR_QUEUE}
     * events waiting for it, events are dropped, counted ({@link SocketMonitor#droppedEvents()})
     * and reported once as {@link SocketEvent.Type#EVENTS_DROPPED}. An unmonitored socket pays
     * nothing for events on its message path.
     *
     * <pre>{@code
     * try (SocketMonitor m = socket.monitor(e -> log.info(e.toString()),
     *         SocketEvent.Type.ACCEPTED, SocketEvent.Type.DISCONNECTED)) {
     *     ...
     * }
     * }</pre>
     *
     * @param listener told each event
     * @param types    the types wanted; none means all ({@link SocketEvent.Type#EVENTS_DROPPED} always comes)
     * @return the registration: close it to stop
     * @throws ZmqException ETERM when the socket is closed
     */
    public SocketMonitor monitor(SocketListener listener, SocketEvent.Type... types) {
        Objects.requireNonNull(listener, "listener");
        return base.monitor(listener, SocketEvent.Type.mask(types));
    }

    /**
     * libzmq's {@code zmq_socket_monitor}: binds a PAIR socket at {@code endpoint} and publishes
     * there every event of {@code events} as libzmq does, in two frames: the 16-bit event number
     * and the 32-bit value, little-endian, then the endpoint as a string. Connect a PAIR to it to
     * read them (code ported from libzmq, or pyzmq's {@code parse_monitor_message} layout, works as
     * is). Calling it again replaces the previous monitor; {@code null} stops it. The last event
     * is {@code MONITOR_STOPPED} when it is in the mask. Events the reader does not take in time
     * are dropped, as in libzmq; so are those sent before a reader connects.
     *
     * @param endpoint an {@code inproc://} endpoint, or null to stop
     * @param events   libzmq's mask of {@code ZMQ_EVENT_*} bits, e.g. {@link SocketEvent.Type#ALL}
     * @throws ZmqException EPROTONOSUPPORT for another transport, EINVAL for a mask over 16 bits,
     *                      EADDRINUSE when the endpoint is taken, ETERM when the socket is closed
     */
    public void monitor(String endpoint, int events) {
        base.monitor(endpoint, events);
    }

    /**
     * What this socket has carried and met so far: messages and bytes in and out, per peer and in
     * total, queue depths against the HWMs, messages dropped or sends refused at the HWM,
     * reconnects and failed handshakes. Always kept, at a cost too small to measure on the
     * message path; {@link ZmqOption#MBEAN_NAME} also publishes them over JMX.
     *
     * <pre>{@code
     * SocketMetrics m = socket.metrics();
     * for (PeerMetrics p : m.peers()) {
     *     log.info(p.remoteAddress() + " queued out " + p.queuedOut() + "/" + p.hwmOut());
     * }
     * }</pre>
     *
     * @return an immutable snapshot; a closed socket still gives its totals (with no peers)
     */
    public SocketMetrics metrics() {
        return base.metrics();
    }

    /** @return whether {@link #close()} was called (or the context closed) */
    public boolean isClosed() {
        return base.isClosed();
    }

    /**
     * Waits until at least {@code n} peers are attached — the readiness gate that answers the
     * slow joiner: a PUB that waits for its subscribers before its first message loses none of it.
     *
     * <p>A peer is a pipe whose ZMTP handshake completed and which is attached to the socket's
     * routing part (an inproc peer counts once connected to a bound name); a peer counts until
     * its connection goes (a connecting socket's reconnect counts again once the new handshake
     * completes). For PUB and XPUB a peer counts only once at least one subscription message
     * from it has arrived, so a SUB that subscribed to nothing never counts; a message sent after
     * this returns true reaches every counted subscriber whose subscriptions match (HWM allowing).
     * Every other type counts connected peers. Peers are counted, not endpoints: two connections
     * from one process are two peers.
     *
     * @param n       the number of peers to wait for ({@code 0} returns true at once)
     * @param timeout how long to wait at most; {@code Duration.ZERO} checks once, negative waits forever
     * @return true when {@code n} peers were reached, false when the timeout expired first
     * @throws ZmqException EINVAL for a negative {@code n}; ETERM when the socket or its context
     *                      is closed (also while waiting), or when the waiting thread is
     *                      interrupted (its interrupt flag stays set), as for other blocking calls
     */
    public boolean awaitPeers(int n, Duration timeout) {
        return base.awaitPeers(n, nanos(timeout));
    }

    /**
     * @return the peers that count for {@link #awaitPeers(int, Duration)} now
     * @throws ZmqException ETERM when closed
     */
    public int peers() {
        return base.peers();
    }

    /**
     * Closes the socket. Queued outbound messages are still sent for up to LINGER ms in the
     * background; {@link Context#close()} waits for that.
     */
    @Override
    public void close() {
        base.close();
    }

    @Override
    public String toString() {
        return base.toString();
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return -1;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
