package io.zconn.ra.api;

/**
 * Marker message-listener interface without methods (Jakarta Connectors 1.7 / Enterprise Beans 3.2
 * style): an MDB implementing it marks one public method with {@link OnZmqMessage}; the adapter
 * calls that method with the message. Works on servers that support no-method listener interfaces.
 */
public interface ZmqListener {
}
