package io.zconn.engine.zmtp;

import io.zconn.engine.SocketType;

import java.util.Map;

/** Makes a {@link Mechanism} for each new connection. */
public interface MechanismProvider {
    /** @return the mechanism name announced in the greeting */
    String name();

    /**
     * @param type            the local socket type
     * @param localProperties metadata to announce (Socket-Type, Identity)
     * @param asServer        whether this side is the mechanism's server
     * @return a mechanism for one connection
     */
    Mechanism create(SocketType type, Map<String, byte[]> localProperties, boolean asServer);

    /**
     * Makes the mechanism for a connection whose session it may use (to ask a ZAP handler and be
     * resumed with the answer). By default, {@link #create(SocketType, Map, boolean)}.
     *
     * @param session the connection
     * @return a mechanism for it
     */
    default Mechanism create(HandshakeSession session) {
        return create(session.socketType(), session.localProperties(), session.asServer());
    }
}
