package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;

/** SUB: an XSUB whose subscriptions are set with the SUBSCRIBE/UNSUBSCRIBE options; it cannot send. */
public final class Sub extends XSub {
    public Sub(Ctx ctx) {
        super(ctx, SocketType.SUB);
    }

    @Override
    protected <T> boolean xsetOption(ZmqOption<T> option, T value) {
        if (option == ZmqOption.SUBSCRIBE || option == ZmqOption.UNSUBSCRIBE) {
            changeSubscription(option == ZmqOption.SUBSCRIBE ? (byte) 1 : (byte) 0, (byte[]) value);
            return true;
        }
        return false;
    }

    @Override
    protected boolean filters() {
        return true;
    }

    @Override
    protected boolean xsend(Frame frame) {
        throw new ZmqException(Errno.ENOTSUP, "SUB sockets cannot send; use subscribe()");
    }

    @Override
    protected void changeSubscription(byte kind, byte[] topic) {
        super.xsend(XPub.subscriptionFrame(kind, topic));
    }

    @Override
    protected boolean xhasOut() {
        return false;
    }
}
