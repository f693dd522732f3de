package io.zconn.osgi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the socket events sent to Event Admin, PID {@code io.zconn.events}. */
@ObjectClassDefinition(id = EventPublisher.PID, name = "zconn socket events",
        description = "Sends the zconn sockets' connection events to Event Admin as topics io/zconn/socket/<EVENT>."
                + " Active only when Event Admin's API is installed; events are sent while an Event Admin runs.")
@interface EventsConfig {
    /** @return the event types sent */
    @AttributeDefinition(name = "Event types", description = "The event types to send, e.g. CONNECTED,"
            + " DISCONNECTED, ACCEPTED, HANDSHAKE_FAILED_AUTH; empty: all of them.")
    String[] event_types() default {};
}
