package io.zconn.osgi.internal;

import io.zconn.engine.SocketEvent;
import io.zconn.osgi.SocketInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The health of one managed socket, worked out without the Felix Health Check API (which
 * {@link SocketHealthCheck} maps it to): CRITICAL when the socket is closed, failed to be set up,
 * or its delivery cannot start; WARN while it is being set up or has fewer peers than wanted (a
 * socket without a peer can neither send nor receive); OK otherwise. The other lines tell its
 * endpoints, peers and connection history, as OK (informational) lines.
 */
final class SocketHealth {
    /** Peer lines shown at most; the rest are summed up in one line. */
    static final int MAX_PEER_LINES = 20;

    /** Ordered from best to worst. */
    enum Status {
        /** Working as configured. */
        OK,
        /** Working, but not usefully yet (no peer), or not set up yet. */
        WARN,
        /** Not working. */
        CRITICAL
    }

    /**
     * One line of a report.
     *
     * @param status what it says about the health (OK lines only inform)
     * @param text   the line
     */
    record Line(Status status, String text) {
    }

    /**
     * A socket's health.
     *
     * @param status the worst status of the lines
     * @param lines  the lines, the verdict first
     */
    record Report(Status status, List<Line> lines) {
    }

    private SocketHealth() {
    }

    /**
     * @param ms       the socket
     * @param minPeers fewer peers than this is WARN (0: never)
     * @return its health now
     */
    static Report of(ManagedSocket ms, int minPeers) {
        List<Line> lines = new ArrayList<>();
        String what = "socket '" + ms.name() + "'" + (ms.spec() == null ? "" : " (" + ms.type() + ")");
        SocketInfo.State state = ms.state();
        switch (state) {
            case CLOSED -> lines.add(new Line(Status.CRITICAL, what + " is closed"));
            case FAILED -> lines.add(new Line(Status.CRITICAL, what + " could not be set up: " + ms.error()));
            case STARTING -> lines.add(new Line(Status.WARN, what + " is being set up"));
            case ACTIVE -> active(ms, minPeers, what, lines);
            default -> throw new IllegalStateException(String.valueOf(state));
        }
        Status worst = Status.OK;
        for (Line l : lines) {
            if (l.status().compareTo(worst) > 0) {
                worst = l.status();
            }
        }
        return new Report(worst, List.copyOf(lines));
    }

    private static void active(ManagedSocket ms, int minPeers, String what, List<Line> lines) {
        int peers = ms.peers();
        if (peers < 0) {
            lines.add(new Line(Status.CRITICAL, what + " is closed"));
            return;
        }
        if (ms.error() != null) {
            lines.add(new Line(Status.CRITICAL, what + ": " + ms.error()));
        }
        if (peers < minPeers) {
            lines.add(new Line(Status.WARN, what + " has " + peers + " peer(s), fewer than " + minPeers
                    + ": it can neither send nor receive"));
        } else {
            lines.add(new Line(Status.OK, what + " has " + peers + " peer(s)"));
        }
        for (String ep : ms.boundEndpoints()) {
            lines.add(new Line(Status.OK, "bound " + ep));
        }
        for (String ep : ms.spec().connect()) {
            lines.add(new Line(Status.OK, "connected to " + ep));
        }
        SocketActivity a = ms.activity();
        List<SocketActivity.Peer> known = a.peers();
        for (int i = 0; i < known.size() && i < MAX_PEER_LINES; i++) {
            SocketActivity.Peer p = known.get(i);
            lines.add(new Line(Status.OK, "peer " + p.address() + " on " + p.endpoint() + " since " + p.since()));
        }
        long more = known.size() - Math.min(known.size(), MAX_PEER_LINES) + a.untrackedPeers();
        if (more > 0) {
            lines.add(new Line(Status.OK, more + " more peer(s)"));
        }
        lines.add(new Line(Status.OK, "since open: " + a.count(SocketEvent.Type.HANDSHAKE_SUCCEEDED) + " handshake(s), "
                + a.count(SocketEvent.Type.DISCONNECTED) + " disconnection(s), " + handshakeFailures(a)
                + " failed handshake(s), " + a.droppedEvents() + " monitor event(s) dropped"));
    }

    static long handshakeFailures(SocketActivity a) {
        return a.count(SocketEvent.Type.HANDSHAKE_FAILED_NO_DETAIL) + a.count(SocketEvent.Type.HANDSHAKE_FAILED_PROTOCOL)
                + a.count(SocketEvent.Type.HANDSHAKE_FAILED_AUTH);
    }
}
