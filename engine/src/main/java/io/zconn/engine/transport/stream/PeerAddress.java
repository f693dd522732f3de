package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;

/**
 * A connection's {@code Peer-Address} property, formatted as libzmq 4.3 formats it (numeric
 * {@code getnameinfo}, then peer credentials for Unix domain sockets): {@code 127.0.0.1} and
 * {@code ::1} (RFC 5952 text, as glibc writes it) for tcp, {@code ::ffff:127.0.0.1} for an IPv4
 * peer of a dual-stack (IPV6) socket, and {@code localhost:uid:gid:pid} of the peer process for ipc.
 */
final class PeerAddress {
    private PeerAddress() {
    }

    /**
     * @param ch a connected channel
     * @return its peer's address as libzmq gives it, empty when unknown
     */
    static String of(Channel ch) {
        SocketAddress remote = ch.remoteAddress();
        if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
            InetAddress a = isa.getAddress();
            if (a instanceof Inet4Address && onIpv6Socket(ch)) {
                return "::ffff:" + a.getHostAddress(); // the kernel saw an IPv4-mapped peer
            }
            return format(a);
        }
        if (ch instanceof EpollDomainSocketChannel uds) {
            try {
                PeerCredentials c = uds.peerCredentials();
                int[] gids = c.gids();
                return "localhost:" + c.uid() + ":" + (gids.length > 0 ? gids[0] : -1) + ":" + c.pid();
            } catch (IOException e) {
                return "localhost"; // what getnameinfo alone says for a Unix domain socket
            }
        }
        return "";
    }

    /** Java shows IPv4-mapped addresses as IPv4: a listener's own address tells its family. */
    private static boolean onIpv6Socket(Channel ch) {
        SocketAddress local = ch.parent() != null ? ch.parent().localAddress() : ch.localAddress();
        return local instanceof InetSocketAddress isa && isa.getAddress() instanceof Inet6Address;
    }

    /**
     * @param a an address
     * @return its numeric text: dotted quad, or IPv6 with the longest run of two or more zero
     *         groups shortened to {@code ::} (the first such run on a tie), lower case, an embedded
     *         IPv4 address dotted, and {@code %scope} when it has one
     */
    static String format(InetAddress a) {
        if (!(a instanceof Inet6Address v6)) {
            return a.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestBase) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 7 && w[7] != 1) || (bestLen == 5 && w[5] == 0xFFFF))) {
                sb.append(b[12] & 0xFF).append('.').append(b[13] & 0xFF).append('.')
                        .append(b[14] & 0xFF).append('.').append(b[15] & 0xFF);
                break;
            }
            sb.append(Integer.toHexString(w[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        NetworkInterface nif = v6.getScopedInterface();
        if (nif != null) {
            sb.append('%').append(nif.getName());
        } else if (v6.getScopeId() != 0) {
            sb.append('%').append(v6.getScopeId());
        }
        return sb.toString();
    }
}
