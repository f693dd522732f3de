package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.FairQueue;
import io.zconn.engine.routing.RouterProbe;
import io.zconn.engine.routing.RoutingIds;

import java.util.Map;

/**
 * ROUTER: prefixes each received message with the sending peer's routing id, and routes each sent
 * message by its first frame. Unroutable messages are dropped, or refused with EHOSTUNREACH under
 * ROUTER_MANDATORY (EAGAIN when the peer is at its HWM, and POLLOUT only while some peer can take
 * a message). A peer announcing a routing id in use is refused, or takes it over under
 * ROUTER_HANDOVER. REP builds on it.
 */
public class Router extends SocketBase {
    protected final FairQueue fq = new FairQueue(this::pipeFinished);
    private final RoutingIds ids = new RoutingIds();
    private Frame prefetched;
    private boolean moreIn;
    private boolean moreOut;
    private Pipe target;
    /** A pipe handed over while its message was being read: ended at that message's end. */
    private Pipe endAfterMessage;

    public Router(Ctx ctx) {
        this(ctx, SocketType.ROUTER);
    }

    protected Router(Ctx ctx, SocketType type) {
        super(ctx, type);
    }

    @Override
    public boolean needsPeerRoutingId() {
        return true;
    }

    @Override
    protected <T> boolean xsetOption(ZmqOption<T> option, T value) {
        if (option == ZmqOption.CONNECT_ROUTING_ID) {
            options.put(ZmqOption.CONNECT_ROUTING_ID, ((byte[]) value).clone());
            return true;
        }
        return false;
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id != null && id.length > 0 && ids.lookup(id) != null) {
            if (!options.get(ZmqOption.ROUTER_HANDOVER)) {
                terminatePipe(pipe); // a peer with this routing id is already connected
                return;
            }
            handOver(ids.takeOver(id));
        }
        ids.add(pipe);
        fq.attach(pipe);
        if (options.get(ZmqOption.PROBE_ROUTER)) {
            RouterProbe.send(pipe);
        }
    }

    /** The old connection of a routing id taken over is ended, after the message being read from it. */
    private void handOver(Pipe old) {
        if (old == fq.lastPipe() && (moreIn || prefetched != null)) {
            endAfterMessage = old;
        } else {
            terminatePipe(old);
        }
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        forget(pipe);
        fq.remove(pipe);
        if (endAfterMessage == pipe) {
            endAfterMessage = null;
        }
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        forget(pipe); // unroutable now (a peer with the same id may come back), but readable
        fq.peerTerminated(pipe);
    }

    private void forget(Pipe pipe) {
        ids.remove(pipe);
        if (target == pipe) {
            target = null;
        }
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
        out.put("routingIds", ids.size());
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
    }

    @Override
    protected boolean xsend(Frame frame) {
        return route(frame, options.get(ZmqOption.ROUTER_MANDATORY));
    }

    /**
     * Sends one frame: the first of a message names the peer, the rest go to it.
     *
     * @param frame     the frame
     * @param mandatory refuse an unroutable message (EHOSTUNREACH) or a full peer (false) rather
     *                  than dropping the message
     * @return false when the peer is at its HWM (mandatory only)
     */
    protected final boolean route(Frame frame, boolean mandatory) {
        if (!moreOut) {
            if (!frame.hasMore()) {
                return true; // a lone routing id frame: nothing to route
            }
            Pipe p = ids.lookup(frame.data());
            if (p == null) {
                if (mandatory) {
                    throw new ZmqException(Errno.EHOSTUNREACH, "no peer with routing id " + frame);
                }
            } else if (!p.checkWrite()) {
                if (mandatory) {
                    p.countHwmRefusal();
                    return false;
                }
                p.countHwmDrop();
                p = null;
            }
            target = p;
            moreOut = true;
            return true;
        }
        moreOut = frame.hasMore();
        if (target != null) {
            target.write(frame);
            if (!moreOut) {
                target.flush();
            }
        }
        if (!moreOut) {
            target = null;
        }
        return true;
    }

    @Override
    protected Frame xrecv() {
        if (prefetched != null) {
            Frame f = prefetched;
            prefetched = null;
            moreIn = f.hasMore();
            endOfMessage();
            return f;
        }
        Frame f = fq.recv();
        if (f == null) {
            return null;
        }
        if (moreIn) {
            moreIn = f.hasMore();
            endOfMessage();
            return f;
        }
        prefetched = f;
        moreIn = true;
        return Frame.wrap(fq.lastPipe().routingId(), true, f.metadata()); // zmq_msg_gets works on it too
    }

    private void endOfMessage() {
        if (!moreIn && endAfterMessage != null) {
            Pipe p = endAfterMessage;
            endAfterMessage = null;
            terminatePipe(p);
        }
    }

    @Override
    protected boolean xhasIn() {
        return prefetched != null || moreIn || fq.hasIn();
    }

    @Override
    protected boolean xhasOut() {
        return !options.get(ZmqOption.ROUTER_MANDATORY) || ids.anyWritable();
    }
}
