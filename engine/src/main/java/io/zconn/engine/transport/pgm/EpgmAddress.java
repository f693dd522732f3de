package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * An {@code epgm://} address as libzmq writes it: {@code interface;group:port}, the interface by
 * name ({@code eth0}) or by one of its IPv4 addresses ({@code 127.0.0.1}), the group an IPv4
 * multicast address. The port is both the UDP port (OpenPGM's encapsulation port, which libzmq
 * sets to it) and the PGM destination port.
 *
 * @param networkInterface the interface the group is joined on
 * @param interfaceText    the interface as written
 * @param group            the multicast group
 * @param port             the port
 */
public record EpgmAddress(NetworkInterface networkInterface, String interfaceText, InetAddress group, int port) {
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /**
     * @param address what follows {@code epgm://}
     * @return the parsed address
     * @throws ZmqException EINVAL when malformed or the interface is unknown; EPROTONOSUPPORT for an
     *                      IPv6 group (not yet)
     */
    public static EpgmAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        int semi = address.indexOf(';');
        if (semi <= 0 || colon < semi) {
            throw new ZmqException(Errno.EINVAL, "epgm address '" + address
                    + "' must be interface;group:port, e.g. eth0;239.192.1.1:5555");
        }
        String iface = address.substring(0, semi);
        String groupText = address.substring(semi + 1, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ZmqException(Errno.EINVAL, "invalid port in epgm address '" + address + "'");
        }
        if (port < 1 || port > 65535) {
            throw new ZmqException(Errno.EINVAL, "port out of range in epgm address '" + address + "'");
        }
        if (groupText.startsWith("[") || groupText.contains(":")) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "epgm over IPv6 is not supported yet: " + address);
        }
        if (groupText.contains(",")) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "epgm with several groups is not supported yet: " + address);
        }
        InetAddress group = literal(groupText, address);
        if (!(group instanceof Inet4Address) || !group.isMulticastAddress()) {
            throw new ZmqException(Errno.EINVAL, "'" + groupText + "' is not an IPv4 multicast group in '" + address + "'");
        }
        NetworkInterface ni;
        try {
            ni = NetworkInterface.getByName(iface);
            if (ni == null && isIpv4Literal(iface)) {
                ni = NetworkInterface.getByInetAddress(literal(iface, address));
            }
        } catch (SocketException e) {
            throw new ZmqException(Errno.EINVAL, "cannot look up interface '" + iface + "': " + e.getMessage(), e);
        }
        if (ni == null) {
            throw new ZmqException(Errno.EINVAL, "no network interface '" + iface + "' for epgm address '" + address + "'");
        }
        return new EpgmAddress(ni, iface, group, port);
    }

    private static boolean isIpv4Literal(String s) {
        return IPV4.matcher(s).matches();
    }

    private static InetAddress literal(String text, String address) {
        java.util.regex.Matcher m = IPV4.matcher(text);
        if (m.matches()) {
            byte[] b = new byte[4];
            boolean ok = true;
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(m.group(i + 1));
                ok &= v <= 255;
                b[i] = (byte) v;
            }
            if (ok) {
                try {
                    return InetAddress.getByAddress(b); // no name lookup
                } catch (UnknownHostException e) {
                    throw new AssertionError("four bytes are an IPv4 address", e);
                }
            }
        }
        throw new ZmqException(Errno.EINVAL, "'" + text + "' is not an IPv4 address in epgm address '" + address + "'");
    }
}
