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
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.UUID;

/**
 * Turns endpoint addresses into socket addresses the way libzmq does: {@code *} is the wildcard,
 * an interface name means that interface's address, port {@code *} or 0 picks a free port; IPv6
 * literals go in brackets. For ipc, {@code *} makes a fresh path in the temp directory.
 */
final class Addresses {
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
            case TCP -> tcpConnect(ep);
            case IPC -> ipc(ep, false);
            default -> throw new IllegalArgumentException(ep.toString());
        };
    }

    private static String[] hostPort(Endpoint ep) {
        String a = ep.address();
        int colon = a.lastIndexOf(':');
        String host = a.substring(0, colon);
        String port = a.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int semi = host.indexOf(';');
        if (semi >= 0) {
            host = host.substring(semi + 1); // "source;dest": zconn binds no source address
        }
        return new String[] {host, port.equals("*") ? "0" : port};
    }

    private static InetSocketAddress tcpBind(Endpoint ep, boolean ipv6) {
        String[] hp = hostPort(ep);
        int port = Integer.parseInt(hp[1]);
        String host = hp[0];
        if (host.equals("*")) {
            return new InetSocketAddress(port);
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

    private static InetSocketAddress tcpConnect(Endpoint ep) {
        String[] hp = hostPort(ep);
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
        if (path.equals("*")) {
            if (!bind) {
                throw new ZmqException(Errno.EINVAL, "cannot connect to ipc://*");
            }
            path = Path.of(System.getProperty("java.io.tmpdir"), "zconn-" + UUID.randomUUID() + ".sock").toString();
        }
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new ZmqException(Errno.EINVAL, "ipc path too long (max 107 bytes): " + path);
        }
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
}
