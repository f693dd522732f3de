package io.zconn.engine.zmtp;

import java.util.Map;

/**
 * One side of a ZMTP security handshake (NULL, PLAIN, CURVE), as in libzmq's mechanism seam:
 * the handshake handler asks for commands to send, hands over commands received, and watches the
 * status until READY or ERROR.
 */
public interface Mechanism {
    /** Handshake progress. */
    enum Status {
        /** Still exchanging commands. */
        HANDSHAKING,
        /** Done: data frames may flow. */
        READY,
        /** Failed: see {@link #errorReason()}. */
        ERROR
    }

    /** @return the name sent in the greeting, e.g. {@code NULL} */
    String name();

    /** @return the next command to send now, or null when there is none */
    Command nextHandshakeCommand();

    /**
     * @param command a command received during the handshake
     * @throws io.zconn.engine.zmtp.ZmtpException when it breaks the mechanism's protocol
     */
    void processHandshakeCommand(Command command);

    /** @return where the handshake stands */
    Status status();

    /** @return the metadata the peer sent (Socket-Type, Identity, ...), case-insensitive names */
    Map<String, byte[]> peerProperties();

    /**
     * What this side established about the peer, beyond what the peer announced: libzmq's ZAP
     * properties, i.e. {@code User-Id} and the metadata a ZAP handler returned. They become part
     * of every received message's {@link io.zconn.engine.PeerMetadata} and take precedence over
     * the peer's READY properties of the same name. Read once, when the status is READY.
     *
     * @return the properties (case-insensitive names); none by default (NULL without ZAP)
     */
    default Map<String, byte[]> zapProperties() {
        return Map.of();
    }

    /** @return why the handshake failed, when {@link #status()} is ERROR */
    String errorReason();
}
