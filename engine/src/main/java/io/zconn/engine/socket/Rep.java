package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Ctx;

import java.util.ArrayList;
import java.util.List;

/**
 * REP: a ROUTER that strips the request envelope (routing id and frames up to the empty
 * delimiter), hands the body to the user, and puts the envelope back on the reply. Receive and
 * send must alternate (EFSM otherwise). A reply whose requester has gone is dropped.
 */
public final class Rep extends Router {
    private final List<Frame> envelope = new ArrayList<>();
    private boolean replying;
    private boolean inBody;

    public Rep(Ctx ctx) {
        super(ctx, SocketType.REP);
    }

    @Override
    protected Frame xrecv() {
        if (replying) {
            throw new ZmqException(Errno.EFSM, "REP socket must send the reply before receiving another request");
        }
        while (!inBody) {
            Frame f = super.xrecv();
            if (f == null) {
                return null;
            }
            envelope.add(f.withMore(true));
            if (envelope.size() > 1 && f.size() == 0) {
                if (f.hasMore()) {
                    inBody = true;
                } else {
                    envelope.clear(); // envelope with no body: drop
                }
            } else if (!f.hasMore()) {
                envelope.clear(); // no delimiter: not a request, drop it
            }
        }
        Frame f = super.xrecv();
        if (f == null) {
            return null;
        }
        if (!f.hasMore()) {
            inBody = false;
            replying = true;
        }
        return f;
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (!replying) {
            throw new ZmqException(Errno.EFSM, "REP socket must receive a request before sending a reply");
        }
        // the reply goes back the way the request came; if that peer has gone (or is full), the
        // reply is dropped and the next request can be taken, ROUTER_MANDATORY or not (libzmq)
        if (!envelope.isEmpty()) {
            for (Frame e : envelope) {
                route(e, false);
            }
            envelope.clear();
        }
        route(frame, false);
        if (!frame.hasMore()) {
            replying = false;
        }
        return true;
    }

    @Override
    protected boolean xhasIn() {
        return !replying && super.xhasIn();
    }

    @Override
    protected boolean xhasOut() {
        return replying;
    }
}
