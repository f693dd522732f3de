package io.zconn.ra.inflow;

import io.zconn.engine.Message;
import io.zconn.ra.RaLog;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.support.DeliveryTarget;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The resource adapter's delivery attempt: an endpoint from the container, the listener called
 * between {@code beforeDelivery} and {@code afterDelivery} when the delivery is transacted or the
 * listener is a bean method. The reply is returned only after {@code afterDelivery} (commit)
 * succeeded, so a rolled-back delivery never answers.
 *
 * <p>Endpoints are reused for later deliveries, one delivery at a time each, as the Connectors
 * specification allows (a proxy endpoint serves serial deliveries until {@code release}): after a
 * delivery that succeeded the endpoint goes back to a pool of at most {@code maxIdle} (the
 * activation's concurrent deliveries), so that a delivery does not cost the container an endpoint
 * made and released. An endpoint whose delivery failed in any way is released at once, never reused;
 * those pooled are released by {@link #close()} (deactivation). With {@code maxIdle} 0 each delivery
 * gets a fresh endpoint, released after it.
 *
 * <p>A batch ({@link #deliverBatch}) is one endpoint call, {@code onMessages}, between one
 * {@code beforeDelivery} and one {@code afterDelivery}: one transaction for the batch.
 */
final class EndpointTarget implements DeliveryTarget {
    private final MessageEndpointFactory factory;
    private final ListenerInvoker invoker;
    private final String name;
    private final int maxIdle;
    /** Endpoints idle between deliveries; guarded by itself. */
    private final ArrayDeque<MessageEndpoint> idle = new ArrayDeque<>();
    private boolean closed;
    /** The properties of the connections messages come over, decoded once per connection. */
    private final ConnectionProperties properties = new ConnectionProperties();
    /** Whether the listener method returns a reply (a request listener); set by each attempt. */
    private volatile boolean answers = true;
    /** The last listener method asked about and whether its deliveries are transacted (it does not change). */
    private volatile Transacted transacted;

    private record Transacted(Method method, boolean transacted) {
    }

    /**
     * @param maxIdle endpoints kept for reuse between deliveries (at most); 0: a fresh endpoint per delivery
     */
    EndpointTarget(MessageEndpointFactory factory, ListenerInvoker invoker, String name, int maxIdle) {
        this.factory = factory;
        this.invoker = invoker;
        this.name = name;
        this.maxIdle = maxIdle;
    }

    /** Releases the pooled endpoints; endpoints of deliveries still running are released when they end. */
    void close() {
        List<MessageEndpoint> release;
        synchronized (idle) {
            closed = true;
            release = new ArrayList<>(idle);
            idle.clear();
        }
        for (MessageEndpoint e : release) {
            release(e);
        }
    }

    /** @return endpoints kept for reuse (for tests) */
    int idleEndpoints() {
        synchronized (idle) {
            return idle.size();
        }
    }

    private MessageEndpoint take() throws UnavailableException {
        synchronized (idle) {
            MessageEndpoint e = idle.pollFirst();
            if (e != null) {
                return e;
            }
        }
        return factory.createEndpoint(null);
    }

    /** Keeps the endpoint for the next delivery, or releases it. */
    private void giveBack(MessageEndpoint endpoint) {
        synchronized (idle) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(endpoint);
                return;
            }
        }
        release(endpoint);
    }

    private void release(MessageEndpoint endpoint) {
        try {
            endpoint.release();
        } catch (RuntimeException e) {
            RaLog.endpointReleaseFailed(name, e);
        }
    }

    private boolean isTransacted(Method method) {
        Transacted t = transacted;
        if (t != null && t.method().equals(method)) {
            return t.transacted();
        }
        boolean tx;
        try {
            tx = factory.isDeliveryTransacted(method);
        } catch (NoSuchMethodException | RuntimeException e) {
            tx = false;
        }
        transacted = new Transacted(method, tx);
        return tx;
    }

    @Override
    public boolean answers() {
        return answers;
    }

    @Override
    public Message deliver(Message body) throws Exception {
        ZmqMessage reply;
        try {
            reply = deliverOnce(toApi(body));
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
        if (reply == null) {
            return null;
        }
        Message out = new Message();
        for (byte[] f : reply.frames()) {
            out.add(f);
        }
        return out;
    }

    /**
     * @return the body as the listener API's message (at least one frame, as listeners expect),
     *         with the properties of the connection it came over ({@link ZmqMessage#userId()}), decoded
     *         for the connection's first message and shared by the later ones
     */
    ZmqMessage toApi(Message m) {
        List<byte[]> body = new ArrayList<>(Math.max(1, m.size()));
        for (int i = 0; i < m.size(); i++) {
            body.add(m.get(i).data());
        }
        if (body.isEmpty()) {
            body.add(new byte[0]);
        }
        return ZmqMessage.of(body).withPropertiesOf(properties.of(m.metadata()));
    }

    @Override
    public void deliverBatch(List<Message> bodies) throws Exception {
        List<ZmqMessage> batch = new ArrayList<>(bodies.size());
        for (Message m : bodies) {
            batch.add(toApi(m));
        }
        try {
            deliverOnce(null, Collections.unmodifiableList(batch));
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    private ZmqMessage deliverOnce(ZmqMessage message) throws Throwable {
        return deliverOnce(message, null);
    }

    /** One endpoint call: the message, or the batch when {@code batch} is not null. */
    private ZmqMessage deliverOnce(ZmqMessage message, List<ZmqMessage> batch) throws Throwable {
        MessageEndpoint endpoint = take();
        boolean reusable = false;
        try {
            Method method = invoker.method(endpoint);
            answers = method.getReturnType() != void.class;
            boolean bracket = isTransacted(method) || !method.getDeclaringClass().isInterface();
            if (!bracket) {
                ZmqMessage reply = invoke(endpoint, method, message, batch);
                reusable = true;
                return reply;
            }
            endpoint.beforeDelivery(method);
            ZmqMessage reply;
            try {
                reply = invoke(endpoint, method, message, batch);
            } catch (Throwable t) {
                try {
                    endpoint.afterDelivery();
                } catch (ResourceException | RuntimeException suppressed) {
                    t.addSuppressed(suppressed);
                }
                throw t;
            }
            endpoint.afterDelivery();
            reusable = true;
            return reply;
        } finally {
            if (reusable) {
                giveBack(endpoint);
            } else {
                release(endpoint);
            }
        }
    }

    private ZmqMessage invoke(MessageEndpoint endpoint, Method method, ZmqMessage message, List<ZmqMessage> batch)
            throws Throwable {
        if (batch != null) {
            invoker.invokeBatch(endpoint, method, batch);
            return null;
        }
        return invoker.invoke(endpoint, method, message);
    }
}
