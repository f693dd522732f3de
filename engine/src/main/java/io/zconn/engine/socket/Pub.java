package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Ctx;

/** PUB: an XPUB that cannot receive; subscriptions only steer what it sends. */
public final class Pub extends XPub {
    public Pub(Ctx ctx) {
        super(ctx, SocketType.PUB);
    }

    @Override
    protected boolean passesSubscriptionsUp() {
        return false;
    }

    @Override
    protected Frame xrecv() {
        throw new ZmqException(Errno.ENOTSUP, "PUB sockets cannot receive");
    }

    @Override
    protected boolean xhasIn() {
        return false;
    }
}
