package io.zconn.engine.security;

import io.zconn.engine.Frame;
import io.zconn.engine.core.HostWorkers;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.Metadata;
import io.zconn.engine.zmtp.ZmtpException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A context's ZAP client (RFC 27): sends each request to the context's Java {@link ZapHandler}, run
 * on the host's threads when the context was given an executor or thread factory, else on threads of
 * its own ({@link HostWorkers}; never an I/O thread), or else as ZAP messages to the REP/ROUTER socket
 * bound at {@code inproc://zeromq.zap.01}, reading its reply from a pipe of the request's own.
 *
 * <p>Bounded: at most {@link #MAX_PENDING} requests wait for an answer at a time (more are answered
 * at once as failed, logged once per episode); the Java handler runs on at most {@link #THREADS}
 * threads, its queue holding no more than the pending requests; each request's mechanism gives up
 * after its own timeout ({@link Authenticator.Pending#cancel()}), which frees its slot. Nothing here
 * blocks the caller.
 */
public final class ZapDispatcher implements Authenticator {
    /** The inproc name of libzmq's ZAP handler. */
    public static final String ENDPOINT = "zeromq.zap.01";
    /** Most ZAP requests waiting for an answer at once, per context. */
    public static final int MAX_PENDING = 1024;
    /** Most threads the Java handler runs on. */
    public static final int THREADS = 4;
    private static final System.Logger LOG = System.getLogger(ZapDispatcher.class.getName());
    private static final byte[] VERSION = "1.0".getBytes(StandardCharsets.US_ASCII);

    private final Supplier<Pipe> inproc;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean overloadLogged = new AtomicBoolean();
    /** The kinds of server already warned about a missing handler (a few constant strings). */
    private final java.util.Set<String> noHandlerLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ZapHandler handler;
    private final java.util.concurrent.Executor hostExecutor;
    private final java.util.concurrent.ThreadFactory hostFactory;
    private HostWorkers pool;
    private boolean closed;

    /**
     * @param inproc connects a new pipe to the socket bound at {@code inproc://zeromq.zap.01} and
     *               returns this side's end, or null when nothing is bound there
     */
    public ZapDispatcher(Supplier<Pipe> inproc) {
        this(inproc, null, null);
    }

    /**
     * @param inproc   as above
     * @param executor the host's executor the context was given, or null
     * @param factory  the host's thread factory the context was given, or null
     */
    public ZapDispatcher(Supplier<Pipe> inproc, java.util.concurrent.Executor executor,
                         java.util.concurrent.ThreadFactory factory) {
        this.inproc = inproc;
        this.hostExecutor = executor;
        this.hostFactory = factory;
    }

    /** @param handler the Java ZAP handler, or null for none (then the inproc one, if bound) */
    public void handler(ZapHandler handler) {
        this.handler = handler;
        if (handler != null) {
            noHandlerLogged.clear();
        }
    }

    /** @return the Java ZAP handler, or null */
    public ZapHandler handler() {
        return handler;
    }

    @Override
    public Pending request(ZapHandler.Request request, Consumer<ZapResult> onResult) {
        ZapHandler h = handler;
        Pipe pipe = h == null ? inproc.get() : null;
        if (h == null && pipe == null) {
            return null;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            if (pipe != null) {
                pipe.terminate();
            }
            if (overloadLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "more than " + MAX_PENDING
                        + " ZAP requests are waiting for the ZAP handler: refusing connections until it catches up");
            }
            onResult.accept(ZapResult.failed("too many ZAP requests pending"));
            return () -> { };
        }
        overloadLogged.set(false);
        Request r = new Request(onResult, pipe);
        if (h != null) {
            Runnable task = () -> {
                if (!r.done.get()) { // a cancelled request is not worth the handler's time
                    r.complete(call(h, request));
                }
            };
            try {
                HostWorkers p = executor();
                r.queued = () -> p.remove(task);
                p.execute(task);
            } catch (RejectedExecutionException e) {
                r.complete(ZapResult.failed(closedNow() ? "the context is closed" : "the ZAP handler's queue is full"));
            }
        } else {
            r.send(request, Long.toString(ids.incrementAndGet()));
        }
        return r::cancel;
    }

    /**
     * Logs, once until a handler is set, that a PLAIN server refuses every client for want of one.
     *
     * @param what the refusing side, for the message
     */
    void noHandler(String what) {
        noHandler(what, "every client is refused, as in libzmq");
    }

    void noHandler(String what, String consequence) {
        if (noHandlerLogged.add(what)) {
            LOG.log(System.Logger.Level.WARNING, what + " has no ZAP handler (Context.setZapHandler, or a REP/ROUTER"
                    + " bound at inproc://" + ENDPOINT + "): " + consequence + " (logged once)");
        }
    }

    private static ZapResult call(ZapHandler h, ZapHandler.Request request) {
        try {
            ZapHandler.Reply reply = h.authenticate(request);
            if (reply == null) {
                LOG.log(System.Logger.Level.WARNING, "the ZAP handler returned null for " + request + ": refusing (500)");
                return new ZapResult(500, "ZAP handler returned no reply", new byte[0], Map.of());
            }
            Map<String, byte[]> meta = Metadata.newMap();
            reply.properties().forEach((k, v) -> meta.put(k, v.getBytes(StandardCharsets.UTF_8)));
            return new ZapResult(reply.statusCode(), reply.statusText(),
                    reply.userId().getBytes(StandardCharsets.UTF_8), meta);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the ZAP handler failed on " + request + ": refusing (500)", e);
            return new ZapResult(500, "ZAP handler failed", new byte[0], Map.of());
        } catch (Error e) {
            LOG.log(System.Logger.Level.ERROR, "the ZAP handler failed on " + request + ": refusing (500)", e);
            throw e;
        }
    }

    private synchronized boolean closedNow() {
        return closed;
    }

    private synchronized HostWorkers executor() {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        if (pool == null) {
            pool = new HostWorkers("a ZAP handler call", "zconn-zap", hostExecutor, hostFactory, THREADS, MAX_PENDING);
        }
        return pool;
    }

    /** Stops the handler's calls: waits up to 3 s for calls still running, then gives up on them. */
    public void close() {
        HostWorkers p;
        synchronized (this) {
            closed = true;
            p = pool;
        }
        if (p == null) {
            return;
        }
        if (!p.close(3, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "the ZAP handler did not return within 3 s of the context closing");
        }
    }

    /** One request: answered once, then its slot and pipe are freed. */
    private final class Request implements Pipe.Events {
        private final Consumer<ZapResult> onResult;
        private final Pipe pipe;
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<Frame> reply = new ArrayList<>(7);
        private String id;
        private volatile Runnable queued;

        Request(Consumer<ZapResult> onResult, Pipe pipe) {
            this.onResult = onResult;
            this.pipe = pipe;
        }

        void send(ZapHandler.Request r, String requestId) {
            this.id = requestId;
            List<byte[]> frames = new ArrayList<>();
            frames.add(new byte[0]);
            frames.add(VERSION);
            frames.add(requestId.getBytes(StandardCharsets.US_ASCII));
            frames.add(r.domain().getBytes(StandardCharsets.UTF_8));
            frames.add(r.address().getBytes(StandardCharsets.UTF_8));
            frames.add(r.routingId());
            frames.add(r.mechanism().getBytes(StandardCharsets.US_ASCII));
            frames.addAll(r.credentials());
            pipe.setEvents(this);
            for (int i = 0; i < frames.size(); i++) {
                pipe.write(Frame.wrap(frames.get(i), i < frames.size() - 1));
            }
            pipe.flush();
            readActivated(pipe);
        }

        synchronized void complete(ZapResult result) {
            if (done.compareAndSet(false, true)) {
                release();
                onResult.accept(result);
            }
        }

        synchronized void cancel() {
            if (done.compareAndSet(false, true)) {
                release();
                Runnable q = queued;
                if (q != null) {
                    q.run(); // out of the handler's queue, so cancelled requests cannot fill it
                }
            }
        }

        private void release() {
            pending.decrementAndGet();
            if (pipe != null) {
                pipe.terminate();
            }
        }

        @Override
        @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel
        public synchronized void readActivated(Pipe p) {
            if (done.get()) {
                return;
            }
            Frame f;
            while ((f = p.read()) != null) {
                if (f == Pipe.DELIMITER) {
                    complete(ZapResult.failed("the ZAP handler socket went away"));
                    return;
                }
                reply.add(f);
                if (reply.size() > 7) {
                    complete(ZapResult.failed("malformed ZAP reply: more than 7 frames"));
                    return;
                }
                if (!f.hasMore()) {
                    complete(parse());
                    return;
                }
            }
        }

        private ZapResult parse() {
            if (reply.size() != 7) {
                return ZapResult.failed("malformed ZAP reply: " + reply.size() + " frames, expected 7");
            }
            if (reply.get(0).size() != 0) {
                return ZapResult.failed("malformed ZAP reply: no empty delimiter frame");
            }
            if (!"1.0".equals(reply.get(1).text())) {
                return ZapResult.failed("malformed ZAP reply: version is not 1.0");
            }
            if (!id.equals(reply.get(2).text())) {
                return ZapResult.failed("malformed ZAP reply: request id does not match");
            }
            String code = reply.get(3).text();
            int status = switch (code) {
                case "200" -> 200;
                case "300" -> 300;
                case "400" -> 400;
                case "500" -> 500;
                default -> 0;
            };
            if (status == 0) {
                return ZapResult.failed("malformed ZAP reply: status code must be 200, 300, 400 or 500");
            }
            Map<String, byte[]> meta;
            try {
                meta = Metadata.decode(io.netty.buffer.Unpooled.wrappedBuffer(reply.get(6).data()));
            } catch (ZmtpException e) {
                return ZapResult.failed("malformed ZAP reply: " + e.getMessage());
            }
            return new ZapResult(status, reply.get(4).text(), reply.get(5).data(), meta);
        }

        @Override
        public void writeActivated(Pipe p) {
        }

        @Override
        public void terminated(Pipe p) {
            readActivated(p);
        }
    }
}
