package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

import java.util.function.Consumer;

/**
 * Receives from pipes in turn, one whole message at a time, skipping empty ones (PULL, DEALER,
 * ROUTER, SUB...). A pipe leaves when its delimiter is read, after every message queued before it.
 */
public final class FairQueue {
    private final RoundRobin pipes = new RoundRobin(Pipe.SLOT_FQ);
    private final Consumer<Pipe> onFinished;
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
        pipes.attach(p);
    }

    /** @param p a pipe that has frames again */
    public void activate(Pipe p) {
        pipes.activate(p);
    }

    /** @param p a pipe to drop now, with whatever it still holds */
    public void remove(Pipe p) {
        if (pipes.remove(p) && p == last && more) {
            more = false;
        }
    }

    /** @return the next frame, or null when no pipe has one */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    public Frame recv() {
        while (pipes.hasActive()) {
            Pipe p = pipes.current();
            Frame f = p.read();
            if (f == Pipe.DELIMITER) {
                remove(p);
                onFinished.accept(p);
            } else if (f != null) {
                last = p;
                more = f.hasMore();
                if (!more) {
                    pipes.advance();
                }
                return f;
            } else {
                pipes.deactivateCurrent(); // empty: back when its writer flushes again
            }
        }
        return null;
    }

    /** @return whether a frame is ready */
    public boolean hasIn() {
        if (more) {
            return true;
        }
        while (pipes.hasActive()) {
            if (pipes.current().checkRead()) {
                return true;
            }
            pipes.deactivateCurrent();
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
