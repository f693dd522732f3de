package io.zconn.osgi.internal;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/** A Felix {@link HealthCheck} of one managed socket: its {@link SocketHealth} as a result. */
final class SocketHealthCheck implements HealthCheck {
    private final ManagedSocket socket;
    private final int minPeers;

    SocketHealthCheck(ManagedSocket socket, int minPeers) {
        this.socket = socket;
        this.minPeers = minPeers;
    }

    @Override
    public Result execute() {
        SocketHealth.Report report = SocketHealth.of(socket, minPeers);
        ResultLog log = new ResultLog();
        for (SocketHealth.Line l : report.lines()) {
            log.add(new ResultLog.Entry(status(l.status()), l.text()));
        }
        return new Result(log);
    }

    static Result.Status status(SocketHealth.Status s) {
        return switch (s) {
            case OK -> Result.Status.OK;
            case WARN -> Result.Status.WARN;
            case CRITICAL -> Result.Status.CRITICAL;
        };
    }

    @Override
    public String toString() {
        return "health check of socket '" + socket.name() + "'";
    }
}
