package io.zconn.engine.core;

import io.zconn.engine.SocketType;

/**
 * Makes the socket implementation for a type. The socket package's factory, which depends on core,
 * is wired into {@link Ctx} by {@link io.zconn.engine.Context}, so core never depends on it.
 */
@FunctionalInterface
public interface SocketMaker {
    /**
     * @param ctx  the context the socket belongs to
     * @param type the type
     * @return a new socket
     */
    SocketBase create(Ctx ctx, SocketType type);
}
