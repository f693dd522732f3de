package io.zconn.osgi.internal;

import io.zconn.engine.SocketType;
import io.zconn.support.ReplyPolicy;

import java.util.Map;

/**
 * A configured socket's delivery to its whiteboard listeners, as the resource adapter configures
 * its activations: retries of a failed delivery, the answer a failed request gets, and where
 * messages go whose delivery failed for good (see {@link io.zconn.support.DeliverySettings},
 * {@link ReplyPolicy}, {@link io.zconn.support.DeadLetters}).
 *
 * @param maxRetries         retries of a delivery whose listener threw (0 to 100; a retry calls every
 *                           listener of the socket again, also those that succeeded)
 * @param retryIntervalMs    pause before a retry, on the delivery thread (0 to 60000 ms)
 * @param replyOnFailure     what a request whose request listener failed gets
 * @param deadLetterEndpoint where a message goes after its last failed attempt, or empty to drop it
 *                           (counted and logged, ZCONN-138)
 */
record DeliveryConfig(int maxRetries, long retryIntervalMs, ReplyPolicy replyOnFailure, String deadLetterEndpoint) {
    static final String MAX_RETRIES = "delivery.max.retries";
    static final String RETRY_INTERVAL = "delivery.retry.interval";
    static final String REPLY_ON_FAILURE = "delivery.reply.on.failure";
    static final String DEAD_LETTER_ENDPOINT = "delivery.dead.letter.endpoint";
    static final int MAX_RETRIES_LIMIT = 100;
    static final long RETRY_INTERVAL_LIMIT_MS = 60_000;

    /** No retries, an empty reply for a failed request, no dead letters: the bundle's behaviour before these settings. */
    static final DeliveryConfig DEFAULT = new DeliveryConfig(0, 100, ReplyPolicy.DEFAULT, "");

    /**
     * Reads the settings of a socket configuration; absent or blank keys keep {@link #DEFAULT}'s value.
     *
     * @param props the configuration's properties
     * @param type  the socket's type
     * @return the settings
     * @throws IllegalArgumentException naming the property when a value is wrong
     */
    static DeliveryConfig fromProperties(Map<String, ?> props, SocketType type) {
        int retries = (int) number(props, MAX_RETRIES, DEFAULT.maxRetries, MAX_RETRIES_LIMIT);
        long interval = number(props, RETRY_INTERVAL, DEFAULT.retryIntervalMs, RETRY_INTERVAL_LIMIT_MS);
        Object policy = props.get(REPLY_ON_FAILURE);
        ReplyPolicy reply = ReplyPolicy.parse(REPLY_ON_FAILURE, policy == null ? null : policy.toString());
        if (reply == ReplyPolicy.NONE && type == SocketType.REP) {
            // a REP socket must send before it can receive again: without an answer it would receive nothing more
            throw new IllegalArgumentException(REPLY_ON_FAILURE + "=NONE needs a ROUTER socket: a REP socket must"
                    + " answer every request before it receives the next one");
        }
        Object dl = props.get(DEAD_LETTER_ENDPOINT);
        String deadLetters = dl == null ? "" : dl.toString().strip();
        if (!deadLetters.isEmpty() && !deadLetters.matches("(tcp|ipc|inproc)://\\S+")) {
            throw new IllegalArgumentException(DEAD_LETTER_ENDPOINT + ": '" + deadLetters + "' is not a tcp://, ipc://"
                    + " or inproc:// endpoint");
        }
        return new DeliveryConfig(retries, interval, reply, deadLetters);
    }

    private static long number(Map<String, ?> props, String key, long dflt, long max) {
        Object v = props.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number", e);
        }
        if (n < 0 || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is outside 0.." + max);
        }
        return n;
    }

    /** @return whether failed messages go to a dead-letter endpoint */
    boolean hasDeadLetters() {
        return !deadLetterEndpoint.isEmpty();
    }
}
