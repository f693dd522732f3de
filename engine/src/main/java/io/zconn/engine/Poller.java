package io.zconn.engine;

import io.zconn.engine.core.PollEvents;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.core.Waiter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Waits for readiness on many sockets at once, like {@code zmq_poll}. Sockets on different
 * transports may be mixed. A poller belongs to one thread at a time.
 *
 * <pre>{@code
 * try (Poller poller = new Poller()) {
 *     int a = poller.register(pull, Poller.POLLIN);
 *     int b = poller.register(sub, Poller.POLLIN);
 *     while (poller.poll(1000) > 0) {
 *         if (poller.isReadable(a)) handle(pull.recvMessage());
 *         if (poller.isReadable(b)) handle(sub.recvMessage());
 *     }
 * }
 * }</pre>
 */
public final class Poller implements AutoCloseable {
    /** Ready to receive a frame without blocking. */
    public static final int POLLIN = PollEvents.POLLIN;
    /** Ready to send a frame without blocking. */
    public static final int POLLOUT = PollEvents.POLLOUT;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Integer> interests = new ArrayList<>();
    private int[] ready = new int[4];
    private final Waiter waiter = new Waiter();

    /** Creates a poller with no sockets registered. */
    public Poller() {
    }

    /**
     * Adds a socket.
     *
     * @param socket the socket
     * @param events {@link #POLLIN}, {@link #POLLOUT} or both
     * @return the index to query with {@link #isReadable(int)}
     */
    public int register(Socket socket, int events) {
        Objects.requireNonNull(socket, "socket");
        if ((events & ~(POLLIN | POLLOUT)) != 0 || events == 0) {
            throw new ZmqException(Errno.EINVAL, "events must be POLLIN, POLLOUT or both, was " + events);
        }
        sockets.add(socket);
        interests.add(events);
        if (ready.length < sockets.size()) {
            ready = java.util.Arrays.copyOf(ready, sockets.size() * 2);
        }
        return sockets.size() - 1;
    }

    /**
     * Removes a socket; indexes of later sockets shift down by one.
     *
     * @param socket the socket
     */
    public void unregister(Socket socket) {
        int i = sockets.indexOf(socket);
        if (i >= 0) {
            sockets.remove(i);
            interests.remove(i);
        }
    }

    /** @return how many sockets are registered */
    public int size() {
        return sockets.size();
    }

    /**
     * Waits until at least one socket is ready for an event it was registered for.
     *
     * @param timeoutMillis -1 waits forever, 0 returns at once
     * @return the number of sockets ready
     * @throws ZmqException ETERM when a registered socket is closed
     */
    public int poll(long timeoutMillis) {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            int n = scan();
            if (n > 0 || timeoutMillis == 0) {
                return n;
            }
            long key = waiter.prepare();
            for (Socket s : sockets) {
                s.base.addWaiter(waiter);
            }
            try {
                n = scan();
                if (n > 0) {
                    return n;
                }
                long now = System.nanoTime();
                if (timeoutMillis >= 0 && now >= deadline) {
                    return 0;
                }
                waiter.await(key, timeoutMillis < 0 ? -1 : deadline - now);
            } finally {
                for (Socket s : sockets) {
                    s.base.removeWaiter(waiter);
                }
            }
            if (timeoutMillis >= 0 && System.nanoTime() >= deadline) {
                return scan();
            }
        }
    }

    private int scan() {
        int n = 0;
        for (int i = 0; i < sockets.size(); i++) {
            SocketBase b = sockets.get(i).base;
            int r = b.events() & interests.get(i);
            ready[i] = r;
            if (r != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * @param index the socket's index
     * @return whether it was readable at the last poll
     */
    public boolean isReadable(int index) {
        return (ready[index] & POLLIN) != 0;
    }

    /**
     * @param index the socket's index
     * @return whether it was writable at the last poll
     */
    public boolean isWritable(int index) {
        return (ready[index] & POLLOUT) != 0;
    }

    /**
     * @param index the socket's index
     * @return the socket at that index
     */
    public Socket socket(int index) {
        return sockets.get(index);
    }

    /** Forgets all sockets (it does not close them). */
    @Override
    public void close() {
        sockets.clear();
        interests.clear();
    }
}
