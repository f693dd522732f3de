package io.zconn.support;

import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.SocketType;

import java.util.Locale;

/**
 * What a request gets back after the listener was called, in particular when a request listener
 * (one that returns replies) failed.
 *
 * <p>The rules, the same for the resource adapter and the bundle:
 * <ul>
 * <li>REP: every request is answered, because the requester (REQ) can send nothing else until it
 *     has its reply. A listener that returned nothing (or a one-way listener) answers one empty
 *     frame. A failed request listener (after any retries) answers one empty frame with
 *     {@link #EMPTY}, the default; with {@link #NONE} it answers nothing and the requester waits
 *     for its own timeout.</li>
 * <li>ROUTER: the listener's reply, if any, goes back with the envelope; a failed request listener
 *     is answered as for REP ({@link #EMPTY}: one empty frame after the envelope). A one-way
 *     listener that fails owes no answer.</li>
 * <li>DEALER, PAIR: the listener's reply, if any, is sent; a failure sends nothing (there is no
 *     requester waiting on a lock-step protocol).</li>
 * <li>Other types send nothing.</li>
 * </ul>
 * Why an empty reply by default: a REQ peer left without an answer is stuck until it times out,
 * then has to close and reopen its socket (libzmq's "lazy pirate"); an empty reply frees it at once
 * and is easy to tell from a real answer. {@link #NONE} is for applications whose peers rely on
 * their timeout (e.g. to retry on another server).
 */
public enum ReplyPolicy {
    /** A failed listener's request is answered with one empty frame (the default). */
    EMPTY,
    /** A failed listener's request is not answered; the requester times out. */
    NONE;

    /** The policy used when none is configured. */
    public static final ReplyPolicy DEFAULT = EMPTY;

    /**
     * @param property the configuration property, for messages
     * @param text     {@code EMPTY} or {@code NONE} in any case; null or blank for {@link #DEFAULT}
     * @return the policy
     * @throws IllegalArgumentException naming the property and the allowed values
     */
    public static ReplyPolicy parse(String property, String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": '" + text.trim() + "' is not one of EMPTY, NONE", e);
        }
    }

    /**
     * @param role the socket's role (REP even when a ROUTER is used underneath)
     * @return whether a reply returned by a listener is sent back on such a socket
     */
    public static boolean canReply(SocketType role) {
        return role == SocketType.REP || role == SocketType.ROUTER || role == SocketType.DEALER
                || role == SocketType.PAIR;
    }

    /**
     * @param role   the socket's role (REP even when a ROUTER is used underneath)
     * @param reply  what the listener returned (null or no frames: nothing); ignored when it failed
     * @param failed whether a request listener (one that returns replies) failed, after any retries;
     *               false for a one-way listener, whatever happened
     * @return the reply's body to send (after the request's envelope), or null to send nothing
     */
    public Message answer(SocketType role, Message reply, boolean failed) {
        boolean given = !failed && reply != null && !reply.isEmpty();
        switch (role) {
            case REP:
                if (given) {
                    return reply;
                }
                return failed && this == NONE ? null : emptyReply();
            case ROUTER:
                if (given) {
                    return reply;
                }
                return failed && this == EMPTY ? emptyReply() : null;
            case DEALER:
            case PAIR:
                return given ? reply : null;
            default:
                return null;
        }
    }

    private static Message emptyReply() {
        return new Message().add(Frame.EMPTY);
    }
}
