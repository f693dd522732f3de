package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.FairQueue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * STREAM, as in libzmq 4.3: raw tcp peers (no ZMTP). Each connection gets a routing id (5 bytes
 * starting with a zero byte, or CONNECT_ROUTING_ID for the next connect); every received chunk of
 * bytes comes as {@code [routing id, data]}, and an empty data frame announces a connection or its
 * end (STREAM_NOTIFY, handled by the raw engine). Sending is {@code [routing id, data]}: the data
 * frame's MORE flag is ignored, an unknown id fails with EHOSTUNREACH, a peer at its HWM blocks
 * (EAGAIN), and an empty data frame closes that connection after what was sent before it (without
 * a disconnect notice; a connecting socket does not reconnect then, as in libzmq, whereas it does,
 * under the same routing id, when the peer hangs up). As in libzmq, a first frame without MORE is
 * ignored together with the frame that follows it. tcp and ipc only: inproc is refused.
 */
public final class Stream extends SocketBase {
    private final FairQueue fq = new FairQueue(this::pipeFinished);
    private final Map<ByteBuffer, Pipe> byId = new HashMap<>();
    private int nextId = ThreadLocalRandom.current().nextInt();
    private byte[] connectRoutingId;
    private byte[] pendingConnectId;
    private Frame prefetched;
    private boolean moreOut;
    private Pipe target;

    public Stream(Ctx ctx) {
        super(ctx, SocketType.STREAM);
    }

    @Override
    protected <T> boolean xsetOption(ZmqOption<T> option, T value) {
        if (option == ZmqOption.CONNECT_ROUTING_ID) {
            connectRoutingId = ((byte[]) value).clone();
            return true;
        }
        return false;
    }

    @Override
    protected void xconnecting(Endpoint ep) {
        pendingConnectId = null;
        if (connectRoutingId != null) {
            if (byId.containsKey(ByteBuffer.wrap(connectRoutingId))) {
                throw new ZmqException(Errno.EINVAL, "CONNECT_ROUTING_ID is already the routing id of a peer");
            }
            pendingConnectId = connectRoutingId; // consumed when this connect attaches its pipe
        }
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        byte[] id;
        if (connecting() && pendingConnectId != null) {
            id = pendingConnectId;
            pendingConnectId = null;
            connectRoutingId = null;
        } else {
            id = generateId();
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
        forget(pipe); // what it delivered (its disconnect notice included) stays readable
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
            if (frame.hasMore()) {
                Pipe p = byId.get(ByteBuffer.wrap(frame.data()));
                if (p == null) {
                    throw new ZmqException(Errno.EHOSTUNREACH, "no STREAM peer with routing id " + frame);
                }
                if (!p.checkWrite()) {
                    p.countHwmRefusal();
                    return false;
                }
                target = p;
            }
            moreOut = true; // the next frame is the data, whatever this one's MORE flag said
            return true;
        }
        moreOut = false;
        Pipe p = target;
        target = null;
        if (p != null) {
            if (frame.size() == 0) {
                terminatePipe(p); // the engine writes what was queued before, then closes
            } else {
                p.write(frame.withMore(false));
                p.flush();
            }
        }
        return true;
    }

    @Override
    protected Frame xrecv() {
        if (prefetched != null) {
            Frame f = prefetched;
            prefetched = null;
            return f;
        }
        Frame f = fq.recv();
        if (f == null) {
            return null;
        }
        prefetched = f.withMore(false);
        return Frame.wrap(fq.lastPipe().routingId()).withMore(true);
    }

    @Override
    protected boolean xhasIn() {
        return prefetched != null || fq.hasIn();
    }

    @Override
    protected boolean xhasOut() {
        return true;
    }
}
