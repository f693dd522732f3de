package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RaLog;
import io.zconn.ra.SocketSettings;
import io.zconn.ra.WorkManagerExecutor;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.support.Envelope;
import io.zconn.support.ReplyPolicy;

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
import java.util.function.UnaryOperator;

/**
 * One endpoint activation: a socket, a receive loop running as long-running work, and deliveries
 * scheduled on the WorkManager (at most {@code maxConcurrentDeliveries} at a time, or one at a time
 * on the loop itself when ordered). REP activations use a ROUTER socket underneath so that several
 * requests can be answered concurrently; each reply goes back with the request's envelope, i.e. to
 * the peer that asked.
 *
 * <p>No message is lost silently: every message taken from the socket ends up
 * {@linkplain #deliveredCount() delivered}, or {@linkplain #failedCount() failed} and then either
 * {@linkplain #deadLetteredCount() dead-lettered} or {@linkplain #droppedCount() dropped} with a
 * numbered log line ({@code received = delivered + failed + in progress},
 * {@code failed = dead-lettered + dropped}). {@link #stop()} first drains what the socket already
 * received (delivering until the shutdown timeout, dead-lettering or dropping the rest), then closes
 * the gate through which every listener invocation passes: once it returns, no invocation starts.
 * The receive loop survives any exception (exponential back-off, one log line per failure streak);
 * only a {@link VirtualMachineError} ends it, and marks the activation {@linkplain #isFailed() failed}.
 */
public final class ZmqActivation {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** How long a dead letter may wait for room (or a connected collector) while running. */
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(1);
    /** Extra time stop() gives the loop and the deliveries after the shutdown timeout (ms). */
    private static final long STOP_SLACK_MS = 1000;

    /** How the receive loop takes the next message; replaceable in tests to inject failures. */
    @FunctionalInterface
    interface Receiver {
        /**
         * @param timeout how long to wait
         * @return the next message, or null
         */
        Message receive(Duration timeout);
    }

    private final Context context;
    private final WorkManagerExecutor executor;
    private final MessageEndpointFactory factory;
    private final ZmqActivationSpec spec;
    private final long shutdownTimeoutMs;
    private final SocketSettings settings;
    private final ReplyPolicy replyPolicy;
    private final Semaphore permits;
    private final int maxPermits;
    private final boolean ordered;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch gateSignal = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object gate = new Object();
    private final String name;
    private ListenerInvoker invoker;
    private Socket socket;
    private Socket deadLetter;
    private Receiver receiver;
    private UnaryOperator<Receiver> receiverWrapper = UnaryOperator.identity();
    long backoffInitialMs = 100;
    long backoffMaxMs = 30_000;
    private boolean gateClosed;
    private int invoking;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile long drainDeadline;
    private volatile boolean loopStarted;
    private volatile boolean fatal;
    private volatile boolean replyIgnoredLogged;
    /** Whether the listener method returns a reply (a request listener); set by each delivery. */
    private volatile boolean listenerAnswers = true;

