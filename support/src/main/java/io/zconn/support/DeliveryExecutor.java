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
}
