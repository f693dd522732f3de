package io.zconn.engine.routing;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A set of byte-string prefixes with reference counts (SUB/XSUB local filter): subscribing twice
 * needs two unsubscribes. {@link #matches} tells whether any stored prefix starts the data.
 *
 * <p>A compressed trie ({@link RadixTrie}): a stored prefix costs its own length plus a constant,
 * so a peer's megabyte topic costs about a megabyte. Every walk is a loop, never a recursion, so a
 * topic of any length cannot overflow the stack; a removal prunes and merges the nodes it
 * emptied, so the trie holds nothing once every prefix is gone.
 */
public final class PrefixTrie {
    private final RadixTrie<Refs> trie = new RadixTrie<>();

    /** The reference count of a stored prefix. */
    private static final class Refs {
        int n;
    }

    /**
     * @param prefix the prefix
     * @return true when it was not present before
     */
    public boolean add(byte[] prefix) {
        RadixTrie.Node<Refs> n = trie.insert(prefix, 0, prefix.length);
        if (n.val == null) {
            n.val = new Refs();
        }
        return n.val.n++ == 0;
    }

    /**
     * Drops one reference to a prefix; when it was the last, the nodes that only served this
     * prefix are pruned and a node left with a single child is merged with it.
     *
     * @param prefix the prefix
     * @return true when its last reference went away
     */
    public boolean remove(byte[] prefix) {
        RadixTrie.Node<Refs> n = trie.find(prefix, 0, prefix.length);
        if (n == null || n.val == null) {
            return false;
        }
        if (--n.val.n > 0) {
            return false;
        }
        n.val = null;
        trie.release(n);
        return true;
    }

    /**
     * @param data  message bytes
     * @param off   start
     * @param len   length
     * @return whether some stored prefix starts the data
     */
    public boolean matches(byte[] data, int off, int len) {
        RadixTrie.Node<Refs> n = trie.root;
        int i = 0;
        while (true) {
            if (n.val != null) {
                return true;
            }
            if (i == len) {
                return false;
            }
            n = n.child(data[off + i] & 0xff);
            if (n == null) {
                return false;
            }
            // the child lookup matched the edge's first byte: compare the rest, if any
            byte[] seg = n.seg;
            int sl = seg.length;
            if (sl > 1 && (sl > len - i
                    || !Arrays.equals(seg, 1, sl, data, off + i + 1, off + i + sl))) {
                return false;
            }
            i += sl;
        }
    }

    /** @return whether no prefix is stored */
    public boolean isEmpty() {
        return trie.isEmpty();
    }

    /** @param visitor told each stored prefix (once per prefix, whatever its count) */
    public void forEach(Consumer<byte[]> visitor) {
        trie.walk((n, path, len) -> {
            if (n.val != null) {
                visitor.accept(Arrays.copyOf(path, len));
            }
        });
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
