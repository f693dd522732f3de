package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.FairQueue;
import io.zconn.engine.routing.LoadBalancer;
import io.zconn.engine.routing.RouterProbe;

import java.util.Map;

/**
 * DEALER: load-balances sends and fair-queues receives; sends an empty message first on each new
 * pipe under PROBE_ROUTER. REQ builds on it.
 */
public class Dealer extends SocketBase {
    protected final LoadBalancer lb = new LoadBalancer();
    protected final FairQueue fq = new FairQueue(this::pipeFinished);

    public Dealer(Ctx ctx) {
        this(ctx, SocketType.DEALER);
    }

    protected Dealer(Ctx ctx, SocketType type) {
        super(ctx, type);
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        lb.attach(pipe);
        fq.attach(pipe);
        if (options.get(ZmqOption.PROBE_ROUTER)) {
            RouterProbe.send(pipe);
        }
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        lb.remove(pipe);
        fq.remove(pipe);
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        lb.remove(pipe);
        fq.peerTerminated(pipe); // readable up to its delimiter
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("lb", lb.size());
        out.put("fq", fq.size());
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
    }

    @Override
    protected void xwriteActivated(Pipe pipe) {
        lb.activate(pipe);
    }

    @Override
    protected boolean xsend(Frame frame) {
        return lb.send(frame);
    }

    @Override
    protected Frame xrecv() {
        return fq.recv();
    }

    @Override
    protected boolean xhasIn() {
        return fq.hasIn();
    }

    @Override
    protected boolean xhasOut() {
        return lb.hasOut();
    }
}
