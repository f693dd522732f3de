package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;

import java.util.IdentityHashMap;
import java.util.function.Consumer;

/**
 * Receives from pipes in turn, one whole message at a time, skipping empty ones (PULL, DEALER,
 * ROUTER, SUB...).
 *
 * <p>Pipes leave in one of two ways, as in libzmq's fq: {@link #remove} drops a pipe at once with
 * whatever it still holds (the socket ended it: disconnect, unbind, close); a pipe whose peer ended
 * it stays readable up to its delimiter, and leaves when the delimiter is read, which the owner
 * hears through the {@code onFinished} callback. {@link #hasIn()} reads ahead one frame, so a pipe
 * holding only its delimiter never makes the queue look readable.
 */
public final class FairQueue {
    private final RoundRobin pipes = new RoundRobin(Pipe.SLOT_FQ);
    private final Consumer<Pipe> onFinished;
    /** Frames read ahead by hasIn or peerTerminated, at most one per pipe, returned first. */
    private final IdentityHashMap<Pipe, Frame> peeked = new IdentityHashMap<>();
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

    /**
     * Stops reading a pipe until {@link #activate} (between messages only: the owner's quota for
     * that pipe is used up).
     *
     * @param p the pipe
     */
    public void deactivate(Pipe p) {
        pipes.deactivate(p);
    }

    /**
     * Drops a pipe now, with whatever it still holds; the owner is not told (it asked).
     *
     * @param p the pipe
     */
    public void remove(Pipe p) {
        if (pipes.remove(p)) {
            if (!peeked.isEmpty()) {
                peeked.remove(p);
            }
            if (p == last) {
                more = false;
                last = null;
            }
        }
    }

    /**
     * The peer of a pipe ended it: the pipe stays until its delimiter is read. When nothing but
     * the delimiter is left, it leaves at once (and the owner is told).
     *
     * @param p the pipe
     */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    public void peerTerminated(Pipe p) {
        if (pipes.indexOf(p) < 0 || peeked.containsKey(p)) {
            return;
        }
        Frame f = p.read();
        if (f == Pipe.DELIMITER) {
            finished(p);
        } else if (f != null) {
            peeked.put(p, f);
            pipes.activate(p);
        } else {
            pipes.activate(p); // the delimiter is on its way: read it when it comes
        }
    }

    private void finished(Pipe p) {
        remove(p);
        onFinished.accept(p);
    }

    private Frame read(Pipe p) {
        if (!peeked.isEmpty()) {
            Frame f = peeked.remove(p);
            if (f != null) {
                return f;
            }
        }
        return p.read();
    }

    /** @return the next frame, or null when no pipe has one */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    public Frame recv() {
        while (pipes.hasActive()) {
            Pipe p = pipes.current();
            Frame f = read(p);
            if (f == Pipe.DELIMITER) {
                finished(p);
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

    /**
     * Whether a frame is ready: reads ahead one frame from the current pipe, consuming delimiters
     * (the finished pipes leave) and skipping empty pipes.
     *
     * @return whether {@link #recv()} would return a frame
     */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    public boolean hasIn() {
        if (more) {
            return true;
        }
        while (pipes.hasActive()) {
            Pipe p = pipes.current();
            if (peeked.containsKey(p)) {
                return true;
            }
            Frame f = p.read();
            if (f == Pipe.DELIMITER) {
                finished(p);
            } else if (f != null) {
                peeked.put(p, f);
                return true;
            } else {
                pipes.deactivateCurrent();
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

    /** @return whether no pipe is attached (and nothing is read ahead) */
    public boolean isEmpty() {
        return pipes.size() == 0 && peeked.isEmpty();
    }
}
