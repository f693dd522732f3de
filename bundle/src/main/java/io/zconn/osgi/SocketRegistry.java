package io.zconn.osgi;

import io.zconn.engine.Socket;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates and finds the sockets managed by zconn, all made from one shared engine context.
 *
 * <p>Every managed socket, whether created here or from a factory configuration of
 * {@link ZconnConstants#SOCKET_FACTORY_PID}, is also registered as an {@link Socket} service with
 * the properties {@link ZconnConstants#NAME}, {@link ZconnConstants#TYPE} and
 * {@link ZconnConstants#ENDPOINTS}, and whiteboard listeners can attach to it by name.
 *
 * <p>Sockets are shared: they are safe to use from several threads, and their users must not close
 * them. A socket created through this service belongs to the bundle that created it and is closed
 * when that bundle releases the service (for instance when it stops) or calls {@link #close(String)}.
 */
@ProviderType
public interface SocketRegistry {
    /**
     * Creates a socket, applies its options and subscriptions, binds and connects it, and registers it.
     *
     * @param spec what to create
     * @return the socket
     * @throws IllegalStateException when a socket of that name exists
     * @throws io.zconn.engine.ZmqException when an endpoint is malformed, taken or unsupported
     */
    Socket create(SocketSpec spec);

    /**
     * Closes a socket this bundle created and unregisters its service.
     *
     * @param name the socket's name
     * @return false when this bundle created no socket of that name
     */
    boolean close(String name);

    /**
     * @param name a socket's name
     * @return the socket, when one of that name is active
     */
    Optional<Socket> lookup(String name);

    /**
     * Waits for a socket to appear, as configured sockets do asynchronously.
     *
     * @param name    a socket's name
     * @param timeout how long to wait at most
     * @return the socket, or empty when none appeared in time
     * @throws InterruptedException when interrupted while waiting
     */
    Optional<Socket> await(String name, Duration timeout) throws InterruptedException;

    /** @return every managed socket, active or failed, by name */
    List<SocketInfo> sockets();

    /**
     * @param name a socket's name
     * @return its snapshot, when known
     */
    Optional<SocketInfo> info(String name);
}
