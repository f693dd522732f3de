package io.zconn.engine.zmtp;

import java.util.Map;

/**
 * What a peer announced in its handshake.
 *
 * @param minorVersion ZMTP minor version (1: 3.1 with SUBSCRIBE/CANCEL commands, 0: 3.0)
 * @param socketType   its Socket-Type
 * @param routingId    its Identity, empty if none
 * @param properties    all its metadata (READY), case-insensitive names
 * @param zapProperties  what the mechanism established about it ({@link Mechanism#authProperties()}:
 *                       User-Id, ZAP metadata)
 */
@SuppressWarnings("ArrayRecordComponent") // a handshake's result, never compared or hashed
public record PeerInfo(int minorVersion, String socketType, byte[] routingId, Map<String, byte[]> properties,
                       Map<String, byte[]> zapProperties) {
    /**
     * A peer the mechanism established nothing about (NULL without ZAP).
     *
     * @param minorVersion ZMTP minor version
     * @param socketType   its Socket-Type
     * @param routingId    its Identity, empty if none
     * @param properties   all its metadata
     */
    public PeerInfo(int minorVersion, String socketType, byte[] routingId, Map<String, byte[]> properties) {
        this(minorVersion, socketType, routingId, properties, Map.of());
    }
}
