/**
 * zconn for OSGi: the names under which sockets are registered as services, the
 * {@link io.zconn.osgi.SocketRegistry} for creating and finding sockets in code, and the whiteboard
 * interfaces ({@link io.zconn.osgi.MessageListener}, {@link io.zconn.osgi.RequestListener}) through
 * which a service receives a socket's messages.
 */
@Export
@Version("0.1.0")
package io.zconn.osgi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
