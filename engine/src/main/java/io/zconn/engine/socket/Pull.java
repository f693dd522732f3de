package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.FairQueue;

import java.util.Map;

/** PULL: fair-queues messages from connected PUSH peers. */
public final class Pull extends SocketBase {
    private final FairQueue fq = new FairQueue(this::pipeFinished);

    public Pull(Ctx ctx) {
        super(ctx, SocketType.PULL);
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        fq.attach(pipe);
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        fq.remove(pipe);
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        fq.peerTerminated(pipe); // readable up to its delimiter
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
    }

    @Override
    protected Frame xrecv() {
        return fq.recv();
    }

    @Override
    protected boolean xhasIn() {
        return fq.hasIn();
    }
}
