/**
 * The rules and the delivery layer the resource adapter and the OSGi bundle share, so that both
 * behave the same and a fix lands once.
 *
 * <p>Configuration: {@link io.zconn.support.OptionParser} (configuration text to typed socket
 * options), {@link io.zconn.support.Lists} (comma-separated configuration lists).
 *
 * <p>Inbound delivery, {@link io.zconn.support.Inflow}, assembled from parts with one job each:
 * the receive loop (bounded waits, exponential {@link io.zconn.support.Backoff}, drain on stop),
 * the dispatcher (a permit per delivery on the integration's
 * {@link io.zconn.support.DeliveryExecutor}, or in order on the loop), the delivery attempt (the
 * {@link io.zconn.support.DeliveryTarget} called through the {@link io.zconn.support.Gate},
 * retries, the {@link io.zconn.support.ReplyPolicy} along the request's
 * {@link io.zconn.support.Envelope}) and the disposal ({@link io.zconn.support.DeadLetters} or a
 * counted drop). What happens is reported through {@link io.zconn.support.DeliveryEvents}, which
 * each integration maps to its own numbered log lines, and counted in
 * {@link io.zconn.support.DeliveryCounters}.
 *
 * <p>Internal to zconn: the bundle embeds this package privately and never exports it.
 */
package io.zconn.support;
