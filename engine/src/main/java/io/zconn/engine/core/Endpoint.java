package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

import java.util.Locale;

/**
 * A parsed endpoint such as {@code tcp://127.0.0.1:5555}: transport plus address.
 *
 * @param transport the transport
 * @param address   what follows {@code ://}
 * @param text      the endpoint as given
 */
public record Endpoint(Transport transport, String address, String text) {

    /** The transports zconn knows. */
    public enum Transport {
        /** TCP over IPv4 or IPv6. */
        TCP,
        /** Unix domain sockets. */
        IPC,
        /** In-process, between sockets of one context. */
        INPROC,
        /** PGM encapsulated in UDP. */
        EPGM,
        /** PGM over raw IP. */
        PGM
    }

    /**
     * @param text e.g. {@code tcp://*:5555}
     * @return the parsed endpoint
     * @throws ZmqException EINVAL for malformed text, EPROTONOSUPPORT for an unknown transport
     */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ZmqException(Errno.EINVAL, "empty endpoint");
        }
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new ZmqException(Errno.EINVAL, "malformed endpoint '" + text + "' (expected transport://address)");
        }
        String scheme = text.substring(0, sep).toLowerCase(Locale.ROOT);
        String address = text.substring(sep + 3);
        Transport t = switch (scheme) {
            case "tcp" -> Transport.TCP;
            case "ipc" -> Transport.IPC;
            case "inproc" -> Transport.INPROC;
            case "epgm" -> Transport.EPGM;
            case "pgm" -> Transport.PGM;
            default -> throw new ZmqException(Errno.EPROTONOSUPPORT,
                    "unsupported transport '" + scheme + "' in endpoint '" + text + "'");
        };
        if (address.isEmpty()) {
            throw new ZmqException(Errno.EINVAL, "endpoint '" + text + "' has no address");
        }
        if (t == Transport.TCP) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new ZmqException(Errno.EINVAL, "endpoint '" + text + "' needs host:port");
            }
            String port = address.substring(colon + 1);
            if (!port.equals("*") && !port.equals("0")) {
                try {
                    int p = Integer.parseInt(port);
                    if (p < 1 || p > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ZmqException(Errno.EINVAL, "invalid port '" + port + "' in endpoint '" + text + "'");
                }
            }
        }
        return new Endpoint(t, address, text);
    }

    @Override
    public String toString() {
        return text;
    }
}
