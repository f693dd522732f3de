package io.zconn.engine.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * A loopback tcp port held without listening on it, so that a test can name a tcp endpoint
 * before any listener exists and no other process can take the port meanwhile (which
 * probe-a-free-port-then-bind cannot promise).
 *
 * <p>It is a plain client socket with SO_REUSEADDR, bound to {@code 127.0.0.1:0} (the kernel
 * picks a port nobody has) and never connected. Nothing listens on the port, so a connection
 * attempt to it is refused and a connecter keeps retrying. zconn's listener also sets
 * SO_REUSEADDR, and Linux lets sockets that all set it share a port as long as at most one of
 * them listens: the listener binds the held port while the hold still has it. Close the hold
 * once the listener is bound (or keep it across a listener's restart on the same port).
 */
final class PortHold implements AutoCloseable {
    private final SocketChannel channel;
    private final int port;

    PortHold() throws IOException {
        channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
            port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The held port as a zconn tcp endpoint. */
    String endpoint() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
