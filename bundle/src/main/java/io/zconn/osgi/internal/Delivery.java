package io.zconn.osgi.internal;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.support.DeadLetters;
import io.zconn.support.DeliveryCounters;
import io.zconn.support.DeliveryEvents;
import io.zconn.support.DeliverySettings;
import io.zconn.support.DeliveryTarget;
import io.zconn.support.Inflow;
import io.zconn.support.ReplyPolicy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A socket's delivery to its whiteboard listeners: the shared delivery layer ({@link Inflow}, the
 * same receive loop, envelope rules, reply policy, stop and accounting as the resource adapter's)
 * running on a thread of its own, {@code zconn-delivery-<name>}, one message at a time in arrival
 * order. Every message listener gets each message; the request listener with the highest ranking
 * answers it. The delivery's outcome is the request listener's when there is one (its reply, or
 * its failure: the requester then gets the {@link ReplyPolicy}'s answer, one empty frame); without
 * one, it fails when a message listener threw. Every listener failure is logged (ZCONN-130) and
 * counted, and the other listeners still get the message. A failed delivery is retried as its
 * {@link DeliveryConfig} says (none by default; a retry calls every listener again, those that
 * succeeded too), then sent to the dead-letter endpoint if one is configured, else counted and
 * logged as dropped (ZCONN-138).
 *
 * <p>Stop: what was already received is delivered for up to {@link #GRACE_MS} (when the socket is
 * closing; when only the listeners left, it stays in the socket for the next ones); then no
 * listener call starts; a call still running is interrupted (ZCONN-133) and given
 * {@link #INTERRUPT_WAIT_MS} more; one that ignores the interrupt is reported with its thread's
 * stack (ZCONN-134) and its thread ends when the call returns, calling no listener again.
 */
final class Delivery {
    /** How long stop keeps delivering what was received, and lets a running listener finish (ms). */
    static final long GRACE_MS = 1000;
    /** How long stop waits after interrupting a listener (ms). */
    static final long INTERRUPT_WAIT_MS = 2000;

    private final ManagedSocket owner;
    private final Listeners listeners;
    private final Inflow inflow;
    /** The dead-letter socket, or null; closed by {@link #stop}. */
    private final DeadLetters deadLetters;
    private final String threadName;
    private volatile Thread thread;
    /** The listener being called right now, or null (for the stop logs). */
    private volatile Object current;

    Delivery(ManagedSocket owner, Socket socket, Listeners listeners, DeliveryCounters counters, DeliveryConfig config,
             Context context) {
        this.owner = owner;
        this.listeners = listeners;
        this.threadName = "zconn-delivery-" + owner.name();
        this.deadLetters = config.hasDeadLetters()
                ? DeadLetters.push(context, config.deadLetterEndpoint(), socket.getOption(ZmqOption.LINGER)) : null;
        DeliverySettings settings = DeliverySettings.builder(socket.type())
                .maxConcurrent(0)
                .maxRetries(config.maxRetries())
                .retryIntervalMs(config.retryIntervalMs())
                .replyPolicy(config.replyOnFailure())
                .drainTimeout(Duration.ofMillis(GRACE_MS))
                .stopSlack(Duration.ZERO)
                .interruptWait(Duration.ofMillis(INTERRUPT_WAIT_MS))
                .build();
        this.inflow = Inflow.builder(settings)
                .socket(socket)
                .target(new Target())
                .deadLetters(deadLetters)
                .events(new Events())
                .counters(counters)
                .build();
    }

    void start() {
        inflow.start(loop -> {
            Thread t = new Thread(loop, threadName);
            t.setDaemon(true);
            t.setContextClassLoader(Delivery.class.getClassLoader());
            thread = t;
            t.start();
        });
    }

    /**
     * Stops delivery; never leaves the thread behind silently (see the class comment).
     *
     * @param closing whether the socket closes next: then what it already holds is delivered within
     *                the grace period (or counted and logged as dropped); otherwise it stays there
     * @return whether the thread has ended
     */
    boolean stop(boolean closing) {
        boolean clean = inflow.stop(closing);
        Thread t = thread;
        try {
            if (t == null || t == Thread.currentThread()) {
                return false;
            }
            if (clean) {
                try {
                    t.join(INTERRUPT_WAIT_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return !t.isAlive();
        } finally {
            if (deadLetters != null) {
                deadLetters.close();
            }
        }
    }

    /** @return whether the delivery thread is still alive */
    boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** One attempt: every message listener, then the request listener. */
    private final class Target implements DeliveryTarget {
        @Override
        public boolean answers() {
            return listeners.requestListener() != null;
        }

        @Override
        public Message deliver(Message body) throws Exception {
            Throwable first = null;
            boolean called = false;
            for (Listeners.Entry<MessageListener> e : listeners.messageListeners()) {
                if (called && inflow.isClosed()) {
                    throw cutShort(e.listener());
                }
                called = true;
                current = e.listener();
                try {
                    e.listener().onMessage(new Message(body.frames()));
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Exception | Error t) {
                    Log.listenerFailed(owner.name(), e.listener(), owner.countFailure(), t);
                    if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                } finally {
                    current = null;
                }
            }
            RequestListener r = listeners.requestListener();
            if (r == null) {
                if (first instanceof Exception ex) {
                    throw ex;
                }
                if (first instanceof Error err) {
                    throw err;
                }
                return null;
            }
            if (called && inflow.isClosed()) {
                throw cutShort(r);
            }
            current = r;
            try {
                return r.onRequest(new Message(body.frames()));
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Exception | Error t) {
                Log.listenerFailed(owner.name(), r, owner.countFailure(), t);
                throw t;
            } finally {
                current = null;
            }
        }

        private CancellationException cutShort(Object listener) {
            Log.deliveryCutShort(owner.name(), listener);
            return new CancellationException("socket '" + owner.name() + "' stopped during the delivery");
        }
    }

    /** The layer's events as the bundle's numbered log lines ({@code ZCONN-13n}, see {@link Log}). */
    private final class Events implements DeliveryEvents {
        @Override
        public void receiveFailing(Throwable cause, long firstMs, long maxMs) {
            Log.receiveFailing(owner.name(), cause, firstMs, maxMs);
        }

        @Override
        public void receiveRecovered(int failures, long millis) {
            Log.receiveRecovered(owner.name(), failures, millis);
        }

        @Override
        public void loopFailed(Throwable error) {
            Log.deliveryDied(owner.name(), error);
        }

        @Override
        public void loopInterrupted() {
            Log.deliveryDied(owner.name(), new InterruptedException("delivery thread interrupted"));
        }

        @Override
        public void attemptFailed(int attempt, Throwable cause) {
            // each failing listener was logged (ZCONN-130) by the target, with the listener's name
        }

        @Override
        public void deliveryFailed(int attempts, long failedSoFar, Throwable cause) {
            // logged next as dead-lettered or dropped (ZCONN-138)
        }

        @Override
        public void deadLettered(String endpoint) {
            Log.messageNotDelivered(owner.name(), "sent to dead-letter endpoint " + endpoint, 0, null);
        }

        @Override
        public void deadLetterFailed(String endpoint, long droppedSoFar, Object reason) {
            Log.messageNotDelivered(owner.name(), "dropped, not accepted by dead-letter endpoint " + endpoint + ": "
                    + reason, droppedSoFar, reason instanceof Throwable t ? t : null);
        }

        @Override
        public void messageDropped(String reason, long droppedSoFar, Throwable cause) {
            Log.messageNotDelivered(owner.name(), "dropped: " + reason, droppedSoFar, cause);
        }

        @Override
        public void drained(long delivered, long deadLettered, long dropped, long millis) {
            Log.drained(owner.name(), delivered, dropped, millis);
        }

        @Override
        public void stopTimedOut() {
            // reported by interrupting (ZCONN-133) and stillRunning (ZCONN-134), which name the listener
        }

        @Override
        public void interrupting(List<Thread> threads, long afterMs) {
            Log.deliveryInterrupted(threadName, String.valueOf(current), afterMs);
        }

        @Override
        public void stillRunning(List<Thread> threads) {
            for (Thread t : threads) {
                Throwable where = new Throwable("stack of " + t.getName());
                where.setStackTrace(t.getStackTrace());
                Log.threadLeft(t.getName(), String.valueOf(current), where);
            }
        }

        @Override
        public void replyFailed(Throwable cause) {
            Log.replyFailed(owner.name(), cause);
        }

        @Override
        public void replyIgnored(SocketType type) {
            Log.requestListenerIgnored(owner.name(), type);
        }
    }
}
