package io.zconn.engine.socket;

import io.zconn.engine.SocketType;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;

/** Makes the socket implementation for a {@link SocketType}. */
public final class SocketFactory {
    private SocketFactory() {
    }

    /**
     * @param ctx  the context
     * @param type the type
     * @return a new socket
     */
    public static SocketBase create(Ctx ctx, SocketType type) {
        return switch (type) {
            case PAIR -> new Pair(ctx);
            case PUB -> new Pub(ctx);
            case SUB -> new Sub(ctx);
            case XPUB -> new XPub(ctx);
            case XSUB -> new XSub(ctx);
            case REQ -> new Req(ctx);
            case REP -> new Rep(ctx);
            case DEALER -> new Dealer(ctx);
            case ROUTER -> new Router(ctx);
            case PUSH -> new Push(ctx);
            case PULL -> new Pull(ctx);
            case STREAM -> new Stream(ctx);
        };
    }
}
