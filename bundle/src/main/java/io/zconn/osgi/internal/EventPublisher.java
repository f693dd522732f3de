package io.zconn.osgi.internal;

import io.zconn.engine.SocketEvent;
import io.zconn.osgi.ZconnConstants;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Sends the events of every managed socket to Event Admin, topic {@code io/zconn/socket/<TYPE>},
 * with the properties {@code zconn.name}, {@code zconn.type} (the socket type), {@code zconn.event},
 * {@code zconn.endpoint}, {@code zconn.value}, and {@code zconn.peer} / {@code zconn.routing.id}
 * where known (see {@link ZconnConstants}), plus {@code timestamp}.
 *
 * <p>Synchronously ({@code sendEvent}) on the socket's monitor thread: a slow handler delays only
 * that socket's events, and past the engine's bounded monitor queue those are dropped and counted
 * (an {@code EVENTS_DROPPED} event), so nothing here queues without bound (Event Admin's
 * {@code postEvent} queue has no bound). Event Admin is an optional, dynamic reference: events
 * that happen while there is none are not sent. Disabled unless Event Admin's API is wired (see
 * {@link OptionalFeatures}).
 */
@Component(name = EventPublisher.PID, configurationPid = EventPublisher.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false, immediate = true, service = {})
@Designate(ocd = EventsConfig.class)
public final class EventPublisher implements SocketObserver {
    /** Component name and configuration PID. */
    static final String PID = "io.zconn.events";

    private final SocketManager manager;
    private final Set<SocketEvent.Type> types;

    private volatile EventAdmin eventAdmin;

    @Activate
    public EventPublisher(@Reference SocketManager manager, EventsConfig config) {
        this(manager, types(config.event_types()));
    }

    EventPublisher(SocketManager manager, Set<SocketEvent.Type> types) {
        this.manager = manager;
        this.types = types;
        manager.addObserver(this);
    }

    @Deactivate
    void deactivate() {
        manager.removeObserver(this);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetEventAdmin")
    void setEventAdmin(EventAdmin ea) {
        eventAdmin = ea;
        Log.eventAdmin(ea);
    }

    void unsetEventAdmin(EventAdmin ea) {
        if (eventAdmin == ea) {
            eventAdmin = null;
            Log.eventAdmin(null);
        }
    }

    @Override
    public void event(ManagedSocket socket, SocketEvent e) {
        EventAdmin ea = eventAdmin;
        if (ea == null || !types.contains(e.type())) {
            return;
        }
        Event event = toEvent(socket.name(), socket.spec() == null ? null : socket.type().name(), e);
        try {
            ea.sendEvent(event);
        } catch (RuntimeException ex) {
            Log.eventAdminFailed(socket.name(), event.getTopic(), ex);
        }
    }

    /** The Event Admin event of a socket event. */
    static Event toEvent(String name, String socketType, SocketEvent e) {
        Map<String, Object> p = new HashMap<>();
        p.put(ZconnConstants.NAME, name);
        if (socketType != null) {
            p.put(ZconnConstants.TYPE, socketType);
        }
        p.put(ZconnConstants.EVENT_TYPE, e.type().name());
        p.put(ZconnConstants.EVENT_ENDPOINT, e.endpoint());
        p.put(ZconnConstants.EVENT_VALUE, e.value());
        if (e.peerAddress() != null) {
            p.put(ZconnConstants.EVENT_PEER, e.peerAddress());
        }
        byte[] id = e.routingId();
        if (id != null) {
            p.put(ZconnConstants.EVENT_ROUTING_ID, id);
        }
        p.put(EventConstants.TIMESTAMP, System.currentTimeMillis());
        return new Event(ZconnConstants.EVENT_TOPIC_PREFIX + e.type().name(), p);
    }

    /**
     * @param names event type names, any case; none means all
     * @return the types
     * @throws IllegalArgumentException for a name that is not an event type
     */
    static Set<SocketEvent.Type> types(String[] names) {
        if (names == null || names.length == 0) {
            return EnumSet.allOf(SocketEvent.Type.class);
        }
        Set<SocketEvent.Type> out = EnumSet.noneOf(SocketEvent.Type.class);
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                out.add(SocketEvent.Type.valueOf(n.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return out.isEmpty() ? EnumSet.allOf(SocketEvent.Type.class) : out;
    }

    @Override
    public String toString() {
        return "zconn Event Admin bridge";
    }
}
