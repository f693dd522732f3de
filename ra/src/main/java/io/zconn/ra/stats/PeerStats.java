package io.zconn.ra.stats;

import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketListener;
import io.zconn.engine.ZmqException;
import io.zconn.ra.RaLog;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The peers of a set of sockets (a connection factory's, or an activation's one): the peers
 * attached now ({@link Socket#peers()}, summed over the sockets still open, so it falls when a
 * socket closes) and counters fed by the sockets' connection events
 * ({@link Socket#monitor(SocketListener, SocketEvent.Type...)}): connections made or accepted,
 * connections lost, reconnects scheduled. The events are also passed on to listeners (the
 * application's connection listeners). Nothing here is on the message path.
 */
public final class PeerStats {
    /** The events counted and passed on. */
    static final SocketEvent.Type[] TYPES = {SocketEvent.Type.CONNECTED, SocketEvent.Type.ACCEPTED,
        SocketEvent.Type.DISCONNECTED, SocketEvent.Type.CONNECT_RETRIED};

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final LongAdder connects = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final List<SocketListener> listeners = new CopyOnWriteArrayList<>();
    private final String name;

    /** @param name whose peers (for logs) */
    public PeerStats(String name) {
        this.name = name;
    }

    /**
     * Starts watching a socket; watching it again does nothing. The watch ends when the socket
     * closes. A socket already closed is ignored.
     *
     * @param socket a socket of this factory or activation
     */
    public void watch(Socket socket) {
        if (!sockets.add(socket)) {
            return;
        }
        try {
            socket.monitor(this::onEvent, TYPES);
        } catch (ZmqException e) {
            sockets.remove(socket);
        }
    }

    /**
     * Adds a listener told every counted event, on the engine's event thread, in order per socket;
     * one that throws is logged (ZCONNRA0071) and keeps getting events.
     *
     * @param l the listener
     */
    public void addListener(SocketListener l) {
        listeners.add(l);
    }

    /** @param l a listener added before (removing one not there does nothing) */
    public void removeListener(SocketListener l) {
        listeners.remove(l);
    }

    /** @return the listeners (for tests) */
    int listenerCount() {
        return listeners.size();
    }

    private void onEvent(SocketEvent e) {
        switch (e.type()) {
            case CONNECTED, ACCEPTED -> connects.increment();
            case DISCONNECTED -> disconnects.increment();
            case CONNECT_RETRIED -> reconnects.increment();
            default -> {
                return;
            }
        }
        for (SocketListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                RaLog.connectionListenerFailed(name, e.toString(), ex);
            }
        }
    }

    /** @return peers attached now, over the sockets still open (see {@link Socket#peers()}) */
    public int peersConnected() {
        sockets.removeIf(Socket::isClosed);
        int n = 0;
        for (Socket s : sockets) {
            try {
                n += s.peers();
            } catch (ZmqException e) {
                // closed since the sweep above: it has no peers any more (removed at the next read)
            }
        }
        return n;
    }

    /** @return the sockets watched and still open */
    public int sockets() {
        sockets.removeIf(Socket::isClosed);
        return sockets.size();
    }

    /** @return connections made (CONNECTED) or accepted (ACCEPTED) so far */
    public long connects() {
        return connects.sum();
    }

    /** @return connections lost other than by our own close (DISCONNECTED) so far */
    public long disconnects() {
        return disconnects.sum();
    }

    /** @return reconnect attempts scheduled (CONNECT_RETRIED) so far */
    public long reconnects() {
        return reconnects.sum();
    }
}
