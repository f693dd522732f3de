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
        log(Level.WARNING, 13, "delivery by {0} failed after {1} attempt(s) ({2} failed so far): {3}", cause,
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
     * The receive loop of an activation failed; logged once per failure streak.
     *
     * @param name    activation
     * @param cause   the first failure of the streak
     * @param firstMs first pause
     * @param maxMs   largest pause
     */
    public static void receiveLoopFailing(String name, Throwable cause, long firstMs, long maxMs) {
        log(Level.SEVERE, 15, "receive loop of {0} failed: {1}; retrying with back-off from {2} ms up to {3} ms"
                + " (logged once until it recovers)", cause, name, cause, firstMs, maxMs);
    }

    /**
     * @param name     activation
     * @param failures failures in the streak
     * @param millis   how long the streak lasted
     */
    public static void receiveLoopRecovered(String name, int failures, long millis) {
        info(19, "receive loop of {0} recovered after {1} failure(s) in {2} ms", name, failures, millis);
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

    /**
     * @param name     activation
     * @param endpoint dead-letter endpoint
     * @param dropped  messages dropped so far
     * @param reason   why the dead letter was not queued
     */
    public static void deadLetterFailed(String name, String endpoint, long dropped, Object reason) {
        log(Level.WARNING, 40, "message of {0} could not be sent to dead-letter endpoint {1} and is dropped"
                + " ({2} dropped so far): {3}", reason instanceof Throwable t ? t : null, name, endpoint, dropped,
                reason);
    }

    /**
     * @param name    activation
     * @param reason  why the message could not be delivered
     * @param dropped messages dropped so far
     * @param cause   failure, or null
     */
    public static void messageDropped(String name, String reason, long dropped, Throwable cause) {
        log(Level.WARNING, 41, "message received by {0} dropped (no dead-letter endpoint): {1} ({2} dropped so"
                + " far){3}", cause, name, reason, dropped, cause == null ? "" : ": " + cause);
    }

    /**
     * @param name         activation
     * @param delivered    queued messages delivered while draining
     * @param deadLettered messages dead-lettered while draining
     * @param dropped      messages dropped while draining
     * @param millis       how long deactivation took
     */
    public static void drained(String name, long delivered, long deadLettered, long dropped, long millis) {
        log(dropped > 0 ? Level.WARNING : Level.INFO, 42, "deactivation of {0} drained the messages already"
                + " received: {1} delivered, {2} dead-lettered, {3} dropped, in {4} ms", null, name, delivered,
                deadLettered, dropped, millis);
    }

    /**
     * @param name  activation
     * @param error the fatal error
     */
    public static void activationFailed(String name, Throwable error) {
        log(Level.SEVERE, 43, "receive loop of {0} died of a fatal error; the activation receives nothing more"
                + " until it is redeployed: {1}", error, name, error);
    }

    /**
     * @param name    activation
     * @param running listener invocations still running
     */
    public static void invocationsStillRunning(String name, int running) {
        warn(44, "{0}: {1} listener invocation(s) still running after deactivation; no new invocation starts,"
                + " and their endpoints are released when they return", name, running);
    }

    /**
     * @param name  activation
     * @param cause what release() threw
     */
    public static void endpointReleaseFailed(String name, Throwable cause) {
        log(Level.WARNING, 45, "{0}: MessageEndpoint.release() failed: {1}", cause, name, cause);
    }

    /** @param name activation whose receive loop was interrupted */
    public static void receiveLoopInterrupted(String name) {
        log(Level.SEVERE, 46, "receive loop of {0} was interrupted; the activation receives nothing more until it"
                + " is redeployed", null, name);
    }

    /**
     * @param what    shared socket
     * @param dropped replies discarded so far
     */
    public static void lateReplyDiscarded(String what, long dropped) {
        log(Level.FINE, 24, "{0}: discarded a reply whose request had timed out ({1} so far)", null, what, dropped);
    }

    /**
     * A message held for its transaction could not be sent after the commit (it is lost).
     *
     * @param what   connection factory
     * @param index  position of the message among the transaction's messages (1 = first)
     * @param total  messages the transaction sent through this factory
     * @param failed such failures so far
     * @param cause  failure
     */
    public static void sendAfterCommitFailed(String what, int index, int total, long failed, Throwable cause) {
        log(Level.SEVERE, 25, "{0}: message {1} of {2} held for a committed transaction could not be sent and is"
                + " lost ({3} lost so far): {4}", cause, what, index, total, failed, cause);
    }

    /** @param cause why the I/O work could not start */
    public static void workRejected(Throwable cause) {
        log(Level.SEVERE, 30, "the WorkManager refused zconn work: {0}", cause, cause);
    }

    /**
     * Work the adapter asked for while it stops (a closing socket's last events), refused by a server
     * that is tearing the adapter down: nothing waits for it, so not an error (the cause at FINE).
     *
     * @param cause the WorkManager's refusal
     */
    public static void workRefusedWhileStopping(Throwable cause) {
        log(Level.INFO, 31, "the WorkManager refused zconn work while the adapter stops (a closing socket''s last "
                + "events are not delivered): {0}", cause, cause);
    }

    /**
     * @param name    activation
     * @param domain  ZAP domain
     * @param handler the allow-list (counts only, never a password)
     */
    public static void zapAllowList(String name, String domain, Object handler) {
        info(47, "{0}: ZAP domain ''{1}'' checks clients against its {2}", name, domain, handler);
    }

    // --- security inflow: the server's realm and caller identity (ZCONNRA0050-0053) ---

    /**
     * @param name   activation
     * @param domain ZAP domain
     */
    public static void containerRealm(String name, String domain) {
        info(50, "{0}: ZAP domain ''{1}'' checks PLAIN clients against the server''s security realm (security "
                + "inflow)", name, domain);
    }

    /**
     * A PLAIN client the server's realm refused (unknown user or wrong password; the password is never logged).
     *
     * @param name    activation
     * @param user    the username the client gave
     * @param address the client's address
     * @param refused refusals so far
     */
    public static void containerRealmRefused(String name, String user, String address, long refused) {
        warn(51, "{0}: the server''s realm refused PLAIN user ''{1}'' from {2} (unknown user or wrong password; {3}"
                + " refused so far)", name, user, address.isEmpty() ? "a local peer" : address, refused);
    }

    /**
     * The server's realm could not be asked about a PLAIN client, which is refused.
     *
     * @param name   activation
     * @param user   the username the client gave
     * @param status the ZAP status the client got (300: may try again; 500)
     * @param why    what went wrong (never a password)
     * @param failed such failures so far
     */
    public static void containerRealmUnavailable(String name, String user, int status, String why, long failed) {
        warn(52, "{0}: could not check PLAIN user ''{1}'' with the server''s realm, refused with ZAP status {2}: {3}"
                + " ({4} so far)", name, user, String.valueOf(status), why, failed);
    }

    /** @param name activation */
    public static void runAsUserId(String name) {
        info(53, "{0}: deliveries run as the peer''s User-Id (security inflow caller principal)", name);
    }

    // ---- statistics (ZCONNRA0060-0069) ---------------------------------------------------------

    /**
     * A statistics MBean could not be registered; the adapter works on without it.
     *
     * @param name   the MBean's name
     * @param reason why (a Throwable or a text)
     */
    public static void mbeanNotRegistered(String name, Object reason) {
        warn(60, "statistics MBean {0} not registered: {1}", name, reason);
    }

    /**
     * @param name  the MBean's name
     * @param cause why it could not be unregistered
     */
    public static void mbeanNotUnregistered(String name, Throwable cause) {
        warn(61, "statistics MBean {0} not unregistered: {1}", name, cause);
    }

    // ---- peers: readiness gate and connection listeners (ZCONNRA0070-0079) ----------------------

    /**
     * The first send on a connection found fewer peers than {@code requirePeers} in time; it failed.
     *
     * @param name      the connection
     * @param required  requirePeers
     * @param attached  peers attached when the wait ended
     * @param timeoutMs requirePeersTimeout
     */
    public static void requiredPeersMissing(String name, int required, int attached, int timeoutMs) {
        warn(70, "{0}: only {1} of the {2} peers required (requirePeers) attached within {3} ms "
                + "(requirePeersTimeout); the send failed and nothing was sent", name, attached, required, timeoutMs);
    }

    /**
     * The outbound send cannot reach the messages' own frames (a class loader arrangement that
     * refuses the private lookup): each send copies its frames, as it always did; nothing else changes.
     *
     * @param cause why the lookup failed
     */
    public static void noCopyFreeSend(Throwable cause) {
        log(Level.INFO, 72, "sends copy each frame (the copy-free path is not available: {0})", cause,
                String.valueOf(cause));
    }

    /**
     * An application's connection listener threw; it keeps getting events.
     *
     * @param name  whose listener
     * @param event the event it was told
     * @param cause what it threw
     */
    public static void connectionListenerFailed(String name, String event, Throwable cause) {
        log(Level.WARNING, 71, "{0}: a connection listener threw on {1}: {2}", cause, name, event, cause);
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
