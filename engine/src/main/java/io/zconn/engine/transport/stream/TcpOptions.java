package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Socket options Netty has no constant for, set through its native (epoll) transport by level and
 * number (Linux values): SO_BINDTODEVICE, and IP_TOS / IPV6_TCLASS on listening sockets.
 */
final class TcpOptions {
    /** Linux IFNAMSIZ: a device name and its terminating zero. */
    private static final int IFNAMSIZ = 16;
    /** SOL_SOCKET, SO_BINDTODEVICE. */
    static final RawUnixChannelOption SO_BINDTODEVICE = new RawUnixChannelOption("SO_BINDTODEVICE", 1, 25, IFNAMSIZ);
    /** IPPROTO_IP, IP_TOS. */
    static final IntegerUnixChannelOption IP_TOS = new IntegerUnixChannelOption("IP_TOS", 0, 1);
    /** IPPROTO_IPV6, IPV6_TCLASS. */
    static final IntegerUnixChannelOption IPV6_TCLASS = new IntegerUnixChannelOption("IPV6_TCLASS", 41, 67);

    private TcpOptions() {
    }

    /**
     * @param device a device name of at most 15 bytes
     * @return it as SO_BINDTODEVICE takes it: zero-terminated, IFNAMSIZ bytes
     */
    static ByteBuffer deviceName(String device) {
        byte[] name = device.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocateDirect(IFNAMSIZ);
        b.put(name, 0, Math.min(name.length, IFNAMSIZ - 1));
        b.position(0);
        return b;
    }

    /**
     * @param value what SO_BINDTODEVICE reads back
     * @return the device name
     */
    static String deviceName(ByteBuffer value) {
        StringBuilder sb = new StringBuilder();
        for (int i = value.position(); i < value.limit() && value.get(i) != 0; i++) {
            sb.append((char) value.get(i));
        }
        return sb.toString();
    }

    /**
     * Sets a listening socket's type of service, as libzmq does: IP_TOS, and IPV6_TCLASS where the
     * socket is IPv6 (refused on IPv4 sockets, which is fine).
     *
     * @param ch  a native listening channel, not yet bound
     * @param tos the TOS byte
     */
    static void setTos(Channel ch, int tos) {
        ch.config().setOption(IP_TOS, tos);
        try {
            ch.config().setOption(IPV6_TCLASS, tos);
        } catch (ChannelException ipv4Socket) {
            // an IPv4 socket has no traffic class; IP_TOS above is what applies
        }
    }
}
