package io.zconn.osgi.internal;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.osgi.SocketInfo;

import java.time.Duration;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Console commands {@code zconn:list}, {@code zconn:send} and {@code zconn:stats}, registered the
 * Gogo way (service properties only, no shell API import), which both Felix Gogo and the Karaf
 * console pick up.
 */
@Component(service = ZconnCommands.class, property = {
    "osgi.command.scope=zconn",
    "osgi.command.function=list",
    "osgi.command.function=send",
    "osgi.command.function=stats"
})
public final class ZconnCommands {
    private final SocketManager manager;

    @Activate
    public ZconnCommands(@Reference SocketManager manager) {
        this.manager = manager;
    }

    /** @return one line per managed socket: name, type, state, endpoints (or error), listeners */
    public String list() {
        StringBuilder sb = new StringBuilder(String.format("%-20s %-7s %-7s %-9s %s%n",
                "NAME", "TYPE", "STATE", "LISTENERS", "ENDPOINTS / ERROR"));
        for (SocketInfo s : manager.sockets()) {
            sb.append(String.format("%-20s %-7s %-7s %-9d %s%n", s.name(), s.type(), s.state(), s.listeners(),
                    s.state() == SocketInfo.State.ACTIVE ? String.join(", ", s.endpoints())
                            : s.error() == null ? "" : s.error()));
        }
        return sb.toString();
    }

    /**
     * Sends a message, one frame per argument.
     *
     * @param name   the socket's name
     * @param frames the frames, as UTF-8
     * @return what happened
     */
    public String send(String name, String... frames) {
        Optional<Socket> s = manager.lookup(name);
        if (s.isEmpty()) {
            return "no active socket named '" + name + "'";
        }
        if (frames.length == 0) {
            return "nothing to send: give at least one frame";
        }
        if (!s.get().send(Message.of(frames), Duration.ofSeconds(2))) {
            return "not sent: socket '" + name + "' cannot send now (no peer, or high-water mark reached)";
        }
        manager.managed(name).ifPresent(ManagedSocket::countSent);
        return "sent " + frames.length + " frame(s) on '" + name + "'";
    }

    /** @return counters of every managed socket */
    public String stats() {
        StringBuilder sb = new StringBuilder(String.format("%-20s %10s %10s %10s%n",
                "NAME", "RECEIVED", "SENT", "FAILURES"));
        for (SocketInfo s : manager.sockets()) {
            sb.append(String.format("%-20s %10d %10d %10d%n", s.name(), s.received(), s.sent(), s.listenerFailures()));
        }
        return sb.toString();
    }
}
