package io.zconn.engine.zmtp;

import java.util.Map;

/**
 * What a peer announced in its handshake.
 *
 * @param minorVersion ZMTP minor version (1: 3.1 with SUBSCRIBE/CANCEL commands, 0: 3.0)
 * @param socketType   its Socket-Type
 * @param routingId    its Identity, empty if none
 * @param properties   all its metadata, case-insensitive names
 */
@SuppressWarnings("ArrayRecordComponent") // a handshake's result, never compared or hashed
public record PeerInfo(int minorVersion, String socketType, byte[] routingId, Map<String, byte[]> properties) {
}
