package io.zconn.engine.transport.stream;

import java.util.List;

/**
 * The Netty classes that only the end of a connection or of an event loop loads, loaded when the
 * transport starts instead. An application server may delete the jars of an application (a
 * resource adapter's) before it has finished stopping it: Open Liberty calls
 * {@code ResourceAdapter.stop()} after the adapter's extracted jars are gone. A class first needed
 * then cannot be read; an event loop whose shutdown fails that way never completes its termination
 * (its thread-local caches are not freed, the group's termination future never completes). Loaded
 * here, while the jars are there, they are already defined when shutdown needs them.
 *
 * <p>The names are Netty's (anonymous classes included, so they belong to the Netty version the build
 * uses; {@code ShutdownClassesTest} checks that each exists). Which classes a shutdown loads was read
 * with {@code -Xlog:class+load} around a context's close after tcp traffic, on epoll and on NIO.
 */
final class ShutdownClasses {
    /** Classes the close of connections and the shutdown of event loops load, not loaded before. */
    static final List<String> NAMES = List.of(
            // the epoll event loop closing its channels: IntObjectHashMap.values().iterator()
            "io.netty.util.collection.IntObjectHashMap$2",
            "io.netty.util.collection.IntObjectHashMap$2$1",
            "io.netty.util.collection.IntObjectHashMap$PrimitiveIterator",
            "io.netty.util.collection.IntObjectMap$PrimitiveEntry",
            // a thread's pooled-buffer cache freed when its loop ends
            "io.netty.buffer.PoolArena$1",
            // a channel's close and its close listeners
            "io.netty.channel.AbstractChannel$AbstractUnsafe$7",
            "io.netty.channel.AbstractChannelHandlerContext$11",
            "io.netty.util.concurrent.DefaultPromise$1",
            "io.netty.util.concurrent.FastThreadLocalRunnable",
            "io.netty.util.concurrent.GlobalEventExecutor$2",
            "io.netty.util.concurrent.GlobalEventExecutor$3",
            // a peer's half-close seen while the loops end (ZmtpEngine tests for the input shutdown
            // event; epoll fires them on an input or output shutdown)
            "io.netty.channel.socket.ChannelInputShutdownEvent",
            "io.netty.channel.socket.ChannelInputShutdownReadComplete",
            "io.netty.channel.socket.ChannelOutputShutdownEvent",
            "io.netty.channel.socket.ChannelOutputShutdownException",
            // epoll asks whether a half-closed channel allows half-closure (a config type check)
            "io.netty.channel.unix.DomainSocketChannelConfig",
            // Netty formatting a log message with arguments (a failure reported while loops end)
            "io.netty.util.internal.logging.MessageFormatter",
            "io.netty.util.internal.logging.FormattingTuple");

    private ShutdownClasses() {
    }

    /**
     * Loads (without initialising) each class of {@link #NAMES} that the Netty in use has.
     *
     * @param loader the class loader of the transport's Netty classes
     * @return how many were loaded
     */
    static int preload(ClassLoader loader) {
        int n = 0;
        for (String name : NAMES) {
            try {
                Class.forName(name, false, loader);
                n++;
            } catch (ClassNotFoundException | LinkageError e) {
                // another Netty version: its shutdown is still bounded (StreamTransport.shutdown)
            }
        }
        return n;
    }
}
