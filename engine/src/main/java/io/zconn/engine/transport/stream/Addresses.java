package io.zconn.engine.transport.stream;

import io.netty.channel.unix.DomainSocketAddress;
import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Endpoint;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.UUID;

/**
 * Turns endpoint addresses into socket addresses the way libzmq does: {@code *} is the wildcard,
 * an interface name means that interface's address, port {@code *} or 0 picks a free port; IPv6
 * literals go in brackets; {@code source;destination} binds the source before connecting. For ipc,
 * {@code *} makes a fresh path in the temp directory and {@code @name} is in Linux's abstract namespace.
 */
final class Addresses {
    /** The first byte of an abstract-namespace name in sun_path. */
    private static final String ABSTRACT = "\0";

    private Addresses() {
    }

    static SocketAddress forBind(Endpoint ep, boolean ipv6) {
        return switch (ep.transport()) {
            case TCP -> tcpBind(ep, ipv6);
            case IPC -> ipc(ep, true);
            default -> throw new IllegalArgumentException(ep.toString());
        };
    }

    static SocketAddress forConnect(Endpoint ep, boolean ipv6) {
        return switch (ep.transport()) {
            case TCP -> tcpConnect(ep, ipv6);
            case IPC -> ipc(ep, false);
            default -> throw new IllegalArgumentException(ep.toString());
        };
    }

    /** The destination part of a tcp address: what follows the last ';' (libzmq's "source;destination"). */
    private static String destination(Endpoint ep) {
        String a = ep.address();
        return a.substring(a.lastIndexOf(';') + 1);
    }

    private static String[] hostPort(String a) {
        int colon = a.lastIndexOf(':');
        String host = a.substring(0, colon);
        String port = a.substring(colon + 1);
        return new String[] {unbracket(host), port.equals("*") ? "0" : port};
    }

    private static String unbracket(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host;
    }

