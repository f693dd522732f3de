/**
 * zconn for OSGi: the names under which sockets are registered as services, the
 * {@link io.zconn.osgi.SocketRegistry} for creating and finding sockets in code, and the whiteboard
 * interfaces ({@link io.zconn.osgi.MessageListener}, {@link io.zconn.osgi.RequestListener}) through
 * which a service receives a socket's messages.
 *
 * <p>0.2.0: {@link io.zconn.osgi.ZconnConstants} names the Event Admin topics and properties of
 * socket events and the tag of the sockets' health checks.
 */
@Export
@Version("0.2.0")
package io.zconn.osgi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
