package io.zconn.ra.outbound;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.ra.RaLog;
import io.zconn.ra.SocketSettings;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound outbound sockets of one adapter (or of one factory outside a container): a socket that
 * binds owns its port, so every managed connection configured with the same settings uses the same
 * socket. The engine's sends are atomic per message, so concurrent senders are safe. Shared sockets
 * live until {@link #closeAll()} (adapter stop), so that pool shrinking does not make ports come and go.
 *
 * <p>Request/reply on a shared socket ({@link Shared#request}): a shared REQ is opened as a DEALER
 * underneath, and every request, from a REQ or a DEALER factory, carries its own 4-byte request id
 * in front of the empty delimiter ({@code [id, "", body...]}, the wire format of libzmq's
 * {@code ZMQ_REQ_CORRELATE}); REP peers, and ROUTER peers that echo the envelope, send it back with
 * the reply. Several requests are in flight at once, each reply goes to the caller whose id it
 * carries, and a request that times out only withdraws its own id: its late reply is discarded
 * (counted, ZCONNRA0024) and nobody else's request, nor the socket, is affected.
 */
public final class SharedSockets {
    private final Map<SocketSettings, Shared> sockets = new HashMap<>();
    private boolean closed;

    /** One shared socket. */
    public static final class Shared {
        private static final long SLICE_MS = 20;
        private final Socket socket;
        private final ReentrantLock readLock = new ReentrantLock();
        private final SocketSettings settings;
        private final Map<Integer, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger(new SecureRandom().nextInt());
        private final AtomicLong discarded = new AtomicLong();

        Shared(Socket socket, SocketSettings settings) {
            this.socket = socket;
            this.settings = settings;
        }

        /** @return the engine socket */
        public Socket socket() {
            return socket;
        }

        /** @return replies discarded because their request had timed out (or carried no known id) */
        public long discardedReplies() {
            return discarded.get();
        }

        /** @return requests waiting for their reply */
        public int pendingRequests() {
            return pending.size();
        }

        /**
         * Sends a request with its own id and waits for the reply carrying that id. Thread-safe;
         * concurrent requests are in flight together.
         *
         * @param body    the request frames
         * @param timeout how long to wait for sending and for the reply; negative = forever
         * @return the reply frames after the id and delimiter, or null when none came in time
         * @throws SendTimeout when the request could not even be queued in time
         * @throws io.zconn.engine.ZmqException when the socket failed
         */
        public Message request(Message body, Duration timeout) {
            long deadline = System.nanoTime() + (timeout.isNegative() ? Long.MAX_VALUE / 4 : timeout.toNanos());
            int id = ids.incrementAndGet();
            CompletableFuture<Message> reply = new CompletableFuture<>();
            pending.put(id, reply);
            try {
                Message out = new Message();
                out.add(Frame.wrap(ByteBuffer.allocate(4).putInt(id).array()));
                out.add(Frame.EMPTY);
                for (Frame f : body) {
                    out.add(f);
                }
                if (!socket.send(out, timeout)) {
                    throw new SendTimeout();
                }
                while (true) {
                    if (reply.isDone()) {
                        return reply.join();
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    if (readLock.tryLock()) {
                        try {
                            // the reader reads for everyone until its own reply is in or its time is up
                            while (!reply.isDone() && deadline - System.nanoTime() > 0) {
                                long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1,
                                        SLICE_MS);
                                Message m = socket.recvMessage(Duration.ofMillis(wait));
                                if (m != null) {
                                    route(m);
                                }
                            }
                        } finally {
                            readLock.unlock();
                        }
                    } else {
                        try {
                            return reply.get(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, SLICE_MS),
                                    TimeUnit.MILLISECONDS);
                        } catch (TimeoutException e) {
                            // the reader may have left: try to become it
                        } catch (ExecutionException e) {
                            throw new IllegalStateException(e.getCause());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return null;
                        }
                    }
                }
            } finally {
                pending.remove(id);
            }
        }

        private void route(Message m) {
            if (m.size() >= 2 && m.get(0).size() == 4 && m.get(1).size() == 0) {
                int id = ByteBuffer.wrap(m.get(0).data()).getInt();
                CompletableFuture<Message> f = pending.get(id);
                if (f != null) {
                    Message body = new Message();
                    for (int i = 2; i < m.size(); i++) {
                        body.add(m.get(i));
                    }
                    f.complete(body);
                    return;
                }
            }
            RaLog.lateReplyDiscarded(toString(), discarded.incrementAndGet());
        }

        @Override
        public String toString() {
            return "shared " + settings;
        }
    }

    /** Thrown by {@link Shared#request} when the request could not be queued in time. */
    public static final class SendTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SendTimeout() {
            super("request could not be queued in time", null, false, false);
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
            // a shared REQ is a DEALER underneath: requests carry ids (see request()), so one caller's
            // timeout never leaves the socket waiting for a reply on everyone's behalf
            s = new Shared(settings.open(context, settings.type() == SocketType.REQ ? SocketType.DEALER : null),
                    settings);
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
