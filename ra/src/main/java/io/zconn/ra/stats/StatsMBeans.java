package io.zconn.ra.stats;

import io.zconn.ra.RaLog;

import java.lang.management.ManagementFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the adapter's statistics as MXBeans on the platform MBean server, under
 * {@code io.zconn:type=<type>,name=<name>} (the name quoted; {@code " #2"}, {@code " #3"}... appended
 * when another object already has it). A registration that fails is logged (ZCONNRA0060) and the
 * adapter goes on without that MBean; statistics are never a reason to refuse a deployment.
 */
public final class StatsMBeans {
    /** The JMX domain of zconn's MBeans. */
    public static final String DOMAIN = "io.zconn";
    /** Type of the connection factories' MBeans. */
    public static final String CONNECTION_FACTORY = "ConnectionFactory";
    /** Type of the activations' MBeans. */
    public static final String ACTIVATION = "Activation";
    private static final int MAX_SUFFIX = 1000;

    private StatsMBeans() {
    }

    /** A registered MBean; {@link #close()} unregisters it (idempotent). */
    public interface Registration extends AutoCloseable {
        /** @return the name it was registered under, or null when it was not registered */
        ObjectName name();

        @Override
        void close();
    }

    /**
     * @param type  the type key
     * @param name  the name key (quoted here)
     * @param mbean an object implementing an {@code ...MXBean} interface
     * @return the registration (with a null name when it failed, logged ZCONNRA0060)
     */
    public static Registration register(String type, String name, Object mbean) {
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) {
            RaLog.mbeanNotRegistered(type + " " + name, e);
            return registration(null, null);
        }
        for (int n = 1; n <= MAX_SUFFIX; n++) {
            ObjectName on = null;
            try {
                on = objectName(type, n == 1 ? name : name + " #" + n);
                return registration(server, server.registerMBean(mbean, on).getObjectName());
            } catch (InstanceAlreadyExistsException e) {
                // taken: try the next suffix
            } catch (JMException | RuntimeException e) {
                RaLog.mbeanNotRegistered(on == null ? type + " " + name : on.toString(), e);
                return registration(null, null);
            }
        }
        RaLog.mbeanNotRegistered(type + " " + name, "more than " + MAX_SUFFIX + " MBeans with this name");
        return registration(null, null);
    }

    /**
     * @param type the type key
     * @param name the name key, unquoted
     * @return {@code io.zconn:type=<type>,name=<quoted name>}
     * @throws javax.management.MalformedObjectNameException never for a type made of letters
     */
    public static ObjectName objectName(String type, String name) throws javax.management.MalformedObjectNameException {
        return new ObjectName(DOMAIN + ":type=" + type + ",name=" + ObjectName.quote(name));
    }

    private static Registration registration(MBeanServer server, ObjectName on) {
        return new Registration() {
            private boolean closed;

            @Override
            public ObjectName name() {
                return on;
            }

            @Override
            public void close() {
                synchronized (this) {
                    if (closed || on == null) {
                        return;
                    }
                    closed = true;
                }
                try {
                    server.unregisterMBean(on);
                } catch (InstanceNotFoundException e) {
                    // already gone (someone unregistered it)
                } catch (JMException | RuntimeException e) {
                    RaLog.mbeanNotUnregistered(on.toString(), e);
                }
            }

            @Override
            public String toString() {
                return String.valueOf(on);
            }
        };
    }
}
