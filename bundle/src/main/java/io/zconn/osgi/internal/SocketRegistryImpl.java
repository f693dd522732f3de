package io.zconn.osgi.internal;

import io.zconn.engine.Socket;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketRegistry;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link SocketRegistry} service. Bundle scope: each using bundle gets its own instance, and
 * the sockets it created are closed when it releases the service.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class SocketRegistryImpl implements SocketRegistry {
    private final SocketManager manager;
    private final Map<String, ManagedSocket> owned = new ConcurrentHashMap<>();

    @Activate
    public SocketRegistryImpl(@Reference SocketManager manager) {
        this.manager = manager;
    }

    @Deactivate
    void deactivate() {
        owned.values().forEach(manager::close);
        owned.clear();
    }

    @Override
    public Socket create(SocketSpec spec) {
        ManagedSocket ms = manager.open(spec, SocketManager.FROM_REGISTRY);
        owned.put(spec.name(), ms);
        return ms.socket();
    }

    @Override
    public boolean close(String name) {
        ManagedSocket ms = owned.remove(name);
        if (ms == null) {
            return false;
        }
        manager.close(ms);
        return true;
    }

    @Override
    public Optional<Socket> lookup(String name) {
        return manager.lookup(name);
    }

    @Override
    public Optional<Socket> await(String name, Duration timeout) throws InterruptedException {
        return manager.await(name, timeout);
    }

    @Override
    public List<SocketInfo> sockets() {
        return manager.sockets();
    }

    @Override
    public Optional<SocketInfo> info(String name) {
        return manager.managed(name).map(SocketInfo.class::cast);
    }
}
