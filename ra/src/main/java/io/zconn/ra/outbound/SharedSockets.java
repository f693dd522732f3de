package io.zconn.ra.outbound;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.ra.RaLog;
import io.zconn.ra.SocketSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound outbound sockets of one adapter (or of one factory outside a container): a socket that
 * binds owns its port, so every managed connection configured with the same settings uses the same
 * socket. The engine's sends are atomic per message, so concurrent senders are safe; request/reply
 * on a shared socket is serialized by {@link Shared#requestLock()}. Shared sockets live until
 * {@link #closeAll()} (adapter stop), so that pool shrinking does not make ports come and go.
 */
public final class SharedSockets {
    private final Map<SocketSettings, Shared> sockets = new HashMap<>();
    private boolean closed;

    /** One shared socket. */
    public static final class Shared {
        private final Socket socket;
        private final ReentrantLock requestLock = new ReentrantLock();
        private final SocketSettings settings;

        Shared(Socket socket, SocketSettings settings) {
            this.socket = socket;
            this.settings = settings;
        }

        /** @return the engine socket */
        public Socket socket() {
            return socket;
        }

        /** @return the lock held for a request and its reply */
        public ReentrantLock requestLock() {
            return requestLock;
        }

        @Override
        public String toString() {
            return "shared " + settings;
        }
    }

    /**
     * Returns the shared socket for these settings, opening (and binding) it on first use.
     *
     * @param context  the engine context
     * @param settings the socket settings (with bind = true)
     * @return the shared socket
     */
    public synchronized Shared acquire(Context context, SocketSettings settings) {
        if (closed) {
            throw new IllegalStateException("the resource adapter is stopped");
        }
        Shared s = sockets.get(settings);
        if (s == null || s.socket.isClosed()) {
            s = new Shared(settings.open(context, null), settings);
            sockets.put(settings, s);
            RaLog.sharedSocketOpened(settings.toString());
        }
        return s;
    }

    /**
     * Closes a shared socket that failed, so that the next {@link #acquire} opens a fresh one.
     *
     * @param shared the failed socket
     */
    public synchronized void discard(Shared shared) {
        if (sockets.get(shared.settings) == shared) {
            sockets.remove(shared.settings);
        }
        shared.socket.close();
        RaLog.sharedSocketClosed(shared.settings.toString());
    }

    /** @return how many shared sockets are open */
    public synchronized int size() {
        return sockets.size();
    }

    /** Closes every shared socket; later {@link #acquire} calls fail. */
    public void closeAll() {
        List<Shared> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(sockets.values());
            sockets.clear();
        }
        for (Shared s : all) {
            s.socket.close();
            RaLog.sharedSocketClosed(s.settings.toString());
        }
    }
}
