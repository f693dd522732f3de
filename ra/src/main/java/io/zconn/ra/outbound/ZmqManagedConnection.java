package io.zconn.ra.outbound;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RaLog;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionException.Reason;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.stats.ConnectionFactoryStats;
import io.zconn.support.Envelope;

import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;

/**
 * One physical connection: an engine socket of its own (connect mode, pooled by the server) or a
 * lease on the adapter's shared bound socket (bind mode). Application handles
 * ({@link ZmqConnectionImpl}) delegate here. {@link #cleanup()} detaches the handles and keeps the
 * socket for the next user; {@link #destroy()} closes it. A failure (engine error, a request that
 * timed out and left a REQ socket waiting for its reply) marks the connection broken and raises
 * {@code CONNECTION_ERROR_OCCURRED}, so the server destroys it instead of pooling it.
 */
public class ZmqManagedConnection implements ManagedConnection {
    private static final AtomicLong IDS = new AtomicLong();

    private final ZmqManagedConnectionFactory factory;
    private final Socket own;
    private final SharedSockets.Shared shared;
    private final SharedSockets registry;
    private final ReentrantLock requestLock;
    private final SocketType configured;
    private final long id = IDS.incrementAndGet();
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * The handles attached: usually one (a handle per getConnection, closed before the next), so a small list under
     * its own lock rather than a concurrent set that allocates a node per handle; guarded by itself.
     */
    private final ArrayList<ZmqConnectionImpl> handles = new ArrayList<>(2);
    private volatile boolean broken;
    private volatile boolean destroyed;
    /** Whether requirePeers was met once on this connection (then sends no longer wait for it). */
    private volatile boolean peersReady;
    private PrintWriter logWriter;

    ZmqManagedConnection(ZmqManagedConnectionFactory factory, Socket socket) {
        this.factory = factory;
        this.own = socket;
        this.shared = null;
        this.registry = null;
        this.requestLock = new ReentrantLock();
        this.configured = socket.type();
    }

    ZmqManagedConnection(ZmqManagedConnectionFactory factory, SharedSockets.Shared shared, SharedSockets registry) {
        this.factory = factory;
        this.own = null;
        this.shared = shared;
        this.registry = registry;
        this.requestLock = null;
        this.configured = factory.socketTypeOrNull() != null ? factory.socketTypeOrNull() : shared.socket().type();
    }

    ZmqManagedConnectionFactory factory() {
        return factory;
    }

    /** @return a number identifying this managed connection in logs and tests */
    public long id() {
        return id;
    }

    /** @return whether the connection is not broken and not destroyed */
    public boolean isUsable() {
        return !broken && !destroyed && !socket().isClosed();
    }

    /** @return whether this connection uses the adapter's shared bound socket */
    public boolean isShared() {
        return shared != null;
    }

    /** @return the number of application handles attached */
    public int handleCount() {
        synchronized (handles) {
            return handles.size();
        }
    }

    private Socket socket() {
        return own != null ? own : shared.socket();
    }