    /**
     * The source address of {@code tcp://source;destination}, bound before connecting as libzmq does:
     * an address literal or an interface name (no DNS), or {@code *}, with an optional
     * {@code :port} ({@code *} or 0 for any; libzmq requires the port, zconn also takes none).
     *
     * @return the local address to bind, or null when the endpoint names no source
     */
    static InetSocketAddress source(Endpoint ep, boolean ipv6) {
        String a = ep.address();
        int semi = a.lastIndexOf(';');
        if (semi < 0) {
            return null;
        }
        String src = a.substring(0, semi);
        String host = src;
        int port = 0;
        int colon = src.lastIndexOf(':');
        if (colon >= 0 && !src.endsWith("]") && (src.startsWith("[") || src.indexOf(':') == colon)) {
            host = src.substring(0, colon);
            String p = src.substring(colon + 1);
            if (!p.equals("*")) {
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 0 || port > 65535) {
                    throw new ZmqException(Errno.EINVAL, "invalid source port '" + p + "' in " + ep);
                }
            }
        }
        host = unbracket(host);
        if (host.isEmpty()) {
            throw new ZmqException(Errno.EINVAL, "empty source address in " + ep);
        }
        if (host.equals("*")) {
            return new InetSocketAddress(wildcard(ipv6), port);
        }
        InetAddress addr = literalOrInterface(host, ipv6);
        if (addr == null) {
            throw new ZmqException(Errno.EINVAL, "source '" + host + "' is neither an address nor an interface: " + ep);
        }
        if (addr instanceof Inet6Address && !ipv6) {
            throw new ZmqException(Errno.EINVAL, "IPv6 source address needs IPV6: " + ep);
        }
        return new InetSocketAddress(addr, port);
    }

    /**
     * {@code *}: with IPV6 off the IPv4 wildcard 0.0.0.0 only; with IPV6 on {@code ::}, dual-stack,
     * unless this host cannot make IPv6 sockets, where libzmq falls back to IPv4 too.
     */
    private static InetAddress wildcard(boolean ipv6) {
        try {
            return InetAddress.getByAddress(ipv6 && Ipv6.AVAILABLE ? new byte[16] : new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for a 4 or 16 byte address
        }
    }

    private static InetSocketAddress tcpBind(Endpoint ep, boolean ipv6) {
        String[] hp = hostPort(destination(ep));
        int port = Integer.parseInt(hp[1]);
        String host = hp[0];
        if (host.equals("*")) {
            return new InetSocketAddress(wildcard(ipv6), port);
        }
        InetAddress addr = literalOrInterface(host, ipv6);
        if (addr == null) {
            try {
                addr = resolve(host, ipv6);
            } catch (UnknownHostException e) {
                throw new ZmqException(Errno.EADDRNOTAVAIL, "no interface or address '" + host + "' for " + ep);
            }
        }
        return new InetSocketAddress(addr, port);
    }

    private static InetSocketAddress tcpConnect(Endpoint ep, boolean ipv6) {
        source(ep, ipv6); // a bad source fails now, as in libzmq's zmq_connect
        String[] hp = hostPort(destination(ep));
        int port = Integer.parseInt(hp[1]);
        if (port == 0) {
            throw new ZmqException(Errno.EINVAL, "cannot connect to port * or 0: " + ep);
        }
        if (hp[0].equals("*")) {
            throw new ZmqException(Errno.EINVAL, "cannot connect to host *: " + ep);
        }
        // resolved at each connection attempt, so a name that resolves later still works
        return InetSocketAddress.createUnresolved(hp[0], port);
    }

    static InetSocketAddress resolveNow(InetSocketAddress a, boolean ipv6) throws UnknownHostException {
        if (!a.isUnresolved()) {
            return a;
        }
        return new InetSocketAddress(resolve(a.getHostString(), ipv6), a.getPort());
    }

    /** Whether IPv6 sockets can be made here, found once. */
    private static final class Ipv6 {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
                return ch.isOpen();
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
    }

    private static InetAddress resolve(String host, boolean ipv6) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(host);
        for (InetAddress a : all) {
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        if (ipv6) {
            return all[0];
        }
        throw new UnknownHostException(host + " has no IPv4 address (set IPV6 to use IPv6)");
    }

    private static InetAddress literalOrInterface(String host, boolean ipv6) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(host);
            if (ni != null) {
                InetAddress v6 = null;
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                    if (a instanceof Inet6Address && v6 == null) {
                        v6 = a;
                    }
                }
                if (ipv6 && v6 != null) {
                    return v6;
                }
                throw new ZmqException(Errno.EADDRNOTAVAIL, "interface '" + host + "' has no usable address");
            }
        } catch (SocketException e) {
            // not an interface name
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new ZmqException(Errno.EINVAL, "invalid address '" + host + "'");
            }
        }
        return null;
    }

    private static DomainSocketAddress ipc(Endpoint ep, boolean bind) {
        String path = ep.address();
        if (path.startsWith("@")) {
            // Linux's abstract namespace, as libzmq: the name starts with a NUL byte in sun_path and
            // no file is made; Netty's native transport passes the name's exact length to the kernel
            if (path.length() == 1) {
                throw new ZmqException(Errno.EINVAL, "empty abstract ipc name: " + ep);
            }
            checkIpcLength(path, ep);
            return new DomainSocketAddress(ABSTRACT + path.substring(1));
        }
        if (path.equals("*")) {
            if (!bind) {
                throw new ZmqException(Errno.EINVAL, "cannot connect to ipc://*");
            }
            path = Path.of(System.getProperty("java.io.tmpdir"), "zconn-" + UUID.randomUUID() + ".sock").toString();
        }
        checkIpcLength(path, ep);
        if (bind) {
            try {
                // a file left by a process that died is replaced, as libzmq does
                Files.deleteIfExists(Path.of(path));
            } catch (IOException e) {
                throw new ZmqException(Errno.EADDRINUSE, "cannot replace existing file " + path + ": " + e.getMessage());
            }
        }
        return new DomainSocketAddress(path);
    }

    private static void checkIpcLength(String path, Endpoint ep) {
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new ZmqException(Errno.EINVAL, "ipc path too long (max 107 bytes): " + ep);
        }
    }

    /**
     * The endpoint text of a bound ipc address, as libzmq's LAST_ENDPOINT: an abstract name is
     * written with its leading {@code @}.
     */
    static String ipcText(DomainSocketAddress a) {
        String p = a.path();
        return "ipc://" + (p.startsWith(ABSTRACT) ? "@" + p.substring(1) : p);
    }
}
