package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

/**
 * Sends each message to the next pipe, round-robin, skipping pipes at their HWM (PUSH, DEALER,
 * REQ). All frames of a message go to the same pipe.
 */
public final class LoadBalancer {
    private final PipeArray pipes = new PipeArray(Pipe.SLOT_LB);
    private int active;
    private int current;
    private boolean more;
    private boolean dropping;
    private Pipe last;

    /** @param p a new pipe, writable at once */
    public void attach(Pipe p) {
        pipes.add(p);
        activate(p);
    }

    /** @param p a pipe that is below its HWM again */
    public void activate(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0 || i < active) {
            return;
        }
        pipes.swap(i, active);
        active++;
    }

    /** @param p a pipe that is gone */
    public void remove(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0) {
            return;
        }
        if (i < active) {
            pipes.swap(i, active - 1);
            active--;
            i = active;
            if (current >= active) {
                current = 0;
            }
        }
        pipes.removeAt(i);
        if (p == last && more) {
            dropping = true;
        }
    }

    private void deactivateCurrent() {
        active--;
        pipes.swap(current, active);
        if (current >= active) {
            current = 0;
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
        Pipe p;
        if (more) {
            p = last;
        } else {
            p = null;
            while (active > 0) {
                Pipe c = pipes.get(current);
                if (c.checkWrite()) {
                    p = c;
                    break;
                }
                deactivateCurrent();
            }
            if (p == null) {
                return false;
            }
        }
        p.write(frame);
        more = frame.hasMore();
        last = p;
        if (!more) {
            p.flush();
            if (active > 0) {
                current = (current + 1) % active;
            }
        }
        return true;
    }

    /** @return whether a new message could be sent now */
    public boolean hasOut() {
        if (more) {
            return true;
        }
        while (active > 0) {
            if (pipes.get(current).checkWrite()) {
                return true;
            }
            deactivateCurrent();
        }
        return false;
    }

    /** @return the pipe the last frame went to (REQ uses it to match replies) */
    public Pipe lastPipe() {
        return last;
    }

    /** @return number of attached pipes */
    public int size() {
        return pipes.size();
    }
}
