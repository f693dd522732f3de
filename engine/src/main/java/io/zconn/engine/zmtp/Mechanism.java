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

    /** @return why the handshake failed, when {@link #status()} is ERROR */
    String errorReason();

    /**
     * @return the exception to fail the handshake with when {@link #status()} is ERROR: by default
     *         a {@link ZmtpException} with {@link #errorReason()}
     */
    default ZmtpException failure() {
        return new ZmtpException(errorReason());
    }

    /**
     * The properties authentication gave the connection, which take precedence over the peer's
     * own: {@code User-Id} and a ZAP handler's metadata, as in libzmq.
     *
     * @return them, case-insensitive names; empty when the mechanism authenticates nothing
     */
    default Map<String, byte[]> authProperties() {
        return Map.of();
    }

    /** The handshake ended (succeeded, failed or the connection closed): release what is pending. */
    default void close() {
    }

    /**
     * @return whether the handshake hands this mechanism its commands unparsed (every command but ERROR
     *         as {@link Command.Unknown}): CURVE's READY holds a box, not metadata
     */
    default boolean rawCommands() {
        return false;
    }

    /**
     * The layer the connection's data phase runs through once the handshake succeeded, put between
     * the network and the ZMTP engine: it sees the plain ZMTP frames the engine writes and must hand
     * up plain frames (CURVE boxes each frame in a MESSAGE command).
     *
     * @return the handler, or null when frames travel as they are (NULL, PLAIN)
     */
    default io.netty.channel.ChannelHandler dataLayer() {
        return null;
    }
}
