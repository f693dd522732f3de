package io.zconn.engine.zmtp;

import io.zconn.engine.SocketType;

/**
 * What a connection announces and accepts in its handshake.
 *
 * @param socketType             the local socket type
 * @param routingId              the Identity to announce (empty for none)
 * @param mechanism              the security mechanism
 * @param asServer               whether this side is the mechanism's server
 * @param maxMsgSize             largest frame accepted, -1 for no limit
 * @param handshakeTimeoutMillis how long the handshake may take, 0 for no limit
 */
@SuppressWarnings("ArrayRecordComponent") // configuration, never compared or hashed
public record HandshakeConfig(SocketType socketType, byte[] routingId, MechanismProvider mechanism,
                              boolean asServer, long maxMsgSize, int handshakeTimeoutMillis) {
}
