package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

/**
 * Sends each message to every matching pipe (PUB, XPUB; SUB/XSUB for subscriptions). A pipe at its
 * HWM when a message starts misses that message (the PUB drop policy) until it is writable again.
 * Matching pipes are kept at the front of the array, active ones after them, as in libzmq's dist.
 */
public final class Distributor {
    private final PipeArray pipes = new PipeArray(Pipe.SLOT_DIST);
    private int matching;
    private int active;
    private boolean more;
    /** Counts message starts, so that a pipe matched twice for one message counts one drop. */
    private long message;

    /** @param p a new pipe */
    public void attach(Pipe p) {
        pipes.add(p);
        // placed after the matching prefix: it joins with the next message
        pipes.swap(pipes.indexOf(p), active);
        active++;
    }

    /** @param p a pipe to receive the current message */
    public void match(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0 || i < matching) {
            return;
        }
        if (i >= active) {
            p.countHwmDrop(message); // at its HWM still: misses this message
            return;
        }
        pipes.swap(i, matching);
        matching++;
    }

    /** Marks every active pipe as matching. */
    public void matchAll() {
        message++;
        matching = active;
        for (int i = active; i < pipes.size(); i++) {
            pipes.get(i).countHwmDrop(message); // at its HWM still: misses this message
        }
    }

    /** Clears the matching set (a new message starts). */
    public void unmatch() {
        message++;
        matching = 0;
    }

    /** Makes the active pipes that do not match the matching set, and the matching ones not (INVERT_MATCHING). */
    public void reverseMatch() {
        int matched = matching;
        matching = 0;
        for (int i = matched; i < active; i++) {
            pipes.swap(i, matching++);
        }
    }

    /**
     * Tells whether every matching pipe can take a new message (XPUB_NODROP asks before sending);
     * a pipe that cannot is told to wake the socket when it can.
     *
     * @return true when no matching pipe is at its HWM
     */
    public boolean matchingWritable() {
        boolean all = true;
        for (int i = 0; i < matching; i++) {
            all &= pipes.get(i).checkWrite();
        }
        return all;
    }

    /** @param p a pipe below its HWM again */
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
        if (i < matching) {
            pipes.swap(i, matching - 1);
            matching--;
            i = matching;
        }
        if (i < active) {
            pipes.swap(i, active - 1);
            active--;
            i = active;
        }
        pipes.removeAt(i);
    }

    /**
     * Sends a frame to the matching pipes (all pipes: call {@link #matchAll()} first).
     *
     * @param frame the frame; the matching set is cleared after the last frame of a message
     */
    public void sendToMatching(Frame frame) {
        if (!more) {
            for (int i = 0; i < matching; ) {
                Pipe p = pipes.get(i);
                if (p.checkWrite()) {
                    i++;
                } else {
                    // full: skip this message for p and deactivate it until it drains
                    p.countHwmDrop();
                    pipes.swap(i, matching - 1);
                    matching--;
                    pipes.swap(matching, active - 1);
                    active--;
                }
            }
        }
        boolean last = !frame.hasMore();
        RuntimeException failed = null;
        for (int i = 0; i < matching; i++) {
            Pipe p = pipes.get(i);
            try {
                p.write(frame);
            } catch (RuntimeException e) {
                // a SWAP file that cannot be written (ENOSPC): that pipe did not take the message
                // (its frames were dropped); the others still get it whole, then the send fails
                if (failed == null) {
                    failed = e;
                }
            }
            if (last) {
                p.flush();
            }
        }
        more = !last;
        if (last) {
            matching = 0;
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** @return whether any pipe is attached */
    public boolean hasPipes() {
        return pipes.size() > 0;
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
