package io.zconn.ra.outbound;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqConnectionListener;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import javax.naming.Reference;

/**
 * The connection factory applications look up: asks the connection manager (the server's pool, or
 * {@link DefaultConnectionManager} outside a container) for a managed connection and returns a
 * handle to it.
 */
public class ZmqConnectionFactoryImpl implements ZmqConnectionFactory {
    private static final long serialVersionUID = 1L;

    private final ZmqManagedConnectionFactory mcf;
    private final ConnectionManager manager;
    private Reference reference;

    /** For tools that instantiate connection factories reflectively; unusable until made by a managed connection factory. */
    public ZmqConnectionFactoryImpl() {
        this(null, null);
    }

    /**
     * @param mcf     the managed connection factory
     * @param manager the connection manager
     */
    public ZmqConnectionFactoryImpl(ZmqManagedConnectionFactory mcf, ConnectionManager manager) {
        this.mcf = mcf;
        this.manager = manager;
    }

    @Override
    public ZmqConnection getConnection() throws ResourceException {
        if (mcf == null || manager == null) {
            throw new ResourceException("this connection factory was not created by a ZmqManagedConnectionFactory");
        }
        return (ZmqConnection) manager.allocateConnection(mcf, null);
    }

    @Override
    public void addConnectionListener(ZmqConnectionListener listener) {
        usable().addConnectionListener(listener);
    }

    @Override
    public void removeConnectionListener(ZmqConnectionListener listener) {
        usable().removeConnectionListener(listener);
    }

    private ZmqManagedConnectionFactory usable() {
        if (mcf == null) {
            throw new IllegalStateException("this connection factory was not created by a ZmqManagedConnectionFactory");
        }
        return mcf;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "ZmqConnectionFactory[" + mcf + "]";
    }
}
