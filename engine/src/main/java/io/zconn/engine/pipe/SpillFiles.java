package io.zconn.engine.pipe;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SWAP spill files of one context that are still open: each is deleted when its pipe ends
 * (see {@link Pipe#spillTo}), and whatever is left when the context closes (a pipe whose session
 * ended without taking its delimiter) is deleted by {@link #closeAll()}. Thread-safe.
 */
public final class SpillFiles {
    private final Set<Spill> open = ConcurrentHashMap.newKeySet();

    void opened(Spill s) {
        open.add(s);
    }

    void closed(Spill s) {
        open.remove(s);
    }

    /** @return spill files currently open (created and not yet deleted) */
    public int openCount() {
        int n = 0;
        for (Spill s : open) {
            if (s.hasFile()) {
                n++;
            }
        }
        return n;
    }

    /** Closes and deletes every spill file still open (the context is closing: nobody reads them). */
    public void closeAll() {
        for (Spill s : new ArrayList<>(open)) {
            s.close();
        }
    }
}
