package io.zconn.engine.transport.inproc;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.core.Transport;
import io.zconn.engine.pipe.Pipe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code inproc://} transport of one context: names bound by sockets, and connections made
 * before their name was bound, which are completed when it is. Messages cross by reference (no
 * copy) over a pipe whose HWM is the sender's SNDHWM plus the receiver's RCVHWM.
 */
public final class InprocRegistry implements Transport {
    private record Bound(SocketBase socket, Options options) {
    }

    @SuppressWarnings("ArrayRecordComponent") // bookkeeping, never compared or hashed
    private record PendingConnect(SocketBase connecter, Options options, Pipe[] pair, Handle handle) {
    }

    private static final System.Logger LOG = System.getLogger(InprocRegistry.class.getName());

    private final Map<String, Bound> bound = new HashMap<>();
    private final Map<String, List<PendingConnect>> pending = new HashMap<>();

    /** A bind or connect on an inproc name. */
    private final class Handle implements EndpointHandle {
        private final String name;
        private final boolean isBind;
        private final SocketBase socket;

        Handle(String name, boolean isBind, SocketBase socket) {
            this.name = name;
            this.isBind = isBind;
            this.socket = socket;
        }

        @Override
        public String endpoint() {
            return "inproc://" + name;
        }

        @Override
        public void close() {
            synchronized (InprocRegistry.this) {
                if (isBind) {
                    Bound b = bound.get(name);
                    if (b != null && b.socket == socket) {
                        bound.remove(name);
                    }
                } else {
                    List<PendingConnect> l = pending.get(name);
                    if (l != null) {
                        l.removeIf(pc -> pc.handle == this);
                    }
                }
            }
        }
    }

    /**
     * Binds a name. Caller holds the socket's lock.
     *
     * @param name   the name after {@code inproc://}
     * @param socket the binding socket
     * @return a handle that unbinds
     */
    public synchronized EndpointHandle bind(String name, SocketBase socket) {
        if (bound.containsKey(name)) {
            throw new ZmqException(Errno.EADDRINUSE, "inproc://" + name + " is already bound");
        }
        Options opts = socket.optionsSnapshot();
        bound.put(name, new Bound(socket, opts));
        Handle h = new Handle(name, true, socket);
        List<PendingConnect> waiting = pending.remove(name);
        if (waiting != null) {
            for (PendingConnect pc : waiting) {
                Pipe connectEnd = pc.pair[0];
                Pipe bindEnd = pc.pair[1];
                if (!pc.connecter.type().isCompatibleWith(socket.type())) {
                    // refused as a bind-first connect would be: the connecter's end hears its
                    // peer is gone (and drops what it queued); the binder never sees it
                    LOG.log(System.Logger.Level.WARNING, () -> "inproc://" + name + ": refusing a " + pc.connecter.type()
                            + " that connected before this " + socket.type() + " bound (incompatible types)");
                    bindEnd.terminate();
                    continue;
                }
                bindEnd.routingId(pc.options.routingId());
                bindEnd.peerSocketType(pc.connecter.type().name());
                bindEnd.attachment(h);
                if (pc.connecter.needsPeerRoutingId() && pc.options.connectRoutingId() == null) {
                    // attached only now, with the binder's routing id already in place: the
                    // connecter's thread never sees the id change after it attached the pipe
                    connectEnd.routingId(opts.routingId());
                    connectEnd.peerSocketType(socket.type().name());
                    pc.connecter.attachLater(connectEnd);
                }
                socket.attachNow(bindEnd);
                connectEnd.connected(true);
                pc.connecter.peersChanged();
            }
        }
        return h;
    }

    /**
     * Connects to a name, now if bound, else when it is bound. Caller holds the socket's lock.
     *
     * @param name   the name after {@code inproc://}
     * @param socket the connecting socket
     * @return a handle that disconnects
     */
    public synchronized EndpointHandle connect(String name, SocketBase socket) {
        Options mine = socket.optionsSnapshot();
        Bound b = bound.get(name);
        Handle h = new Handle(name, false, socket);
        if (b != null) {
            if (!socket.type().isCompatibleWith(b.socket.type())) {
                throw new ZmqException(Errno.EINVAL, "inproc://" + name + ": " + socket.type()
                        + " cannot connect to a " + b.socket.type() + " socket");
            }
            Pipe[] pair = Pipe.pair(hwm(mine.sndHwm(), b.options.rcvHwm()), hwm(b.options.sndHwm(), mine.rcvHwm()),
                    mine.get(ZmqOption.CONFLATE) || b.options.get(ZmqOption.CONFLATE));
            byte[] named = mine.connectRoutingId();
            pair[0].routingId(named != null ? named : b.options.routingId());
            pair[0].peerSocketType(b.socket.type().name());
            pair[0].attachment(h);
            pair[1].routingId(mine.routingId());
            pair[1].peerSocketType(socket.type().name());
            pair[1].endpoint("inproc://" + name);
            socket.attachNow(pair[0]);
            b.socket.attachLater(pair[1]);
        } else {
            // HWM of the binder is unknown yet: use ours for both directions, as libzmq does
            Pipe[] pair = Pipe.pair(hwm(mine.sndHwm(), mine.rcvHwm()), hwm(mine.sndHwm(), mine.rcvHwm()),
                    mine.get(ZmqOption.CONFLATE));
            pair[0].attachment(h);
            pair[0].peerSocketType(null);
            pair[0].connected(false); // no peer until the name is bound
            pending.computeIfAbsent(name, k -> new ArrayList<>()).add(new PendingConnect(socket, mine, pair, h));
            if (!socket.needsPeerRoutingId() || mine.connectRoutingId() != null) {
                // messages may be queued before the bind; a ROUTER (which routes by the binder's
                // routing id, unknown yet) attaches its end when the name is bound, unless
                // CONNECT_ROUTING_ID named the peer already
                pair[0].routingId(mine.connectRoutingId());
                socket.attachNow(pair[0]);
            }
        }
        return h;
    }

    /**
     * Connects an internal client (the ZAP client, as libzmq's sessions do) to the REP or ROUTER
     * socket bound at a name: a new pipe, attached to that socket, with no HWM (each request has its
     * own pipe; their number is bounded by the caller).
     *
     * @param name the name after {@code inproc://}
     * @return the client's end, or null when no REP or ROUTER socket is bound there
     */
    public synchronized Pipe connectService(String name) {
        Bound b = bound.get(name);
        if (b == null || b.socket.isClosed()
                || (b.socket.type() != io.zconn.engine.SocketType.REP && b.socket.type() != io.zconn.engine.SocketType.ROUTER)) {
            return null;
        }
        Pipe[] pair = Pipe.pair(0, 0);
        pair[1].peerSocketType(io.zconn.engine.SocketType.DEALER.name());
        b.socket.attachLater(pair[1]);
        return pair[0];
    }

    @Override
    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        return bind(ep.address(), socket);
    }

    @Override
    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        return connect(ep.address(), socket);
    }

    private static int hwm(int a, int b) {
        return a == 0 || b == 0 ? 0 : a + b;
    }
}
