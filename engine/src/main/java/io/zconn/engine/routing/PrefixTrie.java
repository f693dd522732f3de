package io.zconn.engine.routing;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A set of byte-string prefixes with reference counts (SUB/XSUB local filter): subscribing twice
 * needs two unsubscribes. {@link #matches} tells whether any stored prefix starts the data.
 *
 * <p>Every walk is a loop, never a recursion, so a topic of any length (a peer may send one of
 * megabytes) cannot overflow the stack; a removal prunes the nodes it emptied, so the trie holds
 * nothing once every prefix is gone.
 */
public final class PrefixTrie {
    private final Node root = new Node();

    private static final class Node {
        int refs;
        int min;
        Node[] next;
        int live;

        Node child(int b) {
            if (next == null || b < min || b >= min + next.length) {
                return null;
            }
            return next[b - min];
        }

        Node childOrCreate(int b) {
            if (next == null) {
                next = new Node[1];
                min = b;
            } else if (b < min) {
                Node[] n = new Node[next.length + (min - b)];
                System.arraycopy(next, 0, n, min - b, next.length);
                next = n;
                min = b;
            } else if (b >= min + next.length) {
                next = Arrays.copyOf(next, b - min + 1);
            }
            Node c = next[b - min];
            if (c == null) {
                c = new Node();
                next[b - min] = c;
                live++;
            }
            return c;
        }

        void unlink(int b) {
            next[b - min] = null;
            live--;
            if (live == 0) {
                next = null;
            }
        }
    }

    /**
     * @param prefix the prefix
     * @return true when it was not present before
     */
    public boolean add(byte[] prefix) {
        Node n = root;
        for (byte b : prefix) {
            n = n.childOrCreate(b & 0xff);
        }
        return n.refs++ == 0;
    }

    /**
     * Drops one reference to a prefix; when it was the last, the chain of nodes that only served
     * this prefix is cut off where it branches from the rest.
     *
     * @param prefix the prefix
     * @return true when its last reference went away
     */
    public boolean remove(byte[] prefix) {
        Node n = root;
        Node cutParent = root;
        int cutByte = prefix.length > 0 ? prefix[0] & 0xff : -1;
        for (int i = 0; i < prefix.length; i++) {
            int b = prefix[i] & 0xff;
            if (n != root && (n.refs > 0 || n.live > 1)) {
                cutParent = n; // n stays: the chain below it is ours alone from here
                cutByte = b;
            }
            n = n.child(b);
            if (n == null) {
                return false;
            }
        }
        if (n.refs == 0) {
            return false;
        }
        n.refs--;
        if (n.refs > 0) {
            return false;
        }
        if (n.live == 0 && n != root) {
            cutParent.unlink(cutByte);
        }
        return true;
    }

    /**
     * @param data  message bytes
     * @param off   start
     * @param len   length
     * @return whether some stored prefix starts the data
     */
    public boolean matches(byte[] data, int off, int len) {
        Node n = root;
        for (int i = 0; ; i++) {
            if (n.refs > 0) {
                return true;
            }
            if (i == len) {
                return false;
            }
            n = n.child(data[off + i] & 0xff);
            if (n == null) {
                return false;
            }
        }
    }

    /** @return whether no prefix is stored */
    public boolean isEmpty() {
        return root.refs == 0 && root.live == 0;
    }

    /** @param visitor told each stored prefix (once per prefix, whatever its count) */
    public void forEach(Consumer<byte[]> visitor) {
        // depth-first with an explicit stack: nodes[d] is the node at depth d, pos[d] the next
        // child index to visit under it, path[0..d) the bytes leading to it
        Node[] nodes = new Node[16];
        int[] pos = new int[16];
        byte[] path = new byte[16];
        nodes[0] = root;
        int d = 0;
        if (root.refs > 0) {
            visitor.accept(new byte[0]);
        }
        while (d >= 0) {
            Node n = nodes[d];
            Node c = null;
            int i = pos[d];
            while (n.next != null && i < n.next.length && (c = n.next[i]) == null) {
                i++;
            }
            if (c == null || n.next == null || i >= n.next.length) {
                d--;
                continue;
            }
            pos[d] = i + 1;
            if (d + 1 == nodes.length) {
                nodes = Arrays.copyOf(nodes, nodes.length * 2);
                pos = Arrays.copyOf(pos, pos.length * 2);
            }
            if (d == path.length) {
                path = Arrays.copyOf(path, path.length * 2);
            }
            path[d] = (byte) (n.min + i);
            d++;
            nodes[d] = c;
            pos[d] = 0;
            if (c.refs > 0) {
                visitor.accept(Arrays.copyOf(path, d));
            }
        }
    }
}
