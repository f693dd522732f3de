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
}
