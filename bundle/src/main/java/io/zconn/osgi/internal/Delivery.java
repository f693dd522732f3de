package io.zconn.osgi.internal;

import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.support.Envelope;
import io.zconn.support.ReplyPolicy;

import java.time.Duration;

/**
 * The thread that receives a socket's messages and hands them to its whiteboard listeners; for
 * REP, ROUTER, DEALER and PAIR it sends the request listener's reply back, along the request's
 * envelope ({@link Envelope}); what a failed request gets is the shared {@link ReplyPolicy}
 * (default: one empty frame, so the requester is not left waiting). Runs while the socket has listeners.
 */
final class Delivery implements Runnable {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #stop()} lets a running listener finish before interrupting it (ms). */
    static final long GRACE_MS = 1000;
    /** How long {@link #stop()} waits after the interrupt (ms). */
    static final long INTERRUPT_WAIT_MS = 2000;

    private final ManagedSocket owner;
    private final Socket socket;
    private final Listeners listeners;
    private final Thread thread;
    private volatile boolean running = true;
    /** The listener being called right now, or null (for the stop logs). */
    private volatile Object current;
    private boolean warnedNoReply;

    Delivery(ManagedSocket owner, Socket socket, Listeners listeners) {
        this.owner = owner;
        this.socket = socket;
        this.listeners = listeners;
        this.thread = new Thread(this, "zconn-delivery-" + owner.name());
        this.thread.setDaemon(true);
        this.thread.setContextClassLoader(Delivery.class.getClassLoader());
    }

    void start() {
        thread.start();
    }

    /** Asks the thread to stop after the current listener call; {@link #stop()} then waits for it. */
    void signalStop() {
        running = false;
    }

    /**
     * Stops the thread; never leaves it behind silently. Waits {@link #GRACE_MS} for the message in
     * progress, then interrupts the thread (ZCONN-133) and waits {@link #INTERRUPT_WAIT_MS} more.
     * A listener that ignores the interrupt keeps the thread until its call returns; that is logged
     * (ZCONN-134, with the thread's stack) and the thread then ends without calling any listener again.
     *
     * @return whether the thread has ended
     */
    boolean stop() {
        running = false;
        if (Thread.currentThread() == thread) {
            return false;
        }
        try {
            thread.join(GRACE_MS);
            if (thread.isAlive()) {
                Log.deliveryInterrupted(thread.getName(), String.valueOf(current), GRACE_MS);
                thread.interrupt();
                thread.join(INTERRUPT_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            Throwable where = new Throwable("stack of " + thread.getName());
            where.setStackTrace(thread.getStackTrace());
            Log.threadLeft(thread.getName(), String.valueOf(current), where);
            return false;
        }
        return true;
    }

    /** @return whether the delivery thread is still alive */
    boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void run() {
        while (running && !socket.isClosed()) {
            Message m;
            try {
                m = socket.recvMessage(POLL);
            } catch (ZmqException e) {
                if (e.errno() == Errno.ETERM || socket.isClosed()) {
                    return;
                }
                Log.deliveryError(owner.name(), e);
                pause();
                continue;
            }
            if (m != null) {
                owner.countReceived();
                deliver(m);
            }
        }
    }

    private void deliver(Message m) {
        SocketType type = socket.type();
        // a REP socket keeps the envelope itself; ROUTER and DEALER deliver it (see Envelope)
        Envelope envelope = type == SocketType.REP ? Envelope.none(m) : Envelope.split(type, m);
        Message body = envelope.body();
        for (Listeners.Entry<MessageListener> e : listeners.messageListeners()) {
            if (!running) {
                Log.deliveryCutShort(owner.name(), e.listener());
                return;
            }
            current = e.listener();
            try {
                e.listener().onMessage(new Message(body.frames()));
            } catch (Throwable t) {
                Log.listenerFailed(owner.name(), e.listener(), owner.countFailure(), t);
                rethrowIfFatal(t);
            } finally {
                current = null;
            }
        }
        Message reply = null;
        boolean failed = false;
        RequestListener r = listeners.requestListener();
        if (r != null) {
            if (!running) {
                Log.deliveryCutShort(owner.name(), r);
                return;
            }
            current = r;
            try {
                reply = r.onRequest(new Message(body.frames()));
            } catch (Throwable t) {
                failed = true;
                Log.listenerFailed(owner.name(), r, owner.countFailure(), t);
                rethrowIfFatal(t);
            } finally {
                current = null;
            }
        }
        if (!ReplyPolicy.canReply(type)) {
            if (reply != null && !warnedNoReply) {
                warnedNoReply = true;
                Log.requestListenerIgnored(owner.name(), type);
            }
            return;
        }
        Message answer = ReplyPolicy.DEFAULT.answer(type, reply, failed);
        if (answer != null) {
            send(envelope.join(answer));
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError v) {
            throw v;
        }
    }

    private void send(Message reply) {
        try {
            if (socket.send(reply, REPLY_TIMEOUT)) {
                owner.countSent();
            } else {
                Log.deliveryError(owner.name(), new ZmqException(Errno.EAGAIN, "reply not sent within " + REPLY_TIMEOUT));
            }
        } catch (ZmqException e) {
            if (e.errno() != Errno.ETERM) {
                Log.deliveryError(owner.name(), e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
