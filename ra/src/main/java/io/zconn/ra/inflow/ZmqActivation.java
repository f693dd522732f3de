package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RaLog;
import io.zconn.ra.SocketSettings;
import io.zconn.ra.WorkManagerExecutor;
import io.zconn.ra.api.ZmqMessage;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint activation: a socket, a receive loop running as long-running work, and deliveries
 * scheduled on the WorkManager (at most {@code maxConcurrentDeliveries} at a time, or one at a time
 * on the loop itself when ordered). REP activations use a ROUTER socket underneath so that several
 * requests can be answered concurrently; each reply goes back with the request's envelope, i.e. to
 * the peer that asked. {@link #stop()} ends the loop, waits for running deliveries, then closes the
 * sockets: nothing is left running.
 */
public final class ZmqActivation {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

    private final Context context;
    private final WorkManagerExecutor executor;
    private final MessageEndpointFactory factory;
    private final ZmqActivationSpec spec;
    private final long shutdownTimeoutMs;
    private final SocketSettings settings;
    private final Semaphore permits;
    private final int maxPermits;
    private final boolean ordered;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final String name;
    private ListenerInvoker invoker;
    private Socket socket;
    private Socket deadLetter;
    private volatile boolean running;
    private volatile boolean loopStarted;
    private volatile boolean replyIgnoredLogged;

    /**
     * @param context           engine context
     * @param executor          WorkManager executor
     * @param factory           endpoint factory from the container
     * @param spec              validated activation spec
     * @param shutdownTimeoutMs how long {@link #stop()} waits for deliveries
     * @throws ResourceException when the spec is invalid
     */
    public ZmqActivation(Context context, WorkManagerExecutor executor, MessageEndpointFactory factory,
                         ZmqActivationSpec spec, long shutdownTimeoutMs) throws ResourceException {
        this.context = context;
        this.executor = executor;
        this.factory = factory;
        this.spec = spec;
        this.shutdownTimeoutMs = shutdownTimeoutMs;
        this.settings = spec.settings();
        this.ordered = Boolean.TRUE.equals(spec.getOrderedDelivery());
        this.maxPermits = ordered ? 1 : spec.getMaxConcurrentDeliveries();
        this.permits = new Semaphore(maxPermits);
        this.name = endpointName(factory) + " <- " + settings;
    }

    private static String endpointName(MessageEndpointFactory f) {
        try {
            Class<?> c = f.getEndpointClass();
            if (c != null) {
                return c.getSimpleName();
            }
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container
        }
        try {
            String n = f.getActivationName();
            if (n != null) {
                return n;
            }
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container
        }
        return "endpoint";
    }

    /**
     * Opens the socket and starts the receive loop.
     *
     * @throws ResourceException when the socket cannot be opened (e.g. the port is taken)
     */
    public void start() throws ResourceException {
        Class<?> endpointClass = null;
        try {
            endpointClass = factory.getEndpointClass();
        } catch (RuntimeException | AbstractMethodError e) {
            // pre-1.7 container: the listener is found on the endpoint itself
        }
        try {
            invoker = new ListenerInvoker(endpointClass);
        } catch (IllegalArgumentException e) {
            throw new ResourceException(e.getMessage(), e);
        }
        try {
            socket = settings.open(context, settings.type() == SocketType.REP ? SocketType.ROUTER : null);
            String dl = spec.getDeadLetterEndpoint();
            if (dl != null && !dl.isBlank()) {
                deadLetter = context.socket(SocketType.PUSH);
                deadLetter.setOption(ZmqOption.LINGER, spec.getLinger());
                deadLetter.connect(dl.trim());
            }
        } catch (RuntimeException | LinkageError e) {
            closeSockets();
            throw new ResourceException("cannot open " + settings + ": " + e.getMessage(), e);
        }
        running = true;
        try {
            executor.execute(this::receiveLoop);
            loopStarted = true;
        } catch (RejectedExecutionException e) {
            running = false;
            closeSockets();
            throw new ResourceException("the WorkManager refused the receive loop of " + name, e);
        }
        RaLog.activationStarted(name);
    }

    /** Stops receiving, waits for deliveries in progress, closes the sockets. Idempotent. */
    public void stop() {
        running = false;
        try {
            boolean clean = (!loopStarted || loopDone.await(shutdownTimeoutMs, TimeUnit.MILLISECONDS))
                    && permits.tryAcquire(maxPermits, shutdownTimeoutMs, TimeUnit.MILLISECONDS);
            if (!clean) {
                RaLog.deactivationTimedOut(name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSockets();
        RaLog.activationStopped(name);
    }

    private synchronized void closeSockets() {
        if (socket != null) {
            socket.close();
        }
        if (deadLetter != null) {
            deadLetter.close();
        }
    }

    /** @return messages delivered successfully */
    public long deliveredCount() {
        return delivered.get();
    }

    /** @return messages whose delivery failed after all retries */
    public long failedCount() {
        return failed.get();
    }

    /** @return the activation spec */
    public ZmqActivationSpec spec() {
        return spec;
    }

    /** @return the last endpoint bound (with the real port for {@code tcp://*:*}), or null */
    public String lastEndpoint() {
        return socket == null ? null : socket.getOption(ZmqOption.LAST_ENDPOINT);
    }

    private void receiveLoop() {
        try {
            while (running) {
                Message m;
                try {
                    m = socket.recvMessage(POLL);
                } catch (ZmqException e) {
                    if (e.errno() == Errno.ETERM || !running) {
                        break;
                    }
                    RaLog.receiveLoopFailed(name, e);
                    pause(POLL.toMillis());
                    continue;
                }
                if (m != null) {
                    dispatch(m);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            RaLog.receiveLoopFailed(name, e);
        } finally {
            loopDone.countDown();
        }
    }

    private void dispatch(Message m) throws InterruptedException {
        int split = envelopeSize(m);
        if (split < 0) {
            return;
        }
        List<Frame> envelope = new ArrayList<>(m.frames().subList(0, split));
        List<byte[]> body = new ArrayList<>();
        for (int i = split; i < m.size(); i++) {
            body.add(m.get(i).data());
        }
        if (body.isEmpty()) {
            body.add(new byte[0]);
        }
        ZmqMessage message = ZmqMessage.of(body);
        if (ordered) {
            deliver(envelope, message);
            return;
        }
        while (!permits.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (!running) {
                return;
            }
        }
        try {
            executor.schedule(() -> {
                try {
                    deliver(envelope, message);
                } finally {
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            failed.incrementAndGet();
            RaLog.deliveryAbandoned(name, 0, failed.get(), e);
        }
    }

    /**
     * @param m a received message
     * @return how many leading frames are envelope, or -1 for a malformed REP request
     */
    private int envelopeSize(Message m) {
        switch (settings.type()) {
            case REP:
                for (int i = 0; i < m.size(); i++) {
                    if (m.get(i).size() == 0) {
                        return i + 1;
                    }
                }
                return -1;
            case ROUTER:
                return m.size() > 1 && m.get(1).size() == 0 ? 2 : 1;
            case DEALER:
                return m.size() > 1 && m.get(0).size() == 0 ? 1 : 0;
            default:
                return 0;
        }
    }

    private boolean canReply() {
        SocketType t = settings.type();
        return t == SocketType.REP || t == SocketType.ROUTER || t == SocketType.DEALER || t == SocketType.PAIR;
    }

    private void deliver(List<Frame> envelope, ZmqMessage message) {
        int attempts = spec.getMaxRetries() + 1;
        Throwable last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                ZmqMessage reply = deliverOnce(message);
                delivered.incrementAndGet();
                if (reply != null) {
                    reply(envelope, reply);
                }
                return;
            } catch (Throwable t) {
                last = t;
                RaLog.deliveryFailed(name, attempt, t);
                if (attempt < attempts) {
                    if (!running) {
                        break;
                    }
                    pause(spec.getRetryInterval());
                }
            }
        }
        long n = failed.incrementAndGet();
        RaLog.deliveryAbandoned(name, attempts, n, last);
        if (deadLetter != null) {
            try {
                Message dl = new Message();
                for (byte[] f : message.frames()) {
                    dl.add(f);
                }
                if (deadLetter.send(dl, Duration.ZERO)) {
                    RaLog.deadLettered(name, spec.getDeadLetterEndpoint());
                }
            } catch (ZmqException e) {
                RaLog.replyFailed(name, e);
            }
        }
    }

    /** One attempt: a fresh endpoint, beforeDelivery/afterDelivery around the call; the reply is returned only after afterDelivery (commit) succeeded. */
    private ZmqMessage deliverOnce(ZmqMessage message) throws Throwable {
        MessageEndpoint endpoint = factory.createEndpoint(null);
        try {
            Method method = invoker.method(endpoint);
            boolean transacted;
            try {
                transacted = factory.isDeliveryTransacted(method);
            } catch (NoSuchMethodException | RuntimeException e) {
                transacted = false;
            }
            boolean bracket = transacted || !method.getDeclaringClass().isInterface();
            if (!bracket) {
                return invoker.invoke(endpoint, method, message);
            }
            endpoint.beforeDelivery(method);
            ZmqMessage reply;
            try {
                reply = invoker.invoke(endpoint, method, message);
            } catch (Throwable t) {
                try {
                    endpoint.afterDelivery();
                } catch (ResourceException | RuntimeException suppressed) {
                    t.addSuppressed(suppressed);
                }
                throw t;
            }
            endpoint.afterDelivery();
            return reply;
        } finally {
            endpoint.release();
        }
    }

    private void reply(List<Frame> envelope, ZmqMessage reply) {
        if (!canReply()) {
            if (!replyIgnoredLogged) {
                replyIgnoredLogged = true;
                RaLog.replyIgnored(name, settings.type().name());
            }
            return;
        }
        Message out = new Message(envelope);
        for (byte[] f : reply.frames()) {
            out.add(f);
        }
        try {
            if (!socket.send(out, REPLY_TIMEOUT)) {
                RaLog.replyFailed(name, new ZmqException(Errno.EAGAIN, "reply not queued in time"));
            }
        } catch (ZmqException e) {
            RaLog.replyFailed(name, e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ZmqActivation[" + name + "]";
    }
}
