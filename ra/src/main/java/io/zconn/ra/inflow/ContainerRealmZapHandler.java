package io.zconn.ra.inflow;

import io.zconn.engine.ZapHandler;
import io.zconn.ra.RaLog;
import io.zconn.ra.SecurityInflow;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ZAP handler whose PLAIN verdicts are the application server's: each username and password is
 * checked against the realm of the security domain the server uses for the adapter's work, through
 * security inflow ({@link SecurityInflow#validate}). The User-Id of an accepted connection is the
 * username. Runs on the engine's ZAP threads (never an I/O thread) and waits for the server at most
 * {@code timeout}.
 *
 * <p>Replies, after RFC 27: 200 for a valid user; 400 for an unknown user or a wrong password (logged,
 * ZCONNRA0051, with the user and address, never the password); 300 (temporary: the client may try
 * again) when the server did not answer in time; 500 when the check could not be made (ZCONNRA0052).
 * Other mechanisms are refused (400): this handler only speaks for PLAIN.
 */
final class ContainerRealmZapHandler implements ZapHandler {
    private final SecurityInflow inflow;
    private final String name;
    private final Duration timeout;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param inflow  the server's security
     * @param name    the activation, for logs
     * @param timeout how long one check may take
     */
    ContainerRealmZapHandler(SecurityInflow inflow, String name, Duration timeout) {
        this.inflow = inflow;
        this.name = name;
        this.timeout = timeout;
    }

    @Override
    public Reply authenticate(Request request) {
        if (!"PLAIN".equals(request.mechanism())) {
            refused.incrementAndGet();
            return Reply.deny(request.mechanism() + " connections are not checked by the server's realm (PLAIN only)");
        }
        String user = request.username();
        SecurityInflow.Verdict v = inflow.validate(user, request.password().toCharArray(), timeout);
        switch (v.outcome()) {
            case VALID -> {
                accepted.incrementAndGet();
                return Reply.accept(user);
            }
            case INVALID -> {
                long n = refused.incrementAndGet();
                RaLog.containerRealmRefused(name, user, request.address(), n);
                return Reply.deny("PLAIN user '" + user + "' refused by the server's realm");
            }
            case TIMEOUT -> {
                long n = failed.incrementAndGet();
                RaLog.containerRealmUnavailable(name, user, 300, v.detail(), n);
                return new Reply(300, "the server's realm did not answer in time", "", Map.of());
            }
            default -> {
                long n = failed.incrementAndGet();
                RaLog.containerRealmUnavailable(name, user, 500, v.detail(), n);
                return new Reply(500, "the server's realm could not be asked", "", Map.of());
            }
        }
    }

    /** @return connections accepted */
    long accepted() {
        return accepted.get();
    }

    /** @return connections refused (unknown user, wrong password, not PLAIN) */
    long refused() {
        return refused.get();
    }

    /** @return checks that could not be made or timed out */
    long failed() {
        return failed.get();
    }

    @Override
    public String toString() {
        return "the server's security realm (security inflow, " + timeout.toMillis() + " ms per check)";
    }
}
