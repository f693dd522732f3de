package io.zconn.osgi.internal;

import io.zconn.osgi.SocketSpec;
import io.zconn.osgi.ZconnConstants;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One instance per factory configuration of {@code io.zconn.socket}: opens the socket it describes,
 * applies updates in place, closes it when the configuration is deleted. A bad configuration is
 * logged and leaves this instance idle; other sockets are not affected.
 */
@Component(service = {}, configurationPid = ZconnConstants.SOCKET_FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SocketConfig.class, factory = true)
public final class SocketConfiguration {
    private final SocketManager manager;
    private ManagedSocket socket;

    @Activate
    public SocketConfiguration(@Reference SocketManager manager, Map<String, Object> properties) {
        this.manager = manager;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        release();
    }

    private void apply(Map<String, Object> properties) {
        String pid = String.valueOf(properties.get("service.pid"));
        SocketSpec spec;
        try {
            spec = SocketSpec.fromProperties(properties);
        } catch (RuntimeException e) {
            release();
            Log.badConfiguration(pid, e.getMessage());
            return;
        }
        if (socket != null && socket.name().equals(spec.name())) {
            try {
                socket.reconfigure(spec);
            } catch (RuntimeException e) {
                Log.socketFailed(spec.name(), e.getMessage());
            }
            return;
        }
        release();
        try {
            socket = manager.open(spec, SocketManager.FROM_CONFIGURATION);
        } catch (IllegalStateException e) {
            Log.duplicateName(spec.name(), pid);
        } catch (RuntimeException e) {
            socket = manager.managed(spec.name()).orElse(null);
            Log.socketFailed(spec.name(), e.getMessage());
        }
    }

    private void release() {
        if (socket != null) {
            manager.close(socket);
            socket = null;
        }
    }
}
