package io.zconn.engine.core;

import io.zconn.engine.Errno;
import io.zconn.engine.PeerMetrics;
import io.zconn.engine.SocketMXBean;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.ZmqException;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers a socket's {@link SocketMXBean} on the platform MBean server as
 * {@code io.zconn:type=Socket,name="<name>"}, on request ({@code ZmqOption.MBEAN_NAME}), and
 * unregisters it. Only the socket's option handling and close call it, under the socket's lock.
 */
final class SocketMBeans {
    private static final System.Logger LOG = System.getLogger(SocketMBeans.class.getName());

    private final SocketBase socket;
    private ObjectName registered;

    SocketMBeans(SocketBase socket) {
        this.socket = socket;
    }

    /**
     * @param name a socket's MBean name (any text: it is quoted)
     * @return {@code io.zconn:type=Socket,name="<name>"}
     */
    static ObjectName objectName(String name) {
        try {
            return new ObjectName("io.zconn:type=Socket,name=" + ObjectName.quote(name));
        } catch (MalformedObjectNameException e) {
            throw new ZmqException(Errno.EINVAL, "cannot make a JMX object name of '" + name + "': " + e.getMessage());
        }
    }

    /**
     * Registers under {@code name}, replacing this socket's earlier registration; empty unregisters.
     *
     * @param name the name
     * @throws ZmqException EADDRINUSE when another MBean has that name
     */
    void register(String name) {
        ObjectName next = name.isEmpty() ? null : objectName(name);
        if (next != null && next.equals(registered)) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (next != null) {
            try {
                server.registerMBean(new View(socket), next);
            } catch (InstanceAlreadyExistsException e) {
                throw new ZmqException(Errno.EADDRINUSE, "an MBean named " + next + " is already registered");
            } catch (JMException e) {
                throw new ZmqException(Errno.EINVAL, "cannot register the MBean " + next + ": " + e);
            }
        }
        unregister();
        registered = next;
    }

    /** Unregisters this socket's MBean, if any. */
    void unregister() {
        ObjectName n = registered;
        registered = null;
        if (n == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(n);
        } catch (InstanceNotFoundException e) {
            // someone else unregistered it: nothing left to do
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot unregister the MBean " + n + ": " + e);
        }
    }

    /** The MBean: each attribute reads a fresh snapshot. */
    private static final class View implements SocketMXBean {
        private final SocketBase socket;

        View(SocketBase socket) {
            this.socket = socket;
        }

        private SocketMetrics m() {
            return socket.metrics();
        }

        @Override
        public String getType() {
            return socket.type().name();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public long getMessagesIn() {
            return m().messagesIn();
        }

        @Override
        public long getBytesIn() {
            return m().bytesIn();
        }

        @Override
        public long getMessagesOut() {
            return m().messagesOut();
        }

        @Override
        public long getBytesOut() {
            return m().bytesOut();
        }

        @Override
        public long getHwmDrops() {
            return m().hwmDrops();
        }

        @Override
        public long getSendsRefused() {
            return m().sendsRefused();
        }

        @Override
        public long getReconnects() {
            return m().reconnects();
        }

        @Override
        public long getConnectRetries() {
            return m().connectRetries();
        }

        @Override
        public long getHandshakeFailures() {
            return m().handshakeFailures();
        }

        @Override
        public long getSpilledOut() {
            return m().spilledOut();
        }

        @Override
        public long getSpilledBytesOut() {
            return m().spilledBytesOut();
        }

        @Override
        public long getSpilledTotalOut() {
            return m().spilledTotalOut();
        }

        @Override
        public long getSpillLost() {
            return m().spillLost();
        }

        @Override
        public int getPeerCount() {
            return m().peers().size();
        }

        @Override
        public List<Peer> getPeers() {
            List<Peer> out = new ArrayList<>();
            for (PeerMetrics p : m().peers()) {
                out.add(new PeerView(p));
            }
            return out;
        }
    }

    /** One peer for JMX. */
    private record PeerView(PeerMetrics p) implements SocketMXBean.Peer {
        @Override
        public String getEndpoint() {
            return p.endpoint();
        }

        @Override
        public String getRemoteAddress() {
            return p.remoteAddress();
        }

        @Override
        public String getRoutingId() {
            return text(p.routingId());
        }

        @Override
        public String getPeerType() {
            return p.peerType();
        }

        @Override
        public boolean isConnected() {
            return p.connected();
        }

        @Override
        public long getMessagesIn() {
            return p.messagesIn();
        }

        @Override
        public long getBytesIn() {
            return p.bytesIn();
        }

        @Override
        public long getMessagesOut() {
            return p.messagesOut();
        }

        @Override
        public long getBytesOut() {
            return p.bytesOut();
        }

        @Override
        public long getQueuedIn() {
            return p.queuedIn();
        }

        @Override
        public long getQueuedOut() {
            return p.queuedOut();
        }

        @Override
        public long getHwmIn() {
            return p.hwmIn();
        }

        @Override
        public long getHwmOut() {
            return p.hwmOut();
        }

        @Override
        public long getHwmDrops() {
            return p.hwmDrops();
        }

        @Override
        public long getHwmRefusals() {
            return p.hwmRefusals();
        }

        @Override
        public long getSpilledOut() {
            return p.spilledOut();
        }

        @Override
        public long getSpilledBytesOut() {
            return p.spilledBytesOut();
        }

        @Override
        public long getSpilledTotalOut() {
            return p.spilledTotalOut();
        }

        @Override
        public long getSpillLost() {
            return p.spillLost();
        }
    }

    /** @return the id as text when every byte is printable ASCII, else as hex with a 0x prefix */
    static String text(byte[] id) {
        boolean printable = id.length > 0;
        for (byte b : id) {
            printable &= b >= 0x20 && b < 0x7f;
        }
        if (printable) {
            return new String(id, StandardCharsets.US_ASCII);
        }
        if (id.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("0x");
        for (byte b : id) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
