package io.zconn.ra.outbound;

import io.zconn.engine.SocketEvent;
import io.zconn.ra.api.ZmqConnectionEvent;

/** Turns the engine's socket events into the application's {@link ZmqConnectionEvent}s. */
final class ConnectionEvents {
    private ConnectionEvents() {
    }

    /**
     * @param e one of the events {@link io.zconn.ra.stats.PeerStats} passes on
     * @return the same for the application
     */
    static ZmqConnectionEvent of(SocketEvent e) {
        ZmqConnectionEvent.Type t = switch (e.type()) {
            case CONNECTED -> ZmqConnectionEvent.Type.CONNECTED;
            case ACCEPTED -> ZmqConnectionEvent.Type.ACCEPTED;
            case DISCONNECTED -> ZmqConnectionEvent.Type.DISCONNECTED;
            case CONNECT_RETRIED -> ZmqConnectionEvent.Type.RECONNECT_SCHEDULED;
            default -> throw new IllegalArgumentException("not a connection event: " + e);
        };
        return new ZmqConnectionEvent(t, e.endpoint(), e.peerAddress());
    }
}
