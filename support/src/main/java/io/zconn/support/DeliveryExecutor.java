package io.zconn.support;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs deliveries (the resource adapter's WorkManager). Each task is run once, or rejected once:
 * either by the exception, or later through the callback, never both.
 */
@FunctionalInterface
public interface DeliveryExecutor {
    /**
     * @param task       the delivery
     * @param onRejected called with the cause when the task was accepted but is rejected before it ran
     * @throws RejectedExecutionException when it is refused right away
     */
    void execute(Runnable task, Consumer<Throwable> onRejected);

    /**
     * Runs the delivery of a request, so that an executor may run it in the context of the peer it
     * came from (the resource adapter: as the peer's {@code User-Id}, {@link Envelope#metadata()},
     * through security inflow). By default the request is not looked at.
     *
     * @param task       the delivery
     * @param onRejected called with the cause when the task was accepted but is rejected before it ran
     * @param request    the request being delivered (not to be modified)
     * @throws RejectedExecutionException when it is refused right away
     */
    default void execute(Runnable task, Consumer<Throwable> onRejected, Envelope request) {
        execute(task, onRejected);
    }

    /**
     * Whether a task may deliver several messages in a row: after its delivery it takes the next message
     * waiting for a delivery thread (waiting up to the poll interval for one) instead of each message being a
     * task of its own, so that under load the executor is not asked for a thread per message. False (the
     * default) when each delivery must be a task of its own, e.g. one that runs in the context of its request
     * ({@link #execute(Runnable, Consumer, Envelope)}).
     *
     * @return whether tasks may be reused for several deliveries
     */
    default boolean deliversSeveralPerTask() {
        return false;
    }
}
