package io.zconn.osgi.internal;

import io.zconn.osgi.MessageListener;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.ZconnConstants;

import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The whiteboard: {@link MessageListener} and {@link RequestListener} services with a
 * {@code zconn.socket} property are attached to the socket of that name, whenever it exists.
 */
@Component(service = {})
public final class ListenerWhiteboard {
    private static final String TARGET = "(" + ZconnConstants.LISTENER_SOCKET + "=*)";

    private final SocketManager manager;

    @org.osgi.service.component.annotations.Activate
    public ListenerWhiteboard(@Reference SocketManager manager) {
        this.manager = manager;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void addMessageListener(MessageListener listener, Map<String, Object> props) {
        manager.addListener(socketName(props), listener, serviceId(props), ranking(props));
    }

    void removeMessageListener(MessageListener listener, Map<String, Object> props) {
        manager.removeListener(socketName(props), listener);
    }

    void updatedMessageListener(MessageListener listener, Map<String, Object> props) {
        manager.removeListenerEverywhere(listener);
        addMessageListener(listener, props);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = TARGET)
    void addRequestListener(RequestListener listener, Map<String, Object> props) {
        manager.addListener(socketName(props), listener, serviceId(props), ranking(props));
    }

    void removeRequestListener(RequestListener listener, Map<String, Object> props) {
        manager.removeListener(socketName(props), listener);
    }

    void updatedRequestListener(RequestListener listener, Map<String, Object> props) {
        manager.removeListenerEverywhere(listener);
        addRequestListener(listener, props);
    }

    private static String socketName(Map<String, Object> props) {
        return String.valueOf(props.get(ZconnConstants.LISTENER_SOCKET));
    }

    private static long serviceId(Map<String, Object> props) {
        Object id = props.get(Constants.SERVICE_ID);
        return id instanceof Long l ? l : 0L;
    }

    private static int ranking(Map<String, Object> props) {
        Object r = props.get(Constants.SERVICE_RANKING);
        return r instanceof Integer i ? i : 0;
    }
}
