package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.pipe.Pipe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * REQ: a DEALER that alternates strictly between sending a request and receiving its reply
 * (EFSM otherwise; REQ_RELAXED allows a new request at any time, abandoning the old one), adds the
 * empty delimiter frame (preceded by a request id frame under REQ_CORRELATE), and accepts as the
 * reply only a message from the peer the request went to (any peer once that one has gone) that
 * begins with that envelope. Replies that came before a request is sent are discarded.
 */
public final class Req extends Dealer {
    private boolean awaitingReply;
    private boolean requestStarted;
    private boolean replyStarted;
    private Pipe replyPipe;
    private int requestId = ThreadLocalRandom.current().nextInt();

    public Req(Ctx ctx) {
        super(ctx, SocketType.REQ);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (awaitingReply) {
            if (!options.get(ZmqOption.REQ_RELAXED)) {
                throw new ZmqException(Errno.EFSM, "REQ socket must receive the reply before sending another request");
            }
            awaitingReply = false; // the old request is abandoned: its reply will not match
            replyStarted = false;
        }
        if (!requestStarted) {
            if (options.get(ZmqOption.REQ_CORRELATE)) {
                requestId++;
                if (!lb.send(requestIdFrame(requestId).withMore(true))) {
                    return false;
                }
            } else if (!lb.send(Frame.EMPTY.withMore(true))) {
                return false;
            }
            replyPipe = lb.lastPipe();
            if (options.get(ZmqOption.REQ_CORRELATE)) {
                lb.send(Frame.EMPTY.withMore(true));
            }
            requestStarted = true;
            discardWaiting();
        }
        lb.send(frame);
        if (!frame.hasMore()) {
            requestStarted = false;
            awaitingReply = true;
        }
        return true;
    }

    /** The request id frame: 4 bytes, least significant first (libzmq's on common platforms). */
    private static Frame requestIdFrame(int id) {
        return Frame.wrap(new byte[] {(byte) id, (byte) (id >>> 8), (byte) (id >>> 16), (byte) (id >>> 24)});
    }

    private boolean isRequestId(Frame f) {
        byte[] d = f.data();
        return f.hasMore() && d.length == 4 && d[0] == (byte) requestId && d[1] == (byte) (requestId >>> 8)
                && d[2] == (byte) (requestId >>> 16) && d[3] == (byte) (requestId >>> 24);
    }

    /** Drops what came in before this request (late or unsolicited replies), as libzmq does. */
    private void discardWaiting() {
        while (fq.recv() != null) {
            // discarded
        }
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        super.xpipeTerminated(pipe);
        if (pipe == replyPipe) {
            replyPipe = null; // its reply can no longer come: a reply from any peer is taken (libzmq)
        }
    }

    @Override
    protected Frame xrecv() {
        if (!awaitingReply) {
            throw new ZmqException(Errno.EFSM, "REQ socket must send a request before receiving");
        }
        while (!replyStarted) {
            Frame f = fromReplyPipe();
            if (f == null) {
                return null;
            }
            if (options.get(ZmqOption.REQ_CORRELATE)) {
                if (!isRequestId(f)) {
                    skipRest(f);
                    continue;
                }
                f = fq.recv(); // messages arrive whole: the rest of this one is there
            }
            if (f != null && f.size() == 0 && f.hasMore()) {
                replyStarted = true;
            } else {
                skipRest(f);
            }
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

    /** @return the first frame of the next message from the reply's peer, or null */
    private Frame fromReplyPipe() {
        while (true) {
            Frame f = fq.recv();
            if (f == null || replyPipe == null || fq.lastPipe() == replyPipe) {
                return f;
            }
            skipRest(f);
        }
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
        return (!awaitingReply || options.get(ZmqOption.REQ_RELAXED)) && lb.hasOut();
    }
}
