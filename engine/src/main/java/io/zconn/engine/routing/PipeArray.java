package io.zconn.engine.routing;

import io.zconn.engine.pipe.Pipe;

import java.util.Arrays;

/**
 * An array of pipes with O(1) add, remove and swap: each pipe remembers its index in a slot of its
 * own, so routing structures can keep "active" pipes in a prefix of the array, as libzmq does.
 */
final class PipeArray {
    private final int slot;
    private Pipe[] items = new Pipe[4];
    private int size;

    PipeArray(int slot) {
        this.slot = slot;
    }

    int size() {
        return size;
    }

    Pipe get(int i) {
        return items[i];
    }

    /** @return the pipe's index, or -1 when it is not in this array */
    int indexOf(Pipe p) {
        int i = p.slot(slot);
        return i >= 0 && i < size && items[i] == p ? i : -1;
    }

    void add(Pipe p) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        p.slot(slot, size);
        items[size++] = p;
    }

    void swap(int i, int j) {
        if (i == j) {
            return;
        }
        Pipe a = items[i];
        Pipe b = items[j];
        items[i] = b;
        items[j] = a;
        b.slot(slot, i);
        a.slot(slot, j);
    }

    /** Removes the pipe at index i by moving the last one into its place. */
    void removeAt(int i) {
        Pipe p = items[i];
        swap(i, size - 1);
        items[--size] = null;
        p.slot(slot, -1);
    }
}
