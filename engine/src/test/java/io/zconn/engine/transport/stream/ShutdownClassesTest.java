package io.zconn.engine.transport.stream;

import io.zconn.engine.Context;
import org.junit.jupiter.api.Test;

import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A context stops promptly and cleanly when its jars are gone by the time it closes, as a resource
 * adapter's are when Open Liberty calls {@code ResourceAdapter.stop()} after uninstalling it.
 */
class ShutdownClassesTest {

    @Test
    void everyNamedClassExistsInTheNettyInUse() {
        assertThat(ShutdownClasses.preload(ShutdownClassesTest.class.getClassLoader()))
                .as("a name no longer in this Netty version: read the list again with -Xlog:class+load")
                .isEqualTo(ShutdownClasses.NAMES.size());
    }

    private static URL jarOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void aContextWhoseJarsAreGoneClosesPromptlyWithoutALoopError() throws Exception {
        Map<String, URL> path = new LinkedHashMap<>();
        for (URL u : List.of(jarOf(ShutdownScenario.class), jarOf(Context.class),
                jarOf(io.netty.util.collection.IntObjectHashMap.class), jarOf(io.netty.buffer.PooledByteBufAllocator.class),
                jarOf(io.netty.channel.AbstractChannel.class), jarOf(io.netty.resolver.AddressResolver.class),
                jarOf(io.netty.channel.epoll.Epoll.class), jarOf(io.netty.channel.unix.FileDescriptor.class),
                jarOf(org.jctools.queues.MpscUnboundedArrayQueue.class))) {
            path.put(u.toString(), u);
        }
        URL nativeLib = ShutdownClassesTest.class.getClassLoader()
                .getResource("META-INF/native/libnetty_transport_native_epoll_x86_64.so");
        if (nativeLib != null && "jar".equals(nativeLib.getProtocol())) {
            URL jar = ((JarURLConnection) nativeLib.openConnection()).getJarFileURL();
            path.put(jar.toString(), jar);
        }
        List<LogRecord> problems = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                if (r.getLevel().intValue() >= Level.WARNING.intValue()
                        && (name.startsWith("io.netty") || name.startsWith("io.zconn"))) {
                    problems.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            AutoCloseable running;
            URLClassLoader isolated = new URLClassLoader(path.values().toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            try (isolated) {
                @SuppressWarnings("unchecked")
                Callable<AutoCloseable> scenario = (Callable<AutoCloseable>) isolated
                        .loadClass(ShutdownScenario.class.getName()).getConstructor().newInstance();
                running = scenario.call();
            }
            // the loader is closed: no class can be read from its jars any more
            long t0 = System.nanoTime();
            running.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("close took %d ms", ms).isLessThan(3_000);
            assertThat(problems).extracting(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown())
                    .isEmpty();
        } finally {
            root.removeHandler(capture);
        }
    }
}
