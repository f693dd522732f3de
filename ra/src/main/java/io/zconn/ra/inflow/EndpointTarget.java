package io.zconn.ra.inflow;

import io.zconn.engine.Message;
import io.zconn.ra.RaLog;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.support.DeliveryTarget;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The resource adapter's delivery attempt: a fresh endpoint from the container, the listener
 * called between {@code beforeDelivery} and {@code afterDelivery} when the delivery is transacted
 * or the listener is a bean method, and the endpoint released. The reply is returned only after
 * {@code afterDelivery} (commit) succeeded, so a rolled-back delivery never answers.
 */
final class EndpointTarget implements DeliveryTarget {
    private final MessageEndpointFactory factory;
    private final ListenerInvoker invoker;
    private final String name;
    /** Whether the listener method returns a reply (a request listener); set by each attempt. */
    private volatile boolean answers = true;

    EndpointTarget(MessageEndpointFactory factory, ListenerInvoker invoker, String name) {
        this.factory = factory;
        this.invoker = invoker;
        this.name = name;
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
     *         with the properties of the connection it came over ({@link ZmqMessage#userId()})
     */
    static ZmqMessage toApi(Message m) {
        List<byte[]> body = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            body.add(m.get(i).data());
        }
        if (body.isEmpty()) {
            body.add(new byte[0]);
        }
        return ZmqMessage.of(body).withProperties(m.metadata().asMap());
    }

    private ZmqMessage deliverOnce(ZmqMessage message) throws Throwable {
        MessageEndpoint endpoint = factory.createEndpoint(null);
        try {
            Method method = invoker.method(endpoint);
            answers = method.getReturnType() != void.class;
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
}
