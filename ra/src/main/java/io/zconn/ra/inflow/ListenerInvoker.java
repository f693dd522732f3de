package io.zconn.ra.inflow;

import io.zconn.ra.api.OnZmqMessage;
import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqListener;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.resource.spi.endpoint.MessageEndpoint;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Calls the listener of one endpoint: {@link ZmqRequestListener#onRequest},
 * {@link ZmqMessageListener#onMessage}, {@link ZmqBatchListener#onMessages}, or the {@link OnZmqMessage} method of a
 * {@link ZmqListener} bean (found on the bean class the container reports), converting the
 * argument and return value.
 */
final class ListenerInvoker {
    private static final Method ON_REQUEST;
    private static final Method ON_MESSAGE;
    private static final Method ON_MESSAGES;

    static {
        try {
            ON_REQUEST = ZmqRequestListener.class.getMethod("onRequest", ZmqMessage.class);
            ON_MESSAGE = ZmqMessageListener.class.getMethod("onMessage", ZmqMessage.class);
            ON_MESSAGES = ZmqBatchListener.class.getMethod("onMessages", List.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Method annotated;

    /**
     * @param endpointClass the bean class as reported by the container, or null when unknown
     */
    ListenerInvoker(Class<?> endpointClass) {
        this.annotated = endpointClass == null ? null : findAnnotated(endpointClass);
    }

    /**
     * @param endpointClass a bean class
     * @return its {@link OnZmqMessage} method, or null
     * @throws IllegalArgumentException when there are several, or its signature is not supported
     */
    static Method findAnnotated(Class<?> endpointClass) {
        Method found = null;
        for (Class<?> c = endpointClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(OnZmqMessage.class)) {
                    continue;
                }
                if (found != null && !found.getName().equals(m.getName())) {
                    throw new IllegalArgumentException(endpointClass.getName()
                            + " has more than one @OnZmqMessage method");
                }
                if (found != null) {
                    continue;
                }
                Class<?>[] p = m.getParameterTypes();
                Class<?> r = m.getReturnType();
                if (!Modifier.isPublic(m.getModifiers()) || p.length != 1 || !convertible(p[0])
                        || !(r == void.class || convertible(r))) {
                    throw new IllegalArgumentException("@OnZmqMessage method " + m + " must be public and take one "
                            + "ZmqMessage, String or byte[] (and return void, ZmqMessage, String or byte[])");
                }
                found = m;
            }
        }
        return found;
    }

    private static boolean convertible(Class<?> t) {
        return t == ZmqMessage.class || t == String.class || t == byte[].class;
    }

    /**
     * @param endpoint the endpoint about to be called
     * @return the method that {@link #invoke} calls on it, for beforeDelivery and isDeliveryTransacted
     * @throws IllegalStateException when the endpoint implements no zconn listener
     */
    Method method(MessageEndpoint endpoint) {
        if (endpoint instanceof ZmqRequestListener) {
            return ON_REQUEST;
        }
        if (endpoint instanceof ZmqMessageListener) {
            return ON_MESSAGE;
        }
        if (endpoint instanceof ZmqBatchListener) {
            return ON_MESSAGES;
        }
        if (endpoint instanceof ZmqListener && annotated != null) {
            return annotated;
        }
        throw new IllegalStateException("the endpoint implements no zconn listener"
                + (endpoint instanceof ZmqListener ? " (ZmqListener bean without an @OnZmqMessage method)" : ""));
    }

    /**
     * @param endpoint the endpoint
     * @param method   as returned by {@link #method}
     * @param message  the message
     * @return the listener's reply, or null
     * @throws Throwable what the listener threw
     */
    ZmqMessage invoke(MessageEndpoint endpoint, Method method, ZmqMessage message) throws Throwable {
        if (ON_MESSAGES.equals(method)) {
            ((ZmqBatchListener) endpoint).onMessages(List.of(message));
            return null;
        }
        if (ON_REQUEST.equals(method)) {
            return ((ZmqRequestListener) endpoint).onRequest(message);
        }
        if (ON_MESSAGE.equals(method)) {
            ((ZmqMessageListener) endpoint).onMessage(message);
            return null;
        }
        Object arg = toArgument(message, method.getParameterTypes()[0]);
        Object result;
        if (method.getDeclaringClass().isInstance(endpoint)) {
            try {
                result = method.invoke(endpoint, arg);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        } else if (Proxy.isProxyClass(endpoint.getClass())) {
            // A container proxy implementing only the marker interface: its handler resolves the bean method.
            InvocationHandler h = Proxy.getInvocationHandler(endpoint);
            result = h.invoke(endpoint, method, new Object[] {arg});
        } else {
            Method m = endpoint.getClass().getMethod(method.getName(), method.getParameterTypes());
            try {
                result = m.invoke(endpoint, arg);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        return toReply(result);
    }

    /**
     * @param endpoint the endpoint
     * @param method   as returned by {@link #method}
     * @param messages the batch
     * @throws Throwable what the listener threw
     * @throws IllegalStateException when the endpoint is no {@link ZmqBatchListener}
     */
    void invokeBatch(MessageEndpoint endpoint, Method method, List<ZmqMessage> messages) throws Throwable {
        if (!ON_MESSAGES.equals(method)) {
            throw new IllegalStateException("a batch for an endpoint that is no ZmqBatchListener: " + method);
        }
        ((ZmqBatchListener) endpoint).onMessages(messages);
    }

    /**
     * @param endpointClass the bean class, or null when unknown
     * @return whether its listener is a {@link ZmqBatchListener} (and no single-message listener)
     */
    static boolean isBatchListener(Class<?> endpointClass) {
        return endpointClass != null && ZmqBatchListener.class.isAssignableFrom(endpointClass)
                && !ZmqMessageListener.class.isAssignableFrom(endpointClass)
                && !ZmqRequestListener.class.isAssignableFrom(endpointClass);
    }

    private static Object toArgument(ZmqMessage m, Class<?> type) {
        if (type == ZmqMessage.class) {
            return m;
        }
        if (type == String.class) {
            return m.text(0);
        }
        return m.frame(0);
    }

    private static ZmqMessage toReply(Object result) {
        if (result == null) {
            return null;
        }
        if (result instanceof ZmqMessage m) {
            return m;
        }
        if (result instanceof String s) {
            return ZmqMessage.of(s.getBytes(StandardCharsets.UTF_8));
        }
        if (result instanceof byte[] b) {
            return ZmqMessage.of(b);
        }
        throw new IllegalStateException("unsupported listener return type " + result.getClass().getName());
    }
}
