package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.LoadBalancer;

import java.util.Map;

/** PUSH: load-balances messages over connected PULL peers; blocks when all are at HWM. */
public final class Push extends SocketBase {
    private final LoadBalancer lb = new LoadBalancer();

    public Push(Ctx ctx) {
        super(ctx, SocketType.PUSH);
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        lb.attach(pipe);
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        lb.remove(pipe);
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("lb", lb.size());
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
    protected boolean xhasOut() {
        return lb.hasOut();
    }
}
