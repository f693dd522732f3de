package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.pipe.Pipe;

/**
 * REQ: a DEALER that alternates strictly between sending a request and receiving its reply
 * (EFSM otherwise), adds the empty delimiter frame, and accepts the reply only from the peer the
 * request went to.
 */
public final class Req extends Dealer {
    private boolean awaitingReply;
    private boolean requestStarted;
    private boolean replyStarted;
    private Pipe replyPipe;

    public Req(Ctx ctx) {
        super(ctx, SocketType.REQ);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (awaitingReply) {
            throw new ZmqException(Errno.EFSM, "REQ socket must receive the reply before sending another request");
        }
        if (!requestStarted) {
            if (!lb.send(Frame.EMPTY.withMore(true))) {
                return false;
            }
            requestStarted = true;
        }
        lb.send(frame);
        if (!frame.hasMore()) {
            requestStarted = false;
            awaitingReply = true;
            replyPipe = lb.lastPipe();
        }
        return true;
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        super.xpipeTerminated(pipe);
        if (pipe == replyPipe) {
            replyPipe = null; // its reply can no longer come (libzmq's REQ then waits, as here)
        }
    }

    @Override
    protected Frame xrecv() {
        if (!awaitingReply) {
            throw new ZmqException(Errno.EFSM, "REQ socket must send a request before receiving");
        }
        while (!replyStarted) {
            Frame f = fq.recv();
            if (f == null) {
                return null;
            }
            if (fq.lastPipe() == replyPipe && f.size() == 0 && f.hasMore()) {
                replyStarted = true;
                break;
            }
            skipRest(f);
        }
        Frame f = fq.recv();
        if (f == null) {
            return null;
        }
        if (!f.hasMore()) {
            replyStarted = false;
            awaitingReply = false;
        }
        return f;
    }

    private void skipRest(Frame f) {
        while (f != null && f.hasMore()) {
            f = fq.recv();
        }
    }

    @Override
    protected boolean xhasIn() {
        return awaitingReply && fq.hasIn();
    }

    @Override
    protected boolean xhasOut() {
        return !awaitingReply && lb.hasOut();
    }
}
