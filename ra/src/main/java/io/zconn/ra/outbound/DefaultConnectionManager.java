package io.zconn.ra.outbound;

import io.zconn.ra.RaLog;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The connection manager used outside an application server: a small pool that keeps up to
 * {@link #MAX_IDLE} cleaned-up managed connections for reuse and destroys the ones that report an
 * error, following the same connection-event protocol a server's pool does.
 */
public final class DefaultConnectionManager implements ConnectionManager {
    private static final long serialVersionUID = 1L;

    /** Idle managed connections kept for reuse. */
    public static final int MAX_IDLE = 8;

    private final transient Deque<ManagedConnection> idle = new ArrayDeque<>();
    private final transient ConnectionEventListener listener = new Listener();

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection mc;
        synchronized (this) {
            mc = idle.isEmpty() ? null : mcf.matchManagedConnections(Set.copyOf(idle), null, info);
            if (mc != null) {
                idle.remove(mc);
            }
        }
        if (mc == null) {
            mc = mcf.createManagedConnection(null, info);
            mc.addConnectionEventListener(listener);
        }
        return mc.getConnection(null, info);
    }

    /** @return how many managed connections wait for reuse */
    public synchronized int idleCount() {
        return idle.size();
    }

    /** Destroys the idle managed connections. */
    public void clear() {
        Deque<ManagedConnection> all;
        synchronized (this) {
            all = new ArrayDeque<>(idle);
            idle.clear();
        }
        for (ManagedConnection mc : all) {
            destroy(mc);
        }
    }

    private static void destroy(ManagedConnection mc) {
        try {
            mc.destroy();
        } catch (ResourceException | RuntimeException e) {
            RaLog.connectionFailed(String.valueOf(mc), e);
        }
    }

    private final class Listener implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            ManagedConnection mc = (ManagedConnection) event.getSource();
            if (mc instanceof ZmqManagedConnection z && z.handleCount() > 0) {
                return;
            }
            try {
                mc.cleanup();
            } catch (ResourceException | RuntimeException e) {
                destroy(mc);
                return;
            }
            boolean keep;
            synchronized (DefaultConnectionManager.this) {
                keep = idle.size() < MAX_IDLE && !(mc instanceof ZmqManagedConnection z && !z.isUsable());
                if (keep) {
                    idle.push(mc);
                }
            }
            if (!keep) {
                destroy(mc);
            }
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            ManagedConnection mc = (ManagedConnection) event.getSource();
            synchronized (DefaultConnectionManager.this) {
                idle.remove(mc);
            }
            destroy(mc);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
        }
    }
}
