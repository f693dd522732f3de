package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.core.SocketBase;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Builds the transport's {@link SocketEvent}s, only for monitored sockets: every caller checks
 * {@link SocketBase#monitored()} (one volatile read) first, so an unmonitored socket pays nothing
 * more. Values are libzmq's: descriptors where Netty's native transport has them (-1 on NIO) and
 * Linux errno numbers.
 */
final class Monitoring {
    /** Linux errno numbers, as libzmq's events carry them. */
    static final int EPIPE = 32, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ECONNRESET = 104, ETIMEDOUT = 110,
            EINPROGRESS = 115, EMFILE = 24;

    private Monitoring() {
    }

    /**
     * Emits an event if the socket is monitored.
     *
     * @param socket   the socket
     * @param type     the event
     * @param endpoint the endpoint
     * @param value    its value
     * @param ch       the connection or listener it concerns (its peer address is given), or null
     * @param id       the peer's routing id, or null
     */
    static void emit(SocketBase socket, SocketEvent.Type type, String endpoint, int value, Channel ch, byte[] id) {
        if (socket != null && socket.monitored()) {
            socket.event(new SocketEvent(type, endpoint, value, ch == null ? null : peer(ch), id));
        }
    }

    /**
     * Emits an event whose value is the channel's descriptor.
     *
     * @param socket   the socket
     * @param type     the event
     * @param endpoint the endpoint
     * @param ch       the channel
     */
    static void emitFd(SocketBase socket, SocketEvent.Type type, String endpoint, Channel ch) {
        if (socket != null && socket.monitored()) {
            socket.event(new SocketEvent(type, endpoint, fd(ch), peer(ch), null));
        }
    }

    /** @return the channel's descriptor (epoll), or -1 */
    static int fd(Channel ch) {
        if (ch instanceof UnixChannel u) {
            try {
                return u.fd().intValue();
            } catch (RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }

    /** @return the peer's address as an endpoint ({@code tcp://ip:port}, {@code ipc://path}), or null */
    static String peer(Channel ch) {
        SocketAddress a;
        try {
            a = ch.remoteAddress();
        } catch (RuntimeException e) {
            return null;
        }
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            String host = isa.getAddress().getHostAddress();
            if (host.contains(":")) {
                host = "[" + StreamTransport.compressIpv6(host.replaceFirst("%.*$", "")) + "]";
            }
            return "tcp://" + host + ":" + isa.getPort();
        }
        if (a instanceof DomainSocketAddress dsa) {
            return Addresses.ipcText(dsa);
        }
        return null;
    }
}
