package io.zconn.ra.stats;

import io.zconn.engine.PeerMetrics;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketMetrics;
import io.zconn.engine.SocketListener;
import io.zconn.engine.ZmqException;
import io.zconn.ra.RaLog;

import java.util.Iterator;
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
 * application's connection listeners). The HWM figures ({@link #hwm()}) come from
 * {@link Socket#metrics()}; a socket's totals are kept when it closes, so that they only grow.
 * Nothing here is on the message path.
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
    /** HWM drops and refused sends of the sockets that have closed (guarded by this). */
    private long closedDrops;
    private long closedRefused;
    private long closedSpillLost;

    /**
     * The HWM figures of the watched sockets now, from {@link Socket#metrics()}.
     *
     * @param drops        messages not queued for a peer because it was at its HWM (PUB, XPUB, ROUTER
     *                     without ROUTER_MANDATORY), since the sockets were opened, closed ones included
     * @param sendsRefused sends that returned EAGAIN or false (a peer at its HWM, or no peer to send to
     *                     within the timeout), likewise cumulative
     * @param queuedIn     received messages not read yet, summed over the peers attached now
     * @param queuedOut    messages queued for the peers and not yet taken by them (may over-count by up
     *                     to 63 per peer, see {@link PeerMetrics#queuedOut()})
     * @param fillPercent  the fullest queue, in or out, of any peer now, in percent of its HWM (0 when
     *                     none is bounded, at most 100)
     * @param peersAtHwm   peers with a queue, in or out, at its HWM now
     * @param spilledOut   SWAP: messages waiting in the spill files of the peers attached now (part of
     *                     {@code queuedOut}, which may therefore exceed the HWM)
     * @param spilledBytesOut SWAP: payload bytes of those messages
     * @param spillLost    SWAP: messages dropped because a spill file was found corrupt, cumulative
     */
    public record Hwm(long drops, long sendsRefused, long queuedIn, long queuedOut, int fillPercent, int peersAtHwm,
                      long spilledOut, long spilledBytesOut, long spillLost) {
    }

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

    /** Forgets the sockets that have closed, keeping their HWM totals. */
    private synchronized void sweep() {
        for (Iterator<Socket> it = sockets.iterator(); it.hasNext(); ) {
            Socket s = it.next();
            if (s.isClosed()) {
                it.remove();
                SocketMetrics m = s.metrics(); // a closed socket still gives its totals
                closedDrops += m.hwmDrops();
                closedRefused += m.sendsRefused();
                closedSpillLost += m.spillLost();
            }
        }
    }

    /** @return the HWM figures now (reads {@link Socket#metrics()} of every open socket) */
    public synchronized Hwm hwm() {
        sweep();
        long drops = closedDrops;
        long refused = closedRefused;
        long queuedIn = 0;
        long queuedOut = 0;
        int fill = 0;
        int atHwm = 0;
        long spilled = 0;
        long spilledBytes = 0;
        long spillLost = closedSpillLost;
        for (Socket s : sockets) {
            SocketMetrics m = s.metrics();
            drops += m.hwmDrops();
            refused += m.sendsRefused();
            spilled += m.spilledOut();
            spilledBytes += m.spilledBytesOut();
            spillLost += m.spillLost();
            for (PeerMetrics p : m.peers()) {
                queuedIn += p.queuedIn();
                queuedOut += p.queuedOut();
                fill = Math.max(fill, Math.max(percent(p.queuedIn(), p.hwmIn()), percent(p.queuedOut(), p.hwmOut())));
                if (atHwm(p.queuedIn(), p.hwmIn()) || atHwm(p.queuedOut(), p.hwmOut())) {
                    atHwm++;
                }
            }
        }
        return new Hwm(drops, refused, queuedIn, queuedOut, fill, atHwm, spilled, spilledBytes, spillLost);
    }

    private static int percent(long queued, long hwm) {
        return hwm <= 0 ? 0 : (int) Math.min(100, queued * 100 / hwm);
    }

    private static boolean atHwm(long queued, long hwm) {
        return hwm > 0 && queued >= hwm;
    }

    /**
     * @param n peers wanted per socket
     * @return open sockets with fewer than {@code n} peers attached now
     */
    public int socketsShortOf(int n) {
        sweep();
        int few = 0;
        for (Socket s : sockets) {
            try {
                if (s.peers() < n) {
                    few++;
                }
            } catch (ZmqException e) {
                // closed since the sweep: no longer counts
            }
        }
        return few;
    }

    /** @return peers attached now, over the sockets still open (see {@link Socket#peers()}) */
    public int peersConnected() {
        sweep();
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
        sweep();
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
