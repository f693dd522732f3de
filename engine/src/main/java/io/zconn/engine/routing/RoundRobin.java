package io.zconn.engine.routing;

import io.zconn.engine.pipe.Pipe;

/**
 * Pipes in turn: the active ones (those that may be used now) are kept at the front of the array
 * and a cursor walks over them; activation, deactivation and removal are O(1). Shared by the load
 * balancer and the fair queue.
 */
final class RoundRobin {
    private final PipeArray pipes;
    private int active;
    private int current;

    RoundRobin(int slot) {
        this.pipes = new PipeArray(slot);
    }

    /** Adds a pipe, active at once. */
    void attach(Pipe p) {
        pipes.add(p);
        activate(p);
    }

    /** Makes an attached pipe active again (no-op if it is already). */
    void activate(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0 || i < active) {
            return;
        }
        pipes.swap(i, active);
        active++;
    }

    /** @return whether the pipe was attached */
    boolean remove(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0) {
            return false;
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
        return true;
    }

    /** @return whether any pipe is active */
    boolean hasActive() {
        return active > 0;
    }

    /** @return the pipe under the cursor (only when {@link #hasActive()}) */
    Pipe current() {
        return pipes.get(current);
    }

    /** Deactivates the pipe under the cursor; the cursor then points at another active pipe. */
    void deactivateCurrent() {
        active--;
        pipes.swap(current, active);
        if (current >= active) {
            current = 0;
        }
    }

    /** Deactivates an attached pipe wherever it is (no-op if it is not active). */
    void deactivate(Pipe p) {
        int i = pipes.indexOf(p);
        if (i < 0 || i >= active) {
            return;
        }
        active--;
        pipes.swap(i, active);
        if (current >= active) {
            current = 0;
        }
    }

    /** Moves the cursor to the next active pipe. */
    void advance() {
        if (active > 0) {
            current = (current + 1) % active;
        }
    }

    int size() {
        return pipes.size();
    }

    /** @return the pipe's index in the array, -1 when it is not attached */
    int indexOf(Pipe p) {
        return pipes.indexOf(p);
    }
}
