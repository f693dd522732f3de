package io.zconn.ra;

import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.transaction.xa.XAResource;

/**
 * Makes endpoints the way containers do: a dynamic proxy implementing the listener interface(s) and
 * MessageEndpoint, forwarding listener calls to a fresh bean instance and recording the
 * beforeDelivery/afterDelivery protocol.
 */
public final class TestEndpointFactory implements MessageEndpointFactory {
    private final Class<?> beanClass;
    private final Supplier<Object> beans;
    private final Class<?>[] listeners;
    private final boolean transacted;
    /** Events in order: "before", "invoke", "after", "release". */
    public final List<String> events = new CopyOnWriteArrayList<>();
    /** Endpoints made. */
    public final AtomicInteger created = new AtomicInteger();

    /**
     * @param beanClass  the bean class reported by getEndpointClass
     * @param beans      makes bean instances
     * @param transacted whether deliveries are transacted
     * @param listeners  listener interfaces the proxy implements
     */
    public TestEndpointFactory(Class<?> beanClass, Supplier<Object> beans, boolean transacted, Class<?>... listeners) {
        this.beanClass = beanClass;
        this.beans = beans;
        this.transacted = transacted;
        this.listeners = listeners;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xa) throws UnavailableException {
        created.incrementAndGet();
        Object bean = beans.get();
        Class<?>[] ifaces = new Class<?>[listeners.length + 1];
        System.arraycopy(listeners, 0, ifaces, 0, listeners.length);
        ifaces[listeners.length] = MessageEndpoint.class;
        return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(), ifaces, (proxy, m, args) -> {
            switch (m.getName()) {
                case "beforeDelivery":
                    events.add("before");
                    return null;
                case "afterDelivery":
                    events.add("after");
                    return null;
                case "release":
                    events.add("release");
                    return null;
                case "toString":
                    return "endpoint(" + bean + ")";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    events.add("invoke");
                    Method target = beanClass.getMethod(m.getName(), m.getParameterTypes());
                    try {
                        return target.invoke(bean, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource xa, long timeout) throws UnavailableException {
        return createEndpoint(xa);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return beanClass.getSimpleName();
    }

    @Override
    public Class<?> getEndpointClass() {
        return beanClass;
    }
}
