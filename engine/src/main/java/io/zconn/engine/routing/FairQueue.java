package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

import java.util.function.Consumer;

/**
 * Receives from pipes in turn, one whole message at a time, skipping empty ones (PULL, DEALER,
 * ROUTER, SUB...). A pipe leaves when its delimiter is read, after every message queued before it.
 */
public final class FairQueue {
    private final PipeArray pipes = new PipeArray(Pipe.SLOT_FQ);
    private final Consumer<Pipe> onFinished;
    private int active;
    private int current;
    private boolean more;
    private Pipe last;

    /** @param onFinished told when a pipe's delimiter has been read and it left the queue */
    public FairQueue(Consumer<Pipe> onFinished) {
        this.onFinished = onFinished;
    }

    /** Creates a fair queue that needs no notice of finished pipes. */
    public FairQueue() {
        this(p -> { });
    }

    /** @param p a new pipe */
    public void attach(Pipe p) {
        pipes.add(p);
        activate(p);
    }

    /** @param p a pipe that has frames again */
    public void activate(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0 || i < active) {
            return;
        }
        pipes.swap(i, active);
        active++;
    }

    /** @param p a pipe to drop now, with whatever it still holds */
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
            more = false;
        }
    }

    /** @return the next frame, or null when no pipe has one */
    public Frame recv() {
        while (active > 0) {
            Pipe p = pipes.get(current);
            Frame f = p.read();
            if (f == Pipe.DELIMITER) {
                remove(p);
                onFinished.accept(p);
                continue;
            }
            if (f != null) {
                last = p;
                more = f.hasMore();
                if (!more) {
                    current = (current + 1) % active;
                }
                return f;
            }
            active--;
            pipes.swap(current, active);
            if (current >= active) {
                current = 0;
            }
        }
        return null;
    }

    /** @return whether a frame is ready */
    public boolean hasIn() {
        if (more) {
            return true;
        }
        while (active > 0) {
            Pipe p = pipes.get(current);
            if (p.checkRead()) {
                return true;
            }
            active--;
            pipes.swap(current, active);
            if (current >= active) {
                current = 0;
            }
        }
        return false;
    }

    /** @return the pipe the last frame came from */
    public Pipe lastPipe() {
        return last;
    }

    /** @return number of attached pipes */
    public int size() {
        return pipes.size();
    }
}
