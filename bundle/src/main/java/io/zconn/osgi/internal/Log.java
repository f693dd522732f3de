package io.zconn.osgi.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The bundle's log messages, numbered so that operators can search for them. Uses the JDK's
 * {@link System.Logger}, which needs no import: on a plain framework it writes through
 * java.util.logging; in Karaf, pax-logging picks it up.
 */
final class Log {
    private static final Logger LOG = System.getLogger("io.zconn.osgi");

    private Log() {
    }

    static void contextStarted(int ioThreads) {
        LOG.log(Level.INFO, "ZCONN-100 zconn context started with {0} I/O thread(s)", ioThreads);
    }

    static void contextClosed() {
        LOG.log(Level.INFO, "ZCONN-101 zconn context closed");
    }

    static void socketOpened(String name, Object type, Object endpoints) {
        LOG.log(Level.INFO, "ZCONN-110 socket ''{0}'' ({1}) registered on {2}", name, type, endpoints);
    }

    static void socketReconfigured(String name, Object endpoints) {
        LOG.log(Level.INFO, "ZCONN-111 socket ''{0}'' reconfigured, now on {1}", name, endpoints);
    }

    static void socketClosed(String name) {
        LOG.log(Level.INFO, "ZCONN-112 socket ''{0}'' closed and unregistered", name);
    }

    static void badConfiguration(String pid, String reason) {
        LOG.log(Level.ERROR, "ZCONN-120 bad zconn socket configuration {0}: {1}; no socket was created"
                + " for it, other sockets are not affected", pid, reason);
    }

    static void socketFailed(String name, String reason) {
        LOG.log(Level.ERROR, "ZCONN-121 socket ''{0}'' could not be set up: {1}; it is not registered,"
                + " other sockets are not affected", name, reason);
    }

    static void duplicateName(String name, String pid) {
        LOG.log(Level.ERROR, "ZCONN-122 configuration {1} names socket ''{0}'', which already exists;"
                + " socket names must be unique", name, pid);
    }

    static void listenerFailed(String name, Object listener, long failures, Throwable t) {
        LOG.log(Level.WARNING, "ZCONN-130 listener " + listener + " of socket '" + name + "' threw (failure #"
                + failures + "); delivery goes on", t);
    }

    static void receiveFailing(String name, Throwable t, long firstMs, long maxMs) {
        LOG.log(Level.WARNING, "ZCONN-131 delivery on socket '" + name + "' failed to receive; retrying with"
                + " back-off from " + firstMs + " ms up to " + maxMs + " ms (logged once until it recovers)", t);
    }

    static void replyFailed(String name, Throwable t) {
        LOG.log(Level.WARNING, "ZCONN-131 delivery on socket '" + name + "' could not send a reply", t);
    }

    static void requestListenerIgnored(String name, Object type) {
        LOG.log(Level.WARNING, "ZCONN-132 socket ''{0}'' is a {1}, which cannot reply: request listeners'"
                + " replies are dropped", name, type);
    }

    static void deliveryInterrupted(String thread, String listener, long graceMs) {
        LOG.log(Level.WARNING, "ZCONN-133 delivery thread {0} still runs listener {1} {2} ms after stop was"
                + " asked; interrupting it", thread, listener, graceMs);
    }

    static void threadLeft(String thread, String listener, Throwable stack) {
        LOG.log(Level.ERROR, "ZCONN-134 delivery thread " + thread + " is stuck in listener " + listener
                + ", which ignores interrupts; the thread ends as soon as that call returns and calls no"
                + " listener again", stack);
    }

    static void deliveryCutShort(String name, Object listener) {
        LOG.log(Level.WARNING, "ZCONN-135 socket ''{0}'' stopped during a delivery: listener {1} and those"
                + " after it did not get the message in progress", name, listener);
    }

    static void receiveRecovered(String name, int failures, long millis) {
        LOG.log(Level.INFO, "ZCONN-136 delivery on socket ''{0}'' receives again after {1} failure(s) in {2} ms",
                name, failures, millis);
    }

    static void deliveryDied(String name, Throwable error) {
        LOG.log(Level.ERROR, "ZCONN-137 delivery on socket '" + name + "' ended on a fatal error; it receives"
                + " nothing more until the socket is reconfigured or its listeners change", error);
    }

    static void messageNotDelivered(String name, String what, long droppedSoFar, Throwable cause) {
        LOG.log(Level.WARNING, "ZCONN-138 a message received by socket '" + name + "' was not delivered and is "
                + what + " (" + droppedSoFar + " dropped so far)", cause);
    }

    static void drained(String name, long delivered, long dropped, long millis) {
        LOG.log(dropped > 0 ? Level.WARNING : Level.INFO, "ZCONN-139 socket ''{0}'' stopped its delivery: {1}"
                + " message(s) already received were delivered, {2} dropped, in {3} ms", name, delivered, dropped,
                millis);
    }

    static void zapHandler(Object handler) {
        LOG.log(Level.INFO, "ZCONN-140 ZAP handler service {0} authenticates the connections of domains without an"
                + " allow-list", handler == null ? "gone: none" : handler);
    }

    static void zapAllowList(String name, String domain, String allowList) {
        LOG.log(Level.INFO, "ZCONN-141 socket ''{0}'': ZAP domain ''{1}'' checks clients against its {2}", name, domain,
                allowList);
    }

    static void optionalFeature(String feature, String pkg, boolean on) {
        LOG.log(Level.INFO, on ? "ZCONN-150 {0} enabled: package {1} is wired"
                : "ZCONN-150 {0} disabled: package {1} is not available to this bundle (install it and refresh"
                        + " the bundle to enable them)", feature, pkg);
    }

    static void healthChecks(int sockets, Object tags) {
        LOG.log(Level.INFO, "ZCONN-151 health checks of zconn sockets registered (tags {1}); {0} socket(s) now",
                sockets, tags);
    }

    static void observerFailed(String name, Object observer, Throwable t) {
        LOG.log(Level.WARNING, "ZCONN-152 " + observer + " failed on an event of socket '" + name
                + "'; the other observers still get it", t);
    }

    static void eventAdminFailed(String name, String topic, Throwable t) {
        LOG.log(Level.WARNING, "ZCONN-153 could not send event " + topic + " of socket '" + name
                + "' to Event Admin; the next events are still sent", t);
    }

    static void eventAdmin(Object eventAdmin) {
        LOG.log(Level.INFO, "ZCONN-154 socket events go to Event Admin {0}", eventAdmin == null ? "(none now)"
                : eventAdmin);
    }
}
