package io.zconn.osgi.internal;

import io.zconn.osgi.SocketSpec;
import io.zconn.osgi.ZconnConstants;

import io.zconn.support.AllowListZapHandler;
import io.zconn.support.SecuritySettings;
import io.zconn.support.ZapDomains;

import java.util.List;
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
 *
 * <p>A PLAIN or CURVE server configuration may bring a ZAP allow-list ({@code zap.curve.keys},
 * {@code zap.curve.keys.directory}, {@code zap.plain.users.file}), registered for its
 * {@code zap.domain} before the socket opens (see {@link SocketManager} for the rules). Its
 * {@code delivery.*} keys set how the socket's whiteboard listeners get its messages
 * ({@link DeliveryConfig}).
 */
@Component(service = {}, configurationPid = ZconnConstants.SOCKET_FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SocketConfig.class, factory = true)
public final class SocketConfiguration {
    static final String ZAP_CURVE_KEYS = "zap.curve.keys";
    static final String ZAP_CURVE_KEYS_DIRECTORY = "zap.curve.keys.directory";
    static final String ZAP_PLAIN_USERS_FILE = "zap.plain.users.file";

    private final SocketManager manager;
    private ManagedSocket socket;
    private ZapDomains.Registration zap;

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
        DeliveryConfig delivery;
        try {
            spec = SocketSpec.fromProperties(properties);
            delivery = DeliveryConfig.fromProperties(properties, spec.type());
        } catch (RuntimeException e) {
            release();
            Log.badConfiguration(pid, e.getMessage());
            return;
        }
        if (!allowList(spec.name(), pid, properties)) {
            release();
            return;
        }
        if (socket != null && socket.name().equals(spec.name())) {
            try {
                socket.deliveryConfig(delivery);
                socket.reconfigure(spec);
            } catch (RuntimeException e) {
                Log.socketFailed(spec.name(), e.getMessage());
            }
            return;
        }
        if (socket != null) {
            manager.close(socket);
            socket = null;
        }
        try {
            socket = manager.open(spec, SocketManager.FROM_CONFIGURATION, delivery);
        } catch (IllegalStateException e) {
            Log.duplicateName(spec.name(), pid);
        } catch (RuntimeException e) {
            socket = manager.managed(spec.name()).orElse(null);
            Log.socketFailed(spec.name(), e.getMessage());
        }
    }

    /**
     * (Re-)registers this configuration's ZAP allow-list, if it has one, before the socket opens.
     *
     * @return false when it is wrong (logged)
     */
    private boolean allowList(String name, String pid, Map<String, Object> properties) {
        closeZap();
        AllowListZapHandler.Config config;
        String domain;
        try {
            config = AllowListZapHandler.Config.of(properties.get(ZAP_CURVE_KEYS),
                    properties.get(ZAP_CURVE_KEYS_DIRECTORY), properties.get(ZAP_PLAIN_USERS_FILE),
                    List.of(ZAP_CURVE_KEYS, ZAP_CURVE_KEYS_DIRECTORY, ZAP_PLAIN_USERS_FILE));
            if (config == null) {
                return true;
            }
            SecuritySettings security = SecuritySettings.fromProperties(properties, true);
            if (!security.isServer()) {
                throw new IllegalArgumentException(ZAP_CURVE_KEYS + ", " + ZAP_CURVE_KEYS_DIRECTORY + " and "
                        + ZAP_PLAIN_USERS_FILE + " need a server socket: set curve.server or plain.server");
            }
            domain = security.zapDomain().orElse("");
            zap = manager.registerZap(domain, config);
        } catch (RuntimeException e) {
            Log.badConfiguration(pid, "socket '" + name + "': " + e.getMessage());
            return false;
        }
        Log.zapAllowList(name, domain, config.describe());
        return true;
    }

    private void closeZap() {
        if (zap != null) {
            zap.close();
            zap = null;
        }
    }

    private void release() {
        if (socket != null) {
            manager.close(socket);
            socket = null;
        }
        closeZap();
    }
}
