package io.zconn.engine.routing;

import io.zconn.engine.pipe.Pipe;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A ROUTER's table of peers by routing id (libzmq's out-pipes of a routing socket): names each new
 * pipe by the id it was given (announced by the peer, or CONNECT_ROUTING_ID) or by a generated one
 * (a zero byte and four counter bytes, which no peer may announce), routes by id, and renames a
 * pipe whose id a newer connection takes over (ROUTER_HANDOVER).
 */
public final class RoutingIds {
    private final Map<ByteBuffer, Pipe> byId = new HashMap<>();
    private int nextId = ThreadLocalRandom.current().nextInt();

    /**
     * @param id a routing id
     * @return the pipe known by it, or null
     */
    public Pipe lookup(byte[] id) {
        return byId.get(ByteBuffer.wrap(id));
    }

    /**
     * Names a pipe by its given id, or a generated one when it has none.
     *
     * @param pipe the pipe, whose {@link Pipe#routingId()} is the id it was given (may be null)
     * @return false when another pipe already has that id (the new pipe is not added)
     */
    public boolean add(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id == null || id.length == 0) {
            id = generate();
        } else if (byId.containsKey(ByteBuffer.wrap(id))) {
            return false;
        }
        put(id, pipe);
        return true;
    }

    /**
     * Takes the id of a new pipe away from the pipe that has it: that pipe gets a generated id
     * (so it can be ended without touching the new one's entry) and is returned.
     *
     * @param id the id taken over
     * @return the pipe that had it, now renamed, or null when none had it
     */
    public Pipe takeOver(byte[] id) {
        Pipe old = byId.remove(ByteBuffer.wrap(id));
        if (old != null) {
            put(generate(), old);
        }
        return old;
    }

    /**
     * Forgets a pipe (it is gone, or can no longer be written).
     *
     * @param pipe the pipe
     */
    public void remove(Pipe pipe) {
        byte[] id = pipe.routingId();
        if (id != null && byId.get(ByteBuffer.wrap(id)) == pipe) {
            byId.remove(ByteBuffer.wrap(id));
        }
    }

    /** @return whether some peer can take a new message now (ROUTER_MANDATORY's POLLOUT) */
    public boolean anyWritable() {
        for (Pipe p : byId.values()) {
            if (p.checkWrite()) {
                return true;
            }
        }
        return false;
    }

    /** @return number of routable peers */
    public int size() {
        return byId.size();
    }

    private void put(byte[] id, Pipe pipe) {
        pipe.routingId(id);
        byId.put(ByteBuffer.wrap(id), pipe);
    }

    private byte[] generate() {
        while (true) {
            int n = nextId++;
            byte[] id = {0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
            if (!byId.containsKey(ByteBuffer.wrap(id))) {
                return id;
            }
        }
    }
}
