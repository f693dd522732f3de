package io.zconn.engine.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Prefix subscriptions of many subscribers (XPUB/PUB): each prefix maps to the set of subscribers
 * that asked for it. Matching walks the message once and reports every subscriber with a prefix of
 * it; removing a subscriber reports the prefixes nobody wants any more.
 *
 * <p>A compressed trie ({@link RadixTrie}): a stored prefix costs its own length plus a constant,
 * so a peer's megabyte topic costs about a megabyte. Every walk is a loop, never a recursion, so a
 * topic of any length cannot overflow the stack; removals prune and merge the nodes they emptied,
 * so the trie holds nothing once every subscription is gone.
 *
 * @param <P> the subscriber type (pipes)
 */
public final class MultiTrie<P> {
    private final RadixTrie<Set<P>> trie = new RadixTrie<>();

    /**
     * @param prefix the prefix
     * @param off    start of the prefix
     * @param len    its length
     * @param sub    the subscriber
     * @return true when no subscriber had this prefix before
     */
    public boolean add(byte[] prefix, int off, int len, P sub) {
        RadixTrie.Node<Set<P>> n = trie.insert(prefix, off, len);
        if (n.val == null) {
            n.val = new LinkedHashSet<>(2);
        }
        boolean first = n.val.isEmpty();
        n.val.add(sub);
        return first;
    }

    /**
     * Removes one subscription; when it was the prefix's last, the nodes that only served it are
     * pruned and a node left with a single child is merged with it.
     *
     * @param prefix the prefix
     * @param off    start of the prefix
     * @param len    its length
     * @param sub    the subscriber
     * @return true when the last subscriber of this prefix went away
     */
    public boolean remove(byte[] prefix, int off, int len, P sub) {
        return unsubscribe(prefix, off, len, sub) == Removal.LAST_REMOVED;
    }

    /** What removing one subscription did (libzmq's mtrie tells the same three cases apart). */
    public enum Removal {
        /** The subscriber did not have this prefix. */
        NOT_FOUND,
        /** It was the prefix's last subscriber: the prefix is gone. */
        LAST_REMOVED,
        /** Other subscribers still have the prefix. */
        VALUES_REMAIN
    }

    /**
     * Removes one subscription, as {@link #remove}, telling the three outcomes apart.
     *
     * @param prefix the prefix
     * @param off    start of the prefix
     * @param len    its length
     * @param sub    the subscriber
     * @return what happened
     */
    public Removal unsubscribe(byte[] prefix, int off, int len, P sub) {
        RadixTrie.Node<Set<P>> n = trie.find(prefix, off, len);
        if (n == null || n.val == null || !n.val.remove(sub)) {
            return Removal.NOT_FOUND;
        }
        if (!n.val.isEmpty()) {
            return Removal.VALUES_REMAIN;
        }
        n.val = null;
        trie.release(n);
        return Removal.LAST_REMOVED;
    }

    /**
     * Removes a subscriber everywhere, pruning and merging emptied nodes.
     *
     * @param sub      the subscriber
     * @param orphaned told each prefix that no subscriber wants any more
     */
    public void removeAll(P sub, Consumer<byte[]> orphaned) {
        removeAll(sub, false, orphaned);
    }

    /**
     * Removes a subscriber everywhere, pruning and merging emptied nodes.
     *
     * @param sub      the subscriber
     * @param every    report every prefix the subscriber had, not only those nobody wants any more
     * @param reported told each such prefix
     */
    public void removeAll(P sub, boolean every, Consumer<byte[]> reported) {
        // the walk must not change the structure: empty the values during it, reshape after it
        List<RadixTrie.Node<Set<P>>> emptied = new ArrayList<>();
        trie.walk((n, path, len) -> {
            if (n.val != null && n.val.remove(sub)) {
                boolean orphan = n.val.isEmpty();
                if (orphan) {
                    n.val = null;
                    emptied.add(n);
                }
                if (orphan || every) {
                    reported.accept(Arrays.copyOf(path, len));
                }
            }
        });
        // parents come before children; release skips a node an earlier release cut off
        for (RadixTrie.Node<Set<P>> n : emptied) {
            trie.release(n);
        }
    }

    /**
     * Reports every subscriber with a prefix of the data (a subscriber may be reported more than
     * once when it has several matching prefixes).
     *
     * @param data   message bytes
     * @param off    start
     * @param len    length
     * @param action told each matching subscriber
     */
    public void match(byte[] data, int off, int len, Consumer<P> action) {
        RadixTrie.Node<Set<P>> n = trie.root;
        int i = 0;
        while (true) {
            if (n.val != null) {
                for (P p : n.val) {
                    action.accept(p);
                }
            }
            if (i == len) {
                return;
            }
            n = n.child(data[off + i] & 0xff);
            if (n == null) {
                return;
            }
            // the child lookup matched the edge's first byte: compare the rest, if any
            byte[] seg = n.seg;
            int sl = seg.length;
            if (sl > 1 && (sl > len - i
                    || !Arrays.equals(seg, 1, sl, data, off + i + 1, off + i + sl))) {
                return;
            }
            i += sl;
        }
    }

    /** @return whether no subscription is stored */
    public boolean isEmpty() {
        return trie.isEmpty();
    }

    /** @param visitor told each (prefix, subscriber) pair */
    @SuppressWarnings("unchecked") // the pairs are built just above from byte[] and P
    public void forEach(BiConsumer<byte[], P> visitor) {
        // collect first, so the visitor may change the trie
        List<Object[]> out = new ArrayList<>();
        trie.walk((n, path, len) -> {
            if (n.val != null) {
                byte[] p = Arrays.copyOf(path, len);
                for (P s : n.val) {
                    out.add(new Object[] {p, s});
                }
            }
        });
        for (Object[] e : out) {
            visitor.accept((byte[]) e[0], (P) e[1]);
        }
    }

    /**
     * Checks the compressed shape (for tests).
     *
     * @return the number of nodes
     */
    int checkShape() {
        return trie.checkShape();
    }
}
