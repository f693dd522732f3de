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

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ROUTER: prefixes each received message with the sending peer's routing id, and routes each sent
 * message by its first frame. Unroutable messages are dropped, or refused with EHOSTUNREACH under
 * ROUTER_MANDATORY (EAGAIN when the peer is at its HWM). REP builds on it.
 */
public class Router extends SocketBase {
    protected final FairQueue fq = new FairQueue(this::pipeFinished);
    private final Map<ByteBuffer, Pipe> byId = new HashMap<>();
    private int nextId = ThreadLocalRandom.current().nextInt();
    private Frame prefetched;
    private boolean moreIn;
    private boolean moreOut;
    private Pipe target;

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
    protected void xattachPipe(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id == null || id.length == 0) {
            id = generateId();
        } else if (byId.containsKey(ByteBuffer.wrap(id))) {
            terminatePipe(pipe); // a peer with this routing id is already connected
            return;
        }
        pipe.routingId(id);
        byId.put(ByteBuffer.wrap(id), pipe);
        fq.attach(pipe);
    }

    private byte[] generateId() {
        while (true) {
            int n = nextId++;
            byte[] id = {0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
            if (!byId.containsKey(ByteBuffer.wrap(id))) {
                return id;
            }
        }
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        forget(pipe);
        fq.remove(pipe);
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        forget(pipe); // unroutable now (a peer with the same id may come back), but readable
        fq.peerTerminated(pipe);
    }

    private void forget(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id != null && byId.get(ByteBuffer.wrap(id)) == pipe) {
            byId.remove(ByteBuffer.wrap(id));
        }
        if (target == pipe) {
            target = null;
        }
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
        out.put("routingIds", byId.size());
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (!moreOut) {
            if (!frame.hasMore()) {
                return true; // a lone routing id frame: nothing to route
            }
            Pipe p = byId.get(ByteBuffer.wrap(frame.data()));
            boolean mandatory = options.get(ZmqOption.ROUTER_MANDATORY);
            if (p == null) {
                if (mandatory) {
                    throw new ZmqException(Errno.EHOSTUNREACH, "no peer with routing id " + frame);
                }
            } else if (!p.checkWrite()) {
                if (mandatory) {
                    return false;
                }
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
            return f;
        }
        Frame f = fq.recv();
        if (f == null) {
            return null;
        }
        if (moreIn) {
            moreIn = f.hasMore();
            return f;
        }
        prefetched = f;
        moreIn = true;
        return Frame.wrap(fq.lastPipe().routingId(), true, f.metadata()); // zmq_msg_gets works on it too
    }

    @Override
    protected boolean xhasIn() {
        return prefetched != null || moreIn || fq.hasIn();
    }

    @Override
    protected boolean xhasOut() {
        return true;
    }
}