    /** For tests: the endpoint the socket bound last (with the real port of {@code tcp://host:*}), or null. */
    String lastEndpoint() {
        return socket().getOption(ZmqOption.LAST_ENDPOINT);
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (destroyed) {
            throw new jakarta.resource.spi.IllegalStateException("managed connection " + id + " is destroyed");
        }
        ZmqConnectionImpl h = new ZmqConnectionImpl(this);
        synchronized (handles) {
            handles.add(h);
        }
        return h;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof ZmqConnectionImpl h)) {
            throw new jakarta.resource.spi.IllegalStateException("not a zconn connection handle: " + connection);
        }
        ZmqManagedConnection old = h.associate(this);
        if (old != null && old != this) {
            old.removeHandle(h);
        }
        synchronized (handles) {
            if (!containsHandle(h)) {
                handles.add(h);
            }
        }
    }

    @Override
    public void cleanup() {
        // called by the pool on every return: usually no handle is left (closed handles removed themselves),
        // so nothing is copied or allocated
        List<ZmqConnectionImpl> left;
        synchronized (handles) {
            if (handles.isEmpty()) {
                return;
            }
            left = new ArrayList<>(handles);
            handles.clear();
        }
        for (ZmqConnectionImpl h : left) {
            h.invalidate();
        }
    }

    /** Guarded by handles. */
    private boolean containsHandle(ZmqConnectionImpl h) {
        for (int i = 0; i < handles.size(); i++) {
            if (handles.get(i) == h) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the handle was attached (compared by identity) */
    private boolean removeHandle(ZmqConnectionImpl h) {
        synchronized (handles) {
            for (int i = handles.size() - 1; i >= 0; i--) {
                if (handles.get(i) == h) {
                    handles.remove(i);
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        cleanup();
        if (own != null) {
            own.close();
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("zconn connections are not transactional");
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        throw new NotSupportedException("zconn connections are not transactional");
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ZmqManagedConnectionMetaData();
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    // ---- operations of the handles -----------------------------------------------------------

    /**
     * A handle closed: CONNECTION_CLOSED, so that the server can pool the connection again, but not
     * once the connection failed or was destroyed. After CONNECTION_ERROR_OCCURRED the server ends
     * the connection its own way, and some close the handles themselves while handling that event
     * (Open Liberty does, inside a transaction): a CONNECTION_CLOSED fired from there reaches a
     * connection the server is destroying (Liberty: J2CA0079E, an illegal state in transactionComplete).
     */
    void closeHandle(ZmqConnectionImpl handle) {
        if (!removeHandle(handle) || broken || destroyed) {
            return;
        }
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener l : listeners) {
            l.connectionClosed(event);
        }
    }

    SocketType type() {
        return configured;
    }

    /**
     * A send through a handle. Per call, besides the engine's send: the socket type check (a final
     * field), the readiness gate (one volatile read once requirePeers was met), the engine message
     * (no copy of the frames: see {@link #toEngine}), the send-on-commit check (nothing when
     * {@code sendOnCommit=false}, else one transaction status call, and only inside a transaction
     * the registry's resource) and two counters.
     */
    void send(ZmqMessage message) {
        SocketType t = configured;
        if (t == SocketType.PULL || t == SocketType.SUB) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, t + " sockets cannot send", null);
        }
        if (t == SocketType.REQ) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, "use request() on a REQ socket", null);
        }
        if (!peersReady) {
            awaitRequiredPeers();
        }
        Message m = toEngine(message, false);
        if (factory.holdForTransaction(this, m)) {
            return;
        }
        sendNow(m);
    }

    /** Sends at once (also the send after a commit, possibly while another handle uses this connection). */
    void sendNow(Message m) {
        ConnectionFactoryStats stats = factory.stats();
        long bytes = m.contentSize();
        boolean sent;
        try {
            sent = socket().send(m, factory.sendTimeoutDuration());
        } catch (ZmqException e) {
            stats.sendFailed();
            throw fail("send", e);
        }
        if (sent) {
            stats.sent(bytes);
        } else {
            stats.sendFailed();
            throw new ZmqConnectionException(Reason.TIMEOUT, "send timed out after " + factory.getSendTimeout()
                    + " ms on " + this, null);
        }
    }

    /**
     * The readiness gate of {@code requirePeers}: the first send or request on this connection waits
     * (at most requirePeersTimeout) until that many peers are attached to the socket.
     *
     * @throws ZmqConnectionException TIMEOUT when they did not come (logged ZCONNRA0070; the connection
     *                                stays usable and the next send waits again)
     */
    private void awaitRequiredPeers() {
        int n = factory.requiredPeers();
        if (peersReady || n <= 0) {
            peersReady = true;
            return;
        }
        int ms = factory.requiredPeersTimeout();
        boolean ok;
        int attached;
        try {
            ok = socket().awaitPeers(n, Duration.ofMillis(ms));
            attached = ok ? n : socket().peers();
        } catch (ZmqException e) {
            factory.stats().sendFailed();
            throw fail("wait for peers", e);
        }
        if (!ok) {
            factory.stats().sendFailed();
            RaLog.requiredPeersMissing(toString(), n, attached, ms);
            throw new ZmqConnectionException(Reason.TIMEOUT, "ZCONNRA0070: only " + attached + " of the " + n
                    + " peers required (requirePeers) attached within " + ms + " ms on " + this
                    + "; nothing was sent", null);
        }
        peersReady = true;
    }

    Optional<ZmqMessage> receive(Duration timeout) {
        SocketType t = configured;
        if (t == SocketType.PUSH || t == SocketType.PUB || t == SocketType.REQ) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, t + " sockets cannot receive"
                    + (t == SocketType.REQ ? "; use request()" : ""), null);
        }
        try {
            Message m = socket().recvMessage(timeout);
            if (m == null) {
                return Optional.empty();
            }
            factory.stats().received(m.contentSize());
            return Optional.of(fromEngine(m, 0));
        } catch (ZmqException e) {
            throw fail("receive", e);
        }
    }

    Duration defaultReceiveTimeout() {
        return timeout(factory.getReceiveTimeout());
    }

    ZmqMessage request(ZmqMessage request, Duration timeout) {
        SocketType t = configured;
        if (t != SocketType.REQ && t != SocketType.DEALER) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, t + " sockets cannot make requests", null);
        }
        awaitRequiredPeers();
        if (shared != null) {
            return sharedRequest(request, timeout);
        }
        boolean dealer = t == SocketType.DEALER;
        long deadline = System.nanoTime() + (timeout.isNegative() ? Long.MAX_VALUE / 2 : timeout.toNanos());
        ConnectionFactoryStats stats = factory.stats();
        requestLock.lock();
        try {
            Message out = toEngine(request, dealer);
            long bytes = out.contentSize();
            if (!socket().send(out, timeout)) {
                stats.sendFailed();
                throw new ZmqConnectionException(Reason.TIMEOUT, "request could not be sent in time on " + this,
                        null);
            }
            stats.sent(bytes);
            Duration left = timeout.isNegative() ? timeout : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Message reply = socket().recvMessage(left);
            if (reply == null) {
                // The REQ socket now waits for a reply that may come later: it cannot serve anyone else.
                ZmqConnectionException e = new ZmqConnectionException(Reason.TIMEOUT, "no reply within "
                        + timeout.toMillis() + " ms on " + this, null);
                markBroken(e);
                throw e;
            }
            stats.received(reply.contentSize());
            return fromEngine(reply, dealer ? Envelope.size(SocketType.DEALER, reply) : 0);
        } catch (ZmqException e) {
            throw fail("request", e);
        } finally {
            requestLock.unlock();
        }
    }

    /** A request on the shared bound socket: correlated by id, a timeout only affects this caller. */
    private ZmqMessage sharedRequest(ZmqMessage request, Duration timeout) {
        ConnectionFactoryStats stats = factory.stats();
        Message out = toEngine(request, false);
        long bytes = out.contentSize();
        Message reply;
        try {
            reply = shared.request(out, timeout);
        } catch (SharedSockets.SendTimeout e) {
            stats.sendFailed();
            throw new ZmqConnectionException(Reason.TIMEOUT, "request could not be sent in time on " + this, null);
        } catch (ZmqException e) {
            throw fail("request", e);
        }
        stats.sent(bytes);
        if (reply == null) {
            throw new ZmqConnectionException(Reason.TIMEOUT, "no reply within " + timeout.toMillis() + " ms on "
                    + this + " (the shared socket stays in service; a late reply is discarded)", null);
        }
        stats.received(reply.contentSize());
        return fromEngine(reply, 0);
    }

    private ZmqConnectionException fail(String op, ZmqException e) {
        Reason r = e.errno() == Errno.ETERM ? Reason.CLOSED : Reason.FAILED;
        ZmqConnectionException ex = new ZmqConnectionException(r, op + " failed on " + this + ": " + e.getMessage(), e);
        if (e.errno() != Errno.EAGAIN) {
            markBroken(ex);
        }
        return ex;
    }

    private void markBroken(Exception cause) {
        if (broken) {
            return;
        }
        broken = true;
        RaLog.connectionFailed(toString(), cause);
        if (shared != null) {
            registry.discard(shared);
        }
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        for (ConnectionEventListener l : listeners) {
            l.connectionErrorOccurred(event);
        }
    }

    /**
     * The engine's message for an application's: its frames wrapped, not copied. A {@link ZmqMessage}
     * copied the arrays it was made of and never hands its own out, so they cannot change after the
     * send (the application may reuse or change its arrays at once); the engine only reads them.
     * Where the private lookup is refused (not expected: the adapter's classes share their class
     * loader), each frame is copied as before.
     */
    static Message toEngine(ZmqMessage m, boolean delimiter) {
        Message out = new Message();
        if (delimiter) {
            out.add(Frame.EMPTY);
        }
        List<byte[]> frames = ownFrames(m);
        for (int i = 0, n = frames.size(); i < n; i++) {
            out.add(Frame.wrap(frames.get(i)));
        }
        return out;
    }

    /** {@code ZmqMessage.ownFrames()}, package-private in the API package; null if it cannot be reached. */
    private static final MethodHandle OWN_FRAMES = ownFramesHandle();

    private static MethodHandle ownFramesHandle() {
        try {
            return MethodHandles.privateLookupIn(ZmqMessage.class, MethodHandles.lookup())
                    .findVirtual(ZmqMessage.class, "ownFrames", MethodType.methodType(List.class));
        } catch (ReflectiveOperationException | SecurityException | IllegalArgumentException e) {
            RaLog.noCopyFreeSend(e);
            return null;
        }
    }

    /** @return the message's own frames when reachable, else copies */
    @SuppressWarnings("unchecked")
    static List<byte[]> ownFrames(ZmqMessage m) {
        MethodHandle h = OWN_FRAMES;
        if (h == null) {
            return m.frames();
        }
        try {
            return (List<byte[]>) h.invokeExact(m);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("ZmqMessage.ownFrames failed", e);
        }
    }

    static ZmqMessage fromEngine(Message m, int skip) {
        List<byte[]> frames = new ArrayList<>(m.size());
        for (int i = skip; i < m.size(); i++) {
            frames.add(m.get(i).data());
        }
        if (frames.isEmpty()) {
            frames.add(new byte[0]);
        }
        return ZmqMessage.of(frames).withProperties(m.metadata().asMap());
    }

    private static Duration timeout(Integer ms) {
        return ms == null || ms < 0 ? Duration.ofMillis(-1) : Duration.ofMillis(ms);
    }

    @Override
    public String toString() {
        return "zconn managed connection " + id + " (" + (shared != null ? "shared " : "") + factory + ")";
    }
}
