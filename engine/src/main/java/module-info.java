/**
 * zconn's pure-Java ZeroMQ engine. Only the API package {@code io.zconn.engine} is exported; the
 * implementation packages (core, socket, routing, pipe, zmtp, security, transports) stay inside, so
 * module users cannot reach internals such as {@code SocketBase.attachNow}. On the class path (the
 * resource adapter, the OSGi bundle, which embeds the engine privately) this descriptor is ignored.
 *
 * <p>Netty's and JCTools' jars are automatic modules (named by their manifests' Automatic-Module-Name);
 * none of their types appears in the exported API, so none is required transitively. Netty's epoll
 * native library ({@code io.netty.transport.epoll.linux.x86_64}) is only needed at run time, where
 * Netty falls back to NIO without it. Bouncy Castle's provider module serves CURVE's cryptography
 * (security.curve), also outside the API. {@code java.management} serves the sockets' optional MBeans.
 */
@SuppressWarnings("requires-automatic") // Netty 4.1 ships no module descriptors, only automatic names
module io.zconn.engine {
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires org.jctools.core;
    requires org.bouncycastle.provider;
    requires java.management; // the sockets' MBeans (ZmqOption.MBEAN_NAME), registered only when asked
    // pgm:// only (raw IP sockets through libc, transport.pgm.RawLink): optional; without JNA, pgm://
    // fails with EPROTONOSUPPORT and everything else works
    requires static com.sun.jna;

    exports io.zconn.engine;
}
