package io.zconn.ra;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The adapter's numbered log messages ({@code ZCONNRA0nnn}), in one place so that operators can
 * search for them and tests can rely on them. Logged through {@code java.util.logging} under the
 * logger {@code io.zconn.ra}, which application servers route to their own log.
 */
public final class RaLog {
    private static final Logger LOG = Logger.getLogger("io.zconn.ra");

    private RaLog() {
    }

    /** @param ioThreads I/O thread count */
    public static void adapterStarted(int ioThreads, boolean workManager) {
        info(1, "zconn resource adapter started ({0} I/O thread(s), threads from {1})",
                ioThreads, workManager ? "the WorkManager" : "zconn");
    }

    /** Adapter stopped. */
    public static void adapterStopped() {
        info(2, "zconn resource adapter stopped");
    }

    /**
     * @param name  activation description
     */
    public static void activationStarted(String name) {
        info(10, "activation started: {0}", name);
    }

    /** @param name activation description */
    public static void activationStopped(String name) {
        info(11, "activation stopped: {0}", name);
    }

    /**
     * @param name    activation
     * @param attempt attempt number (1 = first delivery)
     * @param cause   failure
     */
    public static void deliveryFailed(String name, int attempt, Throwable cause) {
        log(Level.FINE, 12, "delivery attempt {1} failed on {0}: {2}", cause, name, attempt, cause);
    }

    /**
     * @param name     activation
     * @param attempts attempts made
     * @param failed   total failed deliveries so far
     * @param cause    last failure
     */
    public static void deliveryAbandoned(String name, int attempts, long failed, Throwable cause) {
        log(Level.WARNING, 13, "message dropped by {0} after {1} attempt(s) ({2} failed so far): {3}", cause,
                name, attempts, failed, cause);
    }

    /**
     * @param name     activation
     * @param endpoint dead-letter endpoint
     */
    public static void deadLettered(String name, String endpoint) {
        info(14, "failed message from {0} sent to dead-letter endpoint {1}", name, endpoint);
    }

    /**
     * @param name  activation
     * @param cause why the receive loop stopped
     */
    public static void receiveLoopFailed(String name, Throwable cause) {
        log(Level.SEVERE, 15, "receive loop of {0} stopped on an error: {1}", cause, name, cause);
    }

    /**
     * @param name  activation
     * @param cause failure
     */
    public static void replyFailed(String name, Throwable cause) {
        log(Level.WARNING, 16, "reply could not be sent by {0}: {1}", cause, name, cause);
    }

    /**
     * @param name activation
     * @param type socket type
     */
    public static void replyIgnored(String name, String type) {
        info(17, "{0}: a {1} activation cannot send replies; the listener''s return value is ignored", name, type);
    }

    /** @param name activation whose in-flight deliveries did not finish in time */
    public static void deactivationTimedOut(String name) {
        warn(18, "{0}: deliveries still running when deactivation gave up waiting", name);
    }

    /**
     * @param key shared socket description
     */
    public static void sharedSocketOpened(String key) {
        info(20, "shared bound socket opened: {0}", key);
    }

    /** @param key shared socket description */
    public static void sharedSocketClosed(String key) {
        info(21, "shared bound socket closed: {0}", key);
    }

    /**
     * @param what  managed connection
     * @param cause failure
     */
    public static void connectionFailed(String what, Throwable cause) {
        log(Level.WARNING, 22, "{0} failed and leaves the pool: {1}", cause, what, cause);
    }

    /** @param what what was leaked */
    public static void handleNotClosed(String what) {
        warn(23, "connection handle was not closed by the application: {0}", what);
    }

    /** @param cause why the I/O work could not start */
    public static void workRejected(Throwable cause) {
        log(Level.SEVERE, 30, "the WorkManager refused zconn work: {0}", cause, cause);
    }

    private static void info(int id, String msg, Object... args) {
        log(Level.INFO, id, msg, null, args);
    }

    private static void warn(int id, String msg, Object... args) {
        log(Level.WARNING, id, msg, null, args);
    }

    private static void log(Level level, int id, String msg, Throwable cause, Object... args) {
        if (!LOG.isLoggable(level)) {
            return;
        }
        String text = String.format("ZCONNRA%04d: ", id)
                + java.text.MessageFormat.format(msg, args);
        if (cause != null && (level.intValue() >= Level.SEVERE.intValue() || LOG.isLoggable(Level.FINE))) {
            LOG.log(level, text, cause);
        } else {
            LOG.log(level, text);
        }
    }
}
