package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One raw (non-ZMTP) connection of a STREAM socket, libzmq's raw engine: no handshake; each chunk
 * of bytes the channel reads becomes one frame in the pipe to the socket (so a frame is at most one
 * read buffer, 64 KiB with Netty's default allocator), and each frame the socket sends is written
 * as it is. With STREAM_NOTIFY an empty frame announces the connection before any data, and another
 * its end.
 *
 * <p>Bounded: reading stops (autoRead off) as soon as the pipe reaches RCVHWM and resumes when the
 * socket has read below it; the chunks Netty still hands over in the read loop that was running are
 * held here, at most {@link #MAX_HELD} of them. When the connection ends, those and the disconnect
 * notice still go to the socket (a constant beyond the HWM). Outbound, at most 256 KiB is written per
 * turn of the loop, and nothing while the channel is above its write-buffer watermark.
 *
 * <p>When the socket ends the pipe (it sent {@code [id, empty]}, disconnected, unbound or closed),
 * what it queued before is written and the connection closed: with LINGER 0 right away (what the
 * kernel takes at once is delivered), else once written or at LINGER's deadline.
 */
// Netty futures: writes use the void promise or close the channel on failure themselves; close()
// has nothing to report; no one awaits them.
@SuppressWarnings("FutureReturnValueIgnored")
final class RawEngine extends ChannelInboundHandlerAdapter implements Pipe.Events {
    /** The engine's name in the pipeline. */
    static final String NAME = "raw";
    /** Chunks held while the pipe is full: Netty stops its read loop once autoRead is off. */
    static final int MAX_HELD = 16;
    private static final System.Logger LOG = System.getLogger(RawEngine.class.getName());
    private static final int WRITE_BUDGET = 256 * 1024;
    /** What a raw peer "announces": nothing (no routing id, so the socket makes one). */
    private static final PeerInfo RAW_PEER = new PeerInfo(0, SocketType.STREAM.name(), new byte[0], Map.of());

    private final Options opts;
    private final SessionOwner owner;
    private final boolean notify;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ArrayDeque<Frame> held = new ArrayDeque<>();
    private Channel channel;
    private volatile Pipe pipe;
    private boolean readBlocked;
    private boolean terminating;
    private boolean closed;

    RawEngine(Options opts, SessionOwner owner) {
        this.opts = opts;
        this.owner = owner;
        this.notify = opts.get(ZmqOption.STREAM_NOTIFY);
    }

    /** Joins a fresh channel's pipeline; the pipe is taken once the channel is connected. */
    void install(Channel ch) {
        this.channel = ch;
        ch.pipeline().addLast(NAME, this);
        ch.closeFuture().addListener(f -> onClosed());
    }

    /**
     * @param ch a channel
     * @return whether a raw engine on it has its pipe
     */
    static boolean hasPipe(Channel ch) {
        ChannelHandler h = ch.pipeline().get(NAME);
        return h instanceof RawEngine r && r.pipe != null;
    }

    // ---- connecting -------------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Pipe p = owner.pipeFor(channel, RAW_PEER);
        if (p == null) {
            ctx.close();
            return;
        }
        pipe = p;
        p.peer().remoteAddress(Monitoring.peer(channel)); // for the socket's metrics
        if (notify) {
            p.write(Frame.EMPTY); // the peer connected: before any of its bytes
            p.flush();
        }
        p.setEvents(this);
        ctx.fireChannelActive(); // reading starts after this (autoRead)
        flushOutbound(); // a connecter's pipe may hold messages sent while disconnected
    }

    // ---- inbound ----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        Frame chunk;
        try {
            if (closed || pipe == null || !in.isReadable()) {
                return;
            }
            chunk = Frame.wrap(ByteBufUtil.getBytes(in));
        } finally {
            in.release();
        }
        if (held.isEmpty() && pipe.checkWrite()) {
            pipe.write(chunk);
        } else {
            held.add(chunk);
        }
        if (!pipe.checkWrite()) {
            blockReads();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pipe != null) {
            pipe.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void blockReads() {
        pipe.flush();
        if (!readBlocked) {
            readBlocked = true;
            channel.config().setAutoRead(false);
        }
        if (held.size() > MAX_HELD) {
            // Netty's read loop ignored autoRead: a broken assumption, not a peer's doing
            LOG.log(System.Logger.Level.WARNING, "raw connection " + channel.remoteAddress() + " holds "
                    + held.size() + " chunks while its pipe is full");
        }
    }

    /** The socket has read below RCVHWM: hand over held chunks, then read again. */
    @Override
    public void writeActivated(Pipe p) {
        onLoop(() -> {
            if (closed || pipe == null) {
                return;
            }
            while (!held.isEmpty() && pipe.checkWrite()) {
                pipe.write(held.poll());
            }
            pipe.flush();
            if (readBlocked && held.isEmpty() && pipe.checkWrite()) {
                readBlocked = false;
                channel.config().setAutoRead(true);
            }
        });
    }

    // ---- outbound ---------------------------------------------------------------------------------

    @Override
    public void readActivated(Pipe p) {
        if (flushScheduled.compareAndSet(false, true)) {
            onLoop(this::flushOutbound);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            flushOutbound();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void flushOutbound() {
        drain(false);
    }

    /**
     * Writes queued frames: up to the budget and while the channel is writable, or (all) everything
     * up to the delimiter. Reaching the delimiter closes the connection once written.
     */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    private void drain(boolean all) {
        flushScheduled.set(false);
        if (closed || pipe == null || (!all && !channel.isWritable())) {
            return;
        }
        long bytes = 0;
        boolean done = false;
        while (all || bytes < WRITE_BUDGET) {
            Frame f = pipe.read();
            if (f == null) {
                break;
            }
            if (f == Pipe.DELIMITER) {
                done = true;
                break;
            }
            if (f.size() > 0) {
                ByteBuf b = f.hasArray() ? Unpooled.wrappedBuffer(f.array(), f.arrayOffset(), f.size())
                        : Unpooled.wrappedBuffer(f.buffer());
                channel.write(b, channel.voidPromise());
                bytes += f.size();
            }
        }
        if (bytes > 0) {
            channel.flush();
        }
        if (done) {
            terminating = true; // the socket ended this connection: its close is no DISCONNECTED
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (!all && bytes >= WRITE_BUDGET) {
            readActivated(pipe);
        }
    }

    /**
     * The socket ended the pipe: write what it queued before, then close (see the class comment).
     * Until then, the context waits for the connection (registered here, on the closing thread).
     */
    @Override
    public void terminated(Pipe p) {
        int linger = opts.linger();
        long deadline = StreamTransport.deadline(linger);
        StreamTransport transport = owner.transport();
        if (linger != 0 && transport != null) {
            transport.lingerUntilClosed(channel, deadline);
        }
        onLoop(() -> {
            if (closed || terminating) {
                return;
            }
            terminating = true;
            if (linger == 0) {
                drain(true);
                channel.close();
                return;
            }
            flushOutbound();
            if (deadline != StreamTransport.FOREVER && !closed) {
                long left = Math.max(0, deadline - System.nanoTime());
                channel.eventLoop().schedule(() -> StreamTransport.runGuarded(channel::close),
                        left, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** Hops onto the channel's loop; if the loop is gone (the context is terminating), drops the task. */
    private void onLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "I/O loop of " + channel + " is gone: " + e);
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Error) {
            StreamTransport.logError(LOG, "error on raw connection " + channel.remoteAddress() + ": closing it", cause);
        } else if (cause instanceof java.io.IOException) {
            LOG.log(System.Logger.Level.DEBUG, () -> "raw connection " + channel.remoteAddress() + " failed: " + cause);
        } else {
            LOG.log(System.Logger.Level.WARNING, "unexpected failure on raw connection " + channel.remoteAddress(), cause);
        }
        ctx.close();
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        Pipe p = pipe;
        if (p != null && !p.isPeerTerminated()) {
            // the socket still reads this pipe: what arrived, then the notice (a constant past the HWM)
            while (!held.isEmpty()) {
                p.write(held.poll());
            }
            if (notify) {
                p.write(Frame.EMPTY);
            }
            p.flush();
        }
        held.clear();
        SocketBase socket = owner.socket();
        if (socket != null && socket.monitored() && p != null && !terminating && !owner.closing()
                && owner.wasConnected(channel)) {
            // the peer (or the network) ended it; libzmq 4.3.4 also emits HANDSHAKE_FAILED_NO_DETAIL
            // first for a raw connection, which had no handshake: zconn does not (README)
            socket.event(new SocketEvent(SocketEvent.Type.DISCONNECTED, owner.endpoint(), Monitoring.fd(channel),
                    Monitoring.peer(channel), p.peer().routingId()));
        }
        owner.closed(channel, p);
    }
}
