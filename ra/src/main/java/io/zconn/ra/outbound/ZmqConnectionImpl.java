package io.zconn.ra.outbound;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionException.Reason;
import io.zconn.ra.api.ZmqMessage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The handle an application holds: checks that it is still valid before each call and delegates to
 * its current {@link ZmqManagedConnection} (which the server may change with
 * {@code associateConnection}).
 */
public final class ZmqConnectionImpl implements ZmqConnection {
    private volatile ZmqManagedConnection mc;
    private volatile boolean closed;

    ZmqConnectionImpl(ZmqManagedConnection mc) {
        this.mc = mc;
    }

    ZmqManagedConnection associate(ZmqManagedConnection to) {
        ZmqManagedConnection old = mc;
        mc = to;
        closed = false;
        return old;
    }

    void invalidate() {
        mc = null;
    }

    private ZmqManagedConnection checkValidity() {
        ZmqManagedConnection m = mc;
        if (closed || m == null) {
            throw new ZmqConnectionException(Reason.CLOSED, "the zconn connection handle is closed", null);
        }
        return m;
    }

    @Override
    public void send(ZmqMessage message) {
        checkValidity().send(Objects.requireNonNull(message, "message"));
    }

    @Override
    public Optional<ZmqMessage> receive() {
        ZmqManagedConnection m = checkValidity();
        return m.receive(m.defaultReceiveTimeout());
    }

    @Override
    public Optional<ZmqMessage> receive(Duration timeout) {
        return checkValidity().receive(Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public ZmqMessage request(ZmqMessage request) {
        ZmqManagedConnection m = checkValidity();
        return m.request(Objects.requireNonNull(request, "request"), m.defaultReceiveTimeout());
    }

    @Override
    public ZmqMessage request(ZmqMessage request, Duration timeout) {
        return checkValidity().request(Objects.requireNonNull(request, "request"),
                Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public String socketType() {
        return checkValidity().type().name();
    }

    /**
     * Diagnostics for tests and monitoring: which managed connection serves this handle.
     *
     * @return the managed connection's id, or -1 when the handle is closed
     */
    public long managedConnectionId() {
        ZmqManagedConnection m = mc;
        return m == null ? -1 : m.id();
    }

    /** For tests: the endpoint the managed connection's socket bound last, or null. */
    String lastEndpoint() {
        return checkValidity().lastEndpoint();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ZmqManagedConnection m = mc;
        if (m != null) {
            m.closeHandle(this);
        }
    }

    @Override
    public String toString() {
        ZmqManagedConnection m = mc;
        return "ZmqConnection[" + (closed || m == null ? "closed" : m.toString()) + "]";
    }
}
