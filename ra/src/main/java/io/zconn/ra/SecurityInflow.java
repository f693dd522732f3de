package io.zconn.ra;

import jakarta.resource.spi.work.SecurityContext;
import jakarta.resource.spi.work.WorkContext;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.PasswordValidationCallback;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * The server's security, reached the portable way: Jakarta Connectors security inflow. Work
 * submitted to the WorkManager with a {@link SecurityContext}; the server calls
 * {@code setupSecurityContext} with its {@link CallbackHandler}, which answers Jakarta Authentication
 * callbacks against the security domain configured for the adapter's work (WildFly:
 * {@code wm-security=true}, {@code wm-elytron-security-domain}).
 * <ul>
 * <li>{@link #validate}: a {@link PasswordValidationCallback} (with the {@link CallerPrincipalCallback}
 *     of the same name, which WildFly needs to look at the password at all): the server checks the
 *     username and password against its realm and says yes or no.</li>
 * <li>{@link #caller}: the context that makes a piece of work (a delivery) run as a caller principal
 *     ({@link CallerPrincipalCallback} alone; on WildFly an identity of that name in the domain, without
 *     the realm's roles).</li>
 * <li>{@link #probe}: whether the server sets up such contexts for this adapter at all.</li>
 * </ul>
 * Nothing here holds a password longer than the check: it is a {@code char[]} cleared when the
 * callback handler returns, held by a transient field, and never logged.
 */
public final class SecurityInflow {
    private final WorkManagerExecutor executor;

    /** @param executor the adapter's WorkManager executor */
    public SecurityInflow(WorkManagerExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** What the server said about a username and password. */
    public enum Outcome {
        /** The realm knows the user and the password is right. */
        VALID,
        /** The realm refused: unknown user or wrong password (the server does not say which). */
        INVALID,
        /** No answer within the timeout (the WorkManager had no thread for the check). */
        TIMEOUT,
        /** The check could not be made: the server refused the work or its security context. */
        FAILED
    }

    /**
     * @param outcome the outcome
     * @param detail  for logs: why a check failed (never a password); empty otherwise
     */
    public record Verdict(Outcome outcome, String detail) {
    }

    /**
     * Asks the server's realm whether this password is the user's. Waits at most {@code timeout};
     * call it from a thread that may block (a ZAP handler's), never from an I/O thread.
     *
     * @param username the user
     * @param password the password; cleared before this returns
     * @param timeout  how long to wait for the server's answer
     * @return the verdict
     */
    public Verdict validate(String username, char[] password, Duration timeout) {
        PasswordCheck check = new PasswordCheck(username, password);
        return run(check, check.result, timeout);
    }

    /**
     * Checks that the server sets up security contexts for the adapter's work: runs one work item whose
     * context asks for nothing.
     *
     * @param timeout how long to wait
     * @return null when it does, otherwise why not (for the message that stops the activation)
     */
    public String probe(Duration timeout) {
        if (!executor.securityInflowSupported()) {
            return "the server does not support security inflow (BootstrapContext.isContextSupported(SecurityContext)"
                    + " is false)";
        }
        Probe p = new Probe();
        Verdict v = run(p, p.result, timeout);
        return v.outcome() == Outcome.VALID ? null : v.detail();
    }

    /**
     * @param userId the caller's name (a PLAIN username, a CURVE key in Z85)
     * @return a context that makes work run as this caller
     */
    public static WorkContext caller(String userId) {
        return new Caller(userId);
    }

    private Verdict run(SecurityContext context, CompletableFuture<Verdict> result, Duration timeout) {
        try {
            executor.schedule(() -> result.complete(new Verdict(Outcome.FAILED,
                            "the server ran the work without setting up its security context")),
                    cause -> result.complete(failed(cause)), List.of(context));
        } catch (RejectedExecutionException e) {
            return failed(e.getCause() != null ? e.getCause() : e);
        }
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Verdict(Outcome.TIMEOUT, "no answer from the server within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(Outcome.FAILED, "interrupted");
        } catch (ExecutionException e) {
            return failed(e.getCause());
        }
    }

    private static Verdict failed(Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new Verdict(Outcome.FAILED, "the server refused the security context: " + cause
                + (root != null && root != cause ? " (" + root + ")" : ""));
    }

    /** Checks a password; the verdict is known as soon as the server's handler returns. */
    private static final class PasswordCheck extends SecurityContext {
        private static final long serialVersionUID = 1L;
        private final String username;
        private final transient char[] password;
        private final transient CompletableFuture<Verdict> result = new CompletableFuture<>();

        PasswordCheck(String username, char[] password) {
            this.username = username;
            this.password = password;
        }

        @Override
        public void setupSecurityContext(CallbackHandler handler, Subject executionSubject, Subject serviceSubject) {
            try {
                PasswordValidationCallback pvc = new PasswordValidationCallback(executionSubject, username,
                        password == null ? new char[0] : password);
                handler.handle(new Callback[] {new CallerPrincipalCallback(executionSubject, username), pvc});
                result.complete(new Verdict(pvc.getResult() ? Outcome.VALID : Outcome.INVALID, ""));
            } catch (IOException | UnsupportedCallbackException | RuntimeException e) {
                result.complete(new Verdict(Outcome.FAILED, "the server's callback handler failed: " + e));
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        }

        @Override
        public String getName() {
            return "zconn PLAIN password check";
        }
    }

    /** Asks for nothing: shows whether the server sets up security contexts for the adapter. */
    private static final class Probe extends SecurityContext {
        private static final long serialVersionUID = 1L;
        private final transient CompletableFuture<Verdict> result = new CompletableFuture<>();

        @Override
        public void setupSecurityContext(CallbackHandler handler, Subject executionSubject, Subject serviceSubject) {
            result.complete(new Verdict(Outcome.VALID, ""));
        }

        @Override
        public String getName() {
            return "zconn security inflow probe";
        }
    }

    /** Runs work as a caller principal. */
    private static final class Caller extends SecurityContext {
        private static final long serialVersionUID = 1L;
        private final String userId;

        Caller(String userId) {
            this.userId = Objects.requireNonNull(userId, "userId");
        }

        @Override
        public void setupSecurityContext(CallbackHandler handler, Subject executionSubject, Subject serviceSubject) {
            try {
                handler.handle(new Callback[] {new CallerPrincipalCallback(executionSubject, userId)});
            } catch (IOException | UnsupportedCallbackException e) {
                // the server then fails the work (WorkCompletedException): the delivery is given up and reported
                throw new IllegalStateException("cannot run as '" + userId + "': " + e, e);
            }
        }

        @Override
        public String getName() {
            return "zconn caller " + userId;
        }

        @Override
        public String toString() {
            return "SecurityContext[caller=" + userId + "]";
        }
    }
}