    /**
     * @param context           engine context
     * @param executor          WorkManager executor
     * @param factory           endpoint factory from the container
     * @param spec              validated activation spec
     * @param shutdownTimeoutMs how long {@link #stop()} keeps delivering what was received
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
        try {
            this.replyPolicy = ReplyPolicy.parse("replyOnFailure", spec.getReplyOnFailure());
        } catch (IllegalArgumentException e) {
            throw new ResourceException(e.getMessage(), e);
        }
        this.ordered = Boolean.TRUE.equals(spec.getOrderedDelivery());
        this.maxPermits = ordered ? 1 : spec.getMaxConcurrentDeliveries();
        this.permits = new Semaphore(maxPermits);
        this.name = endpointName(factory) + " <- " + settings;
    }

    /** For tests: wraps how the loop receives (set before {@link #start()}). */
    void wrapReceiver(UnaryOperator<Receiver> wrapper) {
        this.receiverWrapper = wrapper;
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
                // Queue dead letters only to a connected collector: a message that cannot be handed
                // over is counted and logged as dropped instead of vanishing at close.
                deadLetter.setOption(ZmqOption.IMMEDIATE, true);
                deadLetter.connect(dl.trim());
            }
        } catch (RuntimeException | LinkageError e) {
            closeSockets();
            throw new ResourceException("cannot open " + settings + ": " + e.getMessage(), e);
        }
        Socket s = socket;
        receiver = receiverWrapper.apply(s::recvMessage);
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

    /**
     * Stops the activation. Idempotent; returns within about {@code shutdownTimeout} + 3 s:
     * <ol>
     * <li>the loop stops taking new messages and drains those the socket already received: they are
     *     delivered while the shutdown timeout lasts, then dead-lettered or dropped (counted, ZCONNRA0042);</li>
     * <li>running deliveries get the rest of the timeout (+1 s) to finish;</li>
     * <li>the invocation gate closes: from then on no listener invocation starts (a delivery or retry
     *     not yet started is dead-lettered or dropped instead); invocations still running are reported
     *     (ZCONNRA0044) and release their endpoint when they return;</li>
     * <li>the sockets close.</li>
     * </ol>
     */
    public void stop() {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(shutdownTimeoutMs);
        synchronized (this) {
            if (stopping) {
                return;
            }
            drainDeadline = deadline;
            stopping = true;
        }
        running = false;
        stopSignal.countDown();
        long before = delivered.get();
        long dlBefore = deadLettered.get();
        long dropBefore = dropped.get();
        boolean clean = true;
        try {
            long slack = TimeUnit.MILLISECONDS.toNanos(STOP_SLACK_MS);
            clean = !loopStarted || loopDone.await(deadline + slack - System.nanoTime(), TimeUnit.NANOSECONDS);
            boolean idle = permits.tryAcquire(maxPermits, Math.max(0, deadline + slack - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            int still = closeGate();
            if (!idle) {
                // deliveries waiting to retry wake up now and hand their message to the dead-letter socket
                idle = permits.tryAcquire(maxPermits, STOP_SLACK_MS, TimeUnit.MILLISECONDS);
            }
            if (idle) {
                permits.release(maxPermits);
            }
            if (!clean || !idle) {
                RaLog.deactivationTimedOut(name);
            }
            if (still > 0) {
                RaLog.invocationsStillRunning(name, still);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeGate();
        }
        abandonRemaining();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long d = delivered.get() - before;
        long dl = deadLettered.get() - dlBefore;
        long dr = dropped.get() - dropBefore;
        if (d + dl + dr > 0) {
            RaLog.drained(name, d, dl, dr, took);
        }
        closeSockets();
        RaLog.activationStopped(name);
    }

    /** @return how many invocations are still running */
    private int closeGate() {
        synchronized (gate) {
            gateClosed = true;
            gateSignal.countDown();
            return invoking;
        }
    }

    private boolean enterGate() {
        synchronized (gate) {
            if (gateClosed) {
                return false;
            }
            invoking++;
            return true;
        }
    }

    private void exitGate() {
        synchronized (gate) {
            invoking--;
        }
    }

    /**
     * After the gate closed: whatever the socket still holds (e.g. the loop is stuck in an ordered
     * delivery) is read and dead-lettered or dropped, for at most {@link #STOP_SLACK_MS}.
     */
    private void abandonRemaining() {
        Socket s = socket;
        if (s == null) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_SLACK_MS);
        while (end - System.nanoTime() > 0) {
            Message m;
            try {
                m = s.tryRecvMessage();
            } catch (RuntimeException e) {
                return;
            }
            if (m == null) {
                return;
            }
            received.incrementAndGet();
            abandon(bodyOf(m, 0), "deactivated before it could be delivered", null, true);
        }
    }

    private synchronized void closeSockets() {
        if (socket != null) {
            socket.close();
        }
        if (deadLetter != null) {
            deadLetter.close();
        }
    }

    /** @return messages taken from the socket */
    public long receivedCount() {
        return received.get();
    }

    /** @return messages delivered successfully */
    public long deliveredCount() {
        return delivered.get();
    }

    /**
     * @return messages that could not be delivered (listener failed on every attempt, WorkManager
     *         rejected the delivery, malformed request, deactivation); each is also counted as
     *         dead-lettered or dropped
     */
    public long failedCount() {
        return failed.get();
    }

    /** @return failed messages handed to the dead-letter socket */
    public long deadLetteredCount() {
        return deadLettered.get();
    }

    /** @return failed messages neither delivered nor dead-lettered (each logged, ZCONNRA0040/0041) */
    public long droppedCount() {
        return dropped.get();
    }

    /** @return whether {@link #stop()} has begun */
    boolean isStopping() {
        return stopping;
    }

    /**
     * @param option an option
     * @param <T>    its type
     * @return the option's value on the activation's socket (for tests and monitoring)
     */
    public <T> T socketOption(ZmqOption<T> option) {
        return socket.getOption(option);
    }

    /** @return whether the receive loop died of a fatal error (ZCONNRA0043); redeploy to recover */
    public boolean isFailed() {
        return fatal;
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
        Backoff backoff = new Backoff(backoffInitialMs, backoffMaxMs);
        try {
            while (running) {
                Message m;
                try {
                    m = receiver.receive(POLL);
                } catch (ZmqException e) {
                    if (!running) {
                        break;
                    }
                    if (e.errno() == Errno.ETERM) {
                        // the socket or context was closed under a running activation: say so, loudly
                        fatal = true;
                        RaLog.activationFailed(name, e);
                        break;
                    }
                    failing(backoff, e);
                    continue;
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    failing(backoff, e);
                    continue;
                }
                if (backoff.failures() > 0) {
                    RaLog.receiveLoopRecovered(name, backoff.failures(), backoff.streakMillis());
                    backoff.reset();
                }
                if (m != null) {
                    received.incrementAndGet();
                    dispatchSafely(m);
                }
            }
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!stopping) {
                fatal = true;
                RaLog.receiveLoopInterrupted(name);
            }
        } catch (VirtualMachineError e) {
            fatal = true;
            RaLog.activationFailed(name, e);
            throw e;
        } finally {
            loopDone.countDown();
        }
    }

    private void failing(Backoff backoff, Throwable e) throws InterruptedException {
        if (backoff.failures() == 0) {
            RaLog.receiveLoopFailing(name, e, backoffInitialMs, backoffMaxMs);
        }
        stopSignal.await(backoff.fail(), TimeUnit.MILLISECONDS);
    }

    /** After stop(): deliver what the socket already holds until the deadline, abandon the rest. */
    private void drain() throws InterruptedException {
        long end = drainDeadline + TimeUnit.MILLISECONDS.toNanos(STOP_SLACK_MS);
        while (end - System.nanoTime() > 0) {
            Message m;
            try {
                m = receiver.receive(Duration.ZERO);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                return;
            }
            if (m == null) {
                return;
            }
            received.incrementAndGet();
            dispatchSafely(m);
        }
    }

    private void dispatchSafely(Message m) throws InterruptedException {
        try {
            dispatch(m);
        } catch (InterruptedException | VirtualMachineError e) {
            abandon(bodyOf(m, 0), "the receive loop was interrupted", e, false);
            throw e;
        } catch (RuntimeException | Error e) {
            abandon(bodyOf(m, 0), "dispatch failed", e, false);
        }
    }

    private boolean pastDrainDeadline() {
        return stopping && System.nanoTime() - drainDeadline > 0;
    }

    private void dispatch(Message m) throws InterruptedException {
        Envelope envelope = Envelope.split(settings.type(), m);
        if (envelope == null) {
            abandon(bodyOf(m, 0), "malformed " + settings.type() + " request (no empty delimiter frame)", null,
                    false);
            return;
        }
        ZmqMessage message = bodyOf(envelope.body(), 0);
        if (pastDrainDeadline()) {
            abandon(message, "deactivated before it could be delivered", null, true);
            return;
        }
        if (ordered) {
            deliver(envelope, message);
            return;
        }
        while (!permits.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (pastDrainDeadline()) {
                abandon(message, "deactivated before it could be delivered", null, true);
                return;
            }
        }
        try {
            executor.schedule(() -> {
                try {
                    deliver(envelope, message);
                } catch (VirtualMachineError e) {
                    abandon(message, "the listener raised " + e, e, false);
                    throw e;
                } finally {
                    permits.release();
                }
            }, cause -> {
                permits.release();
                abandon(message, "the WorkManager rejected the delivery", cause, false);
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            abandon(message, "the WorkManager rejected the delivery", e.getCause() != null ? e.getCause() : e, false);
        }
    }

    private static ZmqMessage bodyOf(Message m, int skip) {
        List<byte[]> body = new ArrayList<>();
        for (int i = skip; i < m.size(); i++) {
            body.add(m.get(i).data());
        }
        if (body.isEmpty()) {
            body.add(new byte[0]);
        }
        return ZmqMessage.of(body);
    }

    private void deliver(Envelope envelope, ZmqMessage message) {
        int attempts = spec.getMaxRetries() + 1;
        Throwable last = null;
        int made = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (!enterGate()) {
                abandon(message, "deactivated before " + (made == 0 ? "delivery" : "retry " + attempt), last,
                        made == 0);
                return;
            }
            ZmqMessage reply;
            made++;
            try {
                reply = deliverOnce(message);
            } catch (Throwable t) {
                last = t;
                RaLog.deliveryFailed(name, attempt, t);
                if (t instanceof VirtualMachineError v) {
                    throw v; // the caller counts the message and ends the loop or the work loudly
                }
                if (attempt < attempts && !pastDrainDeadline()) {
                    pauseBeforeRetry();
                    continue;
                }
                break;
            } finally {
                exitGate();
            }
            delivered.incrementAndGet();
            reply(envelope, reply, false);
            return;
        }
        long n = failed.incrementAndGet();
        RaLog.deliveryAbandoned(name, made, n, last);
        reply(envelope, null, listenerAnswers);
        abandonCounted(message, "the listener failed " + made + " time(s)", last, false);
    }

    private void pauseBeforeRetry() {
        try {
            // wakes early when the gate closes: the message then goes to the dead-letter socket at once
            gateSignal.await(spec.getRetryInterval(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Counts a message that will not be delivered as failed, then dead-letters or drops it.
     *
     * @param quiet true while draining at deactivation: the summary line (ZCONNRA0042) reports it
     */
    private void abandon(ZmqMessage message, String reason, Throwable cause, boolean quiet) {
        failed.incrementAndGet();
        abandonCounted(message, reason, cause, quiet);
    }

    /** Dead-letters or drops a message already counted as failed; either way it is counted and logged. */
    private void abandonCounted(ZmqMessage message, String reason, Throwable cause, boolean quiet) {
        Socket dlSocket = deadLetter;
        if (dlSocket == null) {
            long n = dropped.incrementAndGet();
            if (!quiet) {
                RaLog.messageDropped(name, reason, n, cause);
            }
            return;
        }
        Object problem;
        try {
            Message dl = new Message();
            for (byte[] f : message.frames()) {
                dl.add(f);
            }
            if (dlSocket.send(dl, stopping ? Duration.ZERO : DEAD_LETTER_TIMEOUT)) {
                deadLettered.incrementAndGet();
                if (!quiet) {
                    RaLog.deadLettered(name, spec.getDeadLetterEndpoint());
                }
                return;
            }
            problem = "no connected dead-letter peer with room within " + (stopping ? 0
                    : DEAD_LETTER_TIMEOUT.toMillis()) + " ms (" + reason + ")";
        } catch (RuntimeException e) {
            problem = e;
        }
        long n = dropped.incrementAndGet();
        RaLog.deadLetterFailed(name, spec.getDeadLetterEndpoint(), n, problem);
    }

    /** One attempt: a fresh endpoint, beforeDelivery/afterDelivery around the call; the reply is returned only after afterDelivery (commit) succeeded. */
    private ZmqMessage deliverOnce(ZmqMessage message) throws Throwable {
        MessageEndpoint endpoint = factory.createEndpoint(null);
        try {
            Method method = invoker.method(endpoint);
            listenerAnswers = method.getReturnType() != void.class;
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
            try {
                endpoint.release();
            } catch (RuntimeException e) {
                RaLog.endpointReleaseFailed(name, e);
            }
        }
    }

    /**
     * Answers a request as the {@link ReplyPolicy} says (the listener's reply; an empty frame on REP
     * when there is none; an empty frame or nothing on REP/ROUTER when a request listener failed).
     *
     * @param requestListenerFailed whether a listener that returns replies failed on every attempt
     */
    private void reply(Envelope envelope, ZmqMessage reply, boolean requestListenerFailed) {
        SocketType type = settings.type();
        if (!ReplyPolicy.canReply(type)) {
            if (reply != null && !replyIgnoredLogged) {
                replyIgnoredLogged = true;
                RaLog.replyIgnored(name, type.name());
            }
            return;
        }
        Message body = null;
        if (reply != null) {
            body = new Message();
            for (byte[] f : reply.frames()) {
                body.add(f);
            }
        }
        Message answer = replyPolicy.answer(type, body, requestListenerFailed);
        if (answer == null) {
            return;
        }
        Message out = envelope.join(answer);
        try {
            if (!socket.send(out, REPLY_TIMEOUT)) {
                RaLog.replyFailed(name, new ZmqException(Errno.EAGAIN, "reply not queued in time"));
            }
        } catch (ZmqException e) {
            RaLog.replyFailed(name, e);
        }
    }

    @Override
    public String toString() {
        return "ZmqActivation[" + name + "]";
    }
}
