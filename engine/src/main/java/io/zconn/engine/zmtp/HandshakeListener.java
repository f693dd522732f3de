package io.zconn.engine.zmtp;

import io.netty.channel.ChannelHandlerContext;
import io.zconn.engine.ZmqException;

/** Told how a {@link ZmtpHandshakeHandler} ended. */
public interface HandshakeListener {
    /**
     * The handshake succeeded. Add the handler for the data phase to the pipeline here; bytes
     * that arrived after the handshake are passed on to it.
     *
     * @param ctx  the handshake handler's context
     * @param peer what the peer announced
     */
    void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peer);

    /**
     * The handshake failed; the channel is being closed.
     *
     * @param ctx   the handshake handler's context
     * @param cause why
     */
    void handshakeFailed(ChannelHandlerContext ctx, ZmqException cause);
}
