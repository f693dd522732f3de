package io.zconn.engine;

import io.zconn.engine.core.PollEvents;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.core.Waiter;

import java.util.Arrays;
import java.util.Objects;

/**
 * Waits for readiness on many sockets at once, like {@code zmq_poll}. Sockets on different
 * transports may be mixed. A poller belongs to one thread at a time.
 *
 * <p>The poller's waiter is attached to its sockets at the first poll that has to block and stays
 * attached while the set of sockets is unchanged ({@link #register}/{@link #unregister} attach or
 * detach the one socket; {@link #close()} detaches all), so a wake-up costs no registration on
 * every socket. Nor does it ask every socket for its readiness: a socket that was not ready at the
 * last scan is asked again only when its readiness stamp moved (a pipe event, or a call into it),
 * so with many sockets and few busy ones a wake-up reads N counters and asks the few. Close a
 * poller once done with it (try-with-resources): a poller left open keeps an entry in each of its
 * sockets' waiter lists until that socket closes.
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

    private Socket[] sockets = new Socket[4];
    /** The sockets' engine objects, read directly by the scan. */
    private SocketBase[] bases = new SocketBase[4];
    private int[] interests = new int[4];
    private int[] ready = new int[4];
    /** Each socket's {@link SocketBase#readinessStamp()} when last asked, or -1. */
    private long[] stamps = new long[4];
    private int size;
    /** Calls into sockets' {@link SocketBase#events()} so far (tests). */
    private long asked;
    /** Whether {@link #waiter} is in the waiter list of every registered socket. */
    private boolean attached;
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
        if (size == sockets.length) {
            int capacity = size * 2;
            sockets = Arrays.copyOf(sockets, capacity);
            bases = Arrays.copyOf(bases, capacity);
            interests = Arrays.copyOf(interests, capacity);
            ready = Arrays.copyOf(ready, capacity);
            stamps = Arrays.copyOf(stamps, capacity);
        }
        sockets[size] = socket;
        bases[size] = socket.base;
        interests[size] = events;
        ready[size] = 0;
        stamps[size] = -1;
        size++;
        if (attached) {
            socket.base.addWaiter(waiter);
        }
        return size - 1;
    }

    /**
     * Removes a socket; indexes of later sockets shift down by one.
     *
     * @param socket the socket
     */
    public void unregister(Socket socket) {
        for (int i = 0; i < size; i++) {
            if (sockets[i] == socket) {
                int tail = size - i - 1;
                System.arraycopy(sockets, i + 1, sockets, i, tail);
                System.arraycopy(bases, i + 1, bases, i, tail);
                System.arraycopy(interests, i + 1, interests, i, tail);
                System.arraycopy(ready, i + 1, ready, i, tail);
                System.arraycopy(stamps, i + 1, stamps, i, tail);
                size--;
                sockets[size] = null;
                bases[size] = null;
                if (attached) {
                    socket.base.removeWaiter(waiter);
                }
                return;
            }
        }
    }

    /** @return how many sockets are registered */
    public int size() {
        return size;
    }

    /**
     * Waits until at least one socket is ready for an event it was registered for.
     *
     * @param timeoutMillis -1 waits forever, 0 returns at once
     * @return the number of sockets ready
     * @throws ZmqException ETERM when a registered socket is closed or the thread is interrupted
     */
    public int poll(long timeoutMillis) {
        if (timeoutMillis == 0) {
            return scan();
        }
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        if (!attached) {
            int n = scan();
            if (n > 0) {
                return n;
            }
            attach();
        }
        try {
            while (true) {
                // The waiter is attached: a pipe event after prepare() moves its sequence on, so
                // readiness that the scan misses still ends the await (no lost wake-up).
                long key = waiter.prepare();
                int n = scan();
                if (n > 0) {
                    return n;
                }
                long left = -1;
                if (timeoutMillis > 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 0;
                    }
                }
                waiter.await(key, left);
                if (Thread.currentThread().isInterrupted()) {
                    throw new ZmqException(Errno.ETERM, "interrupted while polling");
                }
            }
        } finally {
            waiter.release(); // no unpark of this thread for events while it is not polling
        }
    }

    private void attach() {
        for (int i = 0; i < size; i++) {
            sockets[i].base.addWaiter(waiter);
        }
        attached = true;
    }

    /**
     * Asks the sockets for their readiness. A socket that was not ready at the last scan and whose
     * readiness stamp has not moved since (no pipe event, no call into it) is still not ready and
     * is not asked again: with many sockets and few of them busy, a wake-up costs a read of each
     * socket's stamp, not a call into each.
     */
    private int scan() {
        int n = 0;
        SocketBase[] s = bases;
        int[] in = interests;
        int[] r = ready;
        long[] st = stamps;
        for (int i = 0; i < size; i++) {
            SocketBase b = s[i];
            long stamp = b.readinessStamp(); // before asking: a change after it moves it again
            if (r[i] == 0 && stamp == st[i]) {
                continue;
            }
            asked++;
            int e = b.events() & in[i]; // ETERM for a closed socket, at every poll
            st[i] = stamp;
            r[i] = e;
            if (e != 0) {
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
        return (ready[checkIndex(index)] & POLLIN) != 0;
    }

    /**
     * @param index the socket's index
     * @return whether it was writable at the last poll
     */
    public boolean isWritable(int index) {
        return (ready[checkIndex(index)] & POLLOUT) != 0;
    }

    /**
     * @param index the socket's index
     * @return the socket at that index
     */
    public Socket socket(int index) {
        return sockets[checkIndex(index)];
    }

    private int checkIndex(int index) {
        return Objects.checkIndex(index, size);
    }

    /** Forgets all sockets (it does not close them) and detaches from them. */
    @Override
    public void close() {
        if (attached) {
            for (int i = 0; i < size; i++) {
                sockets[i].base.removeWaiter(waiter);
            }
            attached = false;
        }
        Arrays.fill(sockets, 0, size, null);
        Arrays.fill(bases, 0, size, null);
        size = 0;
    }

    /** @return how many times a socket was asked for its readiness so far (tests) */
    long asked() {
        return asked;
    }

    /** @return whether this poller's waiter is attached to {@code socket} (tests) */
    boolean attachedTo(Socket socket) {
        return socket.base.hasWaiter(waiter);
    }
}
