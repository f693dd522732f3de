package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

/**
 * Sends each message to the next pipe, round-robin, skipping pipes at their HWM (PUSH, DEALER,
 * REQ). All frames of a message go to the same pipe.
 */
public final class LoadBalancer {
    private final RoundRobin pipes = new RoundRobin(Pipe.SLOT_LB);
    private boolean more;
    private boolean dropping;
    private Pipe last;

    /** @param p a new pipe, writable at once */
    public void attach(Pipe p) {
        pipes.attach(p);
    }

    /** @param p a pipe that is below its HWM again */
    public void activate(Pipe p) {
        pipes.activate(p);
    }

    /** @param p a pipe that is gone; the rest of a message being sent to it is dropped */
    public void remove(Pipe p) {
        if (pipes.remove(p) && p == last) {
            dropping = more;
            last = null;
        }
    }

    /**
     * @param frame the frame
     * @return false when no pipe can take a new message now
     */
    public boolean send(Frame frame) {
        if (dropping) {
            more = frame.hasMore();
            dropping = more;
            last = null;
            return true;
        }
        Pipe p = more ? last : writable();
        if (p == null) {
            return false;
        }
        p.write(frame);
        more = frame.hasMore();
        last = p;
        if (!more) {
            p.flush();
            pipes.advance();
        }
        return true;
    }

    private Pipe writable() {
        while (pipes.hasActive()) {
            Pipe c = pipes.current();
            if (c.checkWrite()) {
                return c;
            }
            pipes.deactivateCurrent(); // at its HWM: back when the reader drains it
        }
        return null;
    }

    /** @return whether a new message could be sent now */
    public boolean hasOut() {
        return more || writable() != null;
    }

    /** @return the pipe the last frame went to (REQ uses it to match replies) */
    public Pipe lastPipe() {
        return last;
    }

    /** @return number of attached pipes */
    public int size() {
        return pipes.size();
    }

    /** @return whether no pipe is attached */
    public boolean isEmpty() {
        return pipes.size() == 0;
    }
}
