package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;

/**
 * Who a connection ({@link ZmtpEngine} or {@link RawEngine}) belongs to: a {@link Listener}
 * (accepted connections) or a {@link Connecter} (one outgoing connection, remade after failures).
 */
interface SessionOwner {
    /**
     * The handshake succeeded (a raw connection: it is connected): give the connection its pipe end.
     *
     * @param channel the connection
     * @param peer   what the peer announced
     * @return the session's end of the pipe to the socket, or null to refuse the connection
     */
    Pipe pipeFor(Channel channel, PeerInfo peer);

    /**
     * The connection closed.
     *
     * @param channel the connection
     * @param pipe    its pipe end, or null if the handshake never completed
     */
    void closed(Channel channel, Pipe pipe);

    /**
     * The peer refused this side for good (its ZAP handler refused our credentials) or uses another
     * security mechanism: a connecting owner stops reconnecting, as libzmq does.
     *
     * @param channel the connection, about to close
     */
    default void refused(Channel channel) {
    }

    /** @return the socket, told the connection's events when monitored; null for an engine tested alone */
    default io.zconn.engine.core.SocketBase socket() {
        return null;
    }

    /** @return the endpoint the connection's events name */
    default String endpoint() {
        return "";
    }

    /**
     * @return whether this side is closing the connection itself (close, disconnect, unbind): its
     *         end is then no DISCONNECTED event, as in libzmq
     */
    default boolean closing() {
        return false;
    }

    /**
     * @param channel a connection of this owner
     * @return whether it was ever connected (a connection attempt that failed ends with CLOSED, not DISCONNECTED)
     */
    default boolean wasConnected(Channel channel) {
        return true;
    }

    /**
     * @return the transport, which keeps the context open while a connection lingers; null for an
     *         owner outside any transport (an engine tested alone)
     */
    default StreamTransport transport() {
        return null;
    }
}
