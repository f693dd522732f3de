/**
 * The zconn resource adapter as applications see it: {@link io.zconn.ra.api.ZmqConnectionFactory}
 * and {@link io.zconn.ra.api.ZmqConnection} for sending, and the listener interfaces
 * ({@link io.zconn.ra.api.ZmqMessageListener}, {@link io.zconn.ra.api.ZmqBatchListener},
 * {@link io.zconn.ra.api.ZmqRequestListener},
 * {@link io.zconn.ra.api.ZmqListener} with {@link io.zconn.ra.api.OnZmqMessage}) for
 * message-driven beans, and {@link io.zconn.ra.api.ZmqConnectionListener} for the connections of a
 * factory's sockets. Nothing here depends on the engine.
 */
package io.zconn.ra.api;
