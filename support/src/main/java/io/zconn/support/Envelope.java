package io.zconn.support;

import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.SocketType;

import java.util.List;

/**
 * A request split into its routing envelope and its body, so that the reply goes back along the
 * same route. The envelope follows libzmq's REP semantics: every frame up to and including the
 * first empty (delimiter) frame, so a request that crossed several ROUTER/DEALER hops
 * ({@code id2, id1, "", body...}) keeps its whole route. Per socket role:
 * <ul>
 * <li>{@code REP} served by a ROUTER underneath: the envelope is mandatory; a request without a
 *     delimiter is malformed ({@link #split} returns null; libzmq's REP drops such a message).</li>
 * <li>{@code ROUTER}: as REP; a request without a delimiter (a DEALER peer sending bare frames)
 *     has the routing id alone as its envelope.</li>
 * <li>{@code DEALER}: a leading empty frame (a REQ-style delimiter added by the peer) is the
 *     envelope when a body follows it; otherwise there is none.</li>
 * <li>any other type: no envelope.</li>
 * </ul>
 * A body frame that happens to be empty before any delimiter is, by these rules, taken as the
 * delimiter: exactly what a libzmq REP socket does with the same frames.
 *
 * @param frames the envelope's frames (possibly none), ending with the delimiter when there is one
 * @param body   the request without its envelope
 */
public record Envelope(List<Frame> frames, Message body) {

    /** Copies the frames. */
    public Envelope {
        frames = List.copyOf(frames);
    }

    /**
     * @param role    the socket's role: REP (even when a ROUTER is used underneath), ROUTER, DEALER, ...
     * @param request a received message (not modified)
     * @return the envelope and body, or null for a REP request without a delimiter frame
     */
    public static Envelope split(SocketType role, Message request) {
        int n = size(role, request);
        if (n < 0) {
            return null;
        }
        List<Frame> all = request.frames();
        return new Envelope(all.subList(0, n), new Message(all.subList(n, all.size())));
    }

    /**
     * @param body a message that carries no envelope (e.g. as received from a REP socket, which
     *             keeps the envelope itself)
     * @return an empty envelope around it
     */
    public static Envelope none(Message body) {
        return new Envelope(List.of(), body);
    }

    /**
     * @param role    the socket's role
     * @param request a received message
     * @return how many leading frames are envelope, or -1 for a REP request without a delimiter
     */
    public static int size(SocketType role, Message request) {
        switch (role) {
            case REP:
            case ROUTER:
                for (int i = 0; i < request.size(); i++) {
                    if (request.get(i).size() == 0) {
                        return i + 1;
                    }
                }
                return role == SocketType.REP ? -1 : Math.min(1, request.size());
            case DEALER:
                return request.size() > 1 && request.get(0).size() == 0 ? 1 : 0;
            default:
                return 0;
        }
    }

    /**
     * @return the properties of the connection the request came over (its {@code User-Id}, ...): those
     *         of the body, or of the envelope when the body has none; {@link PeerMetadata#EMPTY} when none
     */
    public PeerMetadata metadata() {
        PeerMetadata m = body.metadata();
        if (!m.isEmpty()) {
            return m;
        }
        for (Frame f : frames) {
            if (!f.metadata().isEmpty()) {
                return f.metadata();
            }
        }
        return PeerMetadata.EMPTY;
    }

    /**
     * @param reply the reply's body
     * @return the message to send: this envelope followed by the reply's frames
     */
    public Message join(Message reply) {
        Message out = new Message(frames);
        for (Frame f : reply) {
            out.add(f);
        }
        return out;
    }
}
