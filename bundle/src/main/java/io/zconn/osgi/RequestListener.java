package io.zconn.osgi;

import io.zconn.engine.Message;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard request handler: register a service of this type with the property
 * {@code zconn.socket=<socket name>} and the message it returns is sent back as the reply.
 *
 * <ul>
 * <li>REP: the returned message is the reply. A {@code null} return or an exception sends an empty
 * reply, because a REP socket must answer before it can receive again.</li>
 * <li>ROUTER: the request is passed without its envelope (routing id and delimiter) and the reply
 * is routed back to the peer that asked; {@code null} or an exception sends nothing.</li>
 * <li>DEALER and PAIR: a non-null return is sent as is.</li>
 * <li>Receive-only types (PULL, SUB, XSUB): the return value is ignored.</li>
 * </ul>
 *
 * <p>When several request listeners name the same socket, the one with the highest service ranking
 * answers. Exceptions are logged and counted; delivery goes on.
 */
@ConsumerType
@FunctionalInterface
public interface RequestListener {
    /**
     * @param request the request, without routing envelope
     * @return the reply, or null for none (an empty reply on REP)
     * @throws Exception logged and counted
     */
    Message onRequest(Message request) throws Exception;
}
