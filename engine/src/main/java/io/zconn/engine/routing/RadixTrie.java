package io.zconn.engine.routing;

import java.util.Arrays;

/**
 * The compressed (radix) trie under {@link PrefixTrie} and {@link MultiTrie}: each node holds the
 * bytes of the edge leading to it, so a stored key costs its own length plus a constant, however
 * long it is (a byte-per-node trie held about 56 bytes of heap per key byte). A node without a
 * value has at least two children (except the root): an insert splits an edge where keys part, a
 * release prunes emptied nodes and merges a value-less node with its only child.
 *
 * <p>Every walk is a loop with an explicit stack, never a recursion, so neither key length nor
 * nesting depth can overflow the thread stack. Children are kept in a small array sorted by the
 * first byte of their edge, sized to the number of children (not to the byte range they span).
 *
 * @param <V> what a node holds for the key ending there ({@code null}: no key ends there)
 */
final class RadixTrie<V> {
    private static final int LINEAR = 8;

    final Node<V> root = new Node<>(new byte[0]);

    /** A trie node: the edge from its parent, its children, and its value. */
    static final class Node<V> {
        /** The edge bytes from the parent (empty only for the root). */
        byte[] seg;
        Node<V> parent;
        /** First byte of each child's edge, ascending unsigned; {@code live} of them are used. */
        byte[] keys;
        Node<V>[] kids;
        int live;
        V val;

        Node(byte[] seg) {
            this.seg = seg;
        }

        /** @return the child's index, or {@code -(insertion point) - 1} */
        int indexOf(int b) {
            if (live <= LINEAR) {
                for (int i = 0; i < live; i++) {
                    int k = keys[i] & 0xff;
                    if (k == b) {
                        return i;
                    }
                    if (k > b) {
                        return -i - 1;
                    }
                }
                return -live - 1;
            }
            int lo = 0;
            int hi = live - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int k = keys[mid] & 0xff;
                if (k < b) {
                    lo = mid + 1;
                } else if (k > b) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -lo - 1;
        }

        /** @return the child whose edge starts with byte {@code b}, or null */
        Node<V> child(int b) {
            if (live == 0) {
                return null;
            }
            int i = indexOf(b);
            return i >= 0 ? kids[i] : null;
        }

        @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation: new Node<V>[n] is not Java
        void put(Node<V> c) {
            int b = c.seg[0] & 0xff;
            int i = -indexOf(b) - 1;
            if (kids == null) {
                keys = new byte[2];
                kids = new Node[2];
            } else if (live == kids.length) {
                int cap = Math.min(256, live * 2);
                keys = Arrays.copyOf(keys, cap);
                kids = Arrays.copyOf(kids, cap);
            }
            System.arraycopy(keys, i, keys, i + 1, live - i);
            System.arraycopy(kids, i, kids, i + 1, live - i);
            keys[i] = (byte) b;
            kids[i] = c;
            live++;
            c.parent = this;
        }

        void replace(int b, Node<V> c) {
            kids[indexOf(b)] = c;
            c.parent = this;
        }

        void unlink(int b) {
            int i = indexOf(b);
            System.arraycopy(keys, i + 1, keys, i, live - i - 1);
            System.arraycopy(kids, i + 1, kids, i, live - i - 1);
            live--;
            kids[live] = null;
            if (live == 0) {
                keys = null;
                kids = null;
            } else if (kids.length > 2 && live * 4 <= kids.length) {
                keys = Arrays.copyOf(keys, live * 2);
                kids = Arrays.copyOf(kids, live * 2);
            }
        }
    }

    /** Told each node of a walk with the key leading to it. */
    interface Visitor<V> {
        /**
         * @param n    the node (the visitor may change its value, not the structure)
         * @param path the key of the node in {@code path[0..len)}; valid during the call only
         * @param len  its length
         */
        void visit(Node<V> n, byte[] path, int len);
    }

    /** @return the node of exactly this key, created (and edges split) as needed */
    Node<V> insert(byte[] key, int off, int len) {
        Node<V> n = root;
        int i = 0;
        while (i < len) {
            int b = key[off + i] & 0xff;
            Node<V> c = n.child(b);
            if (c == null) {
                c = new Node<>(Arrays.copyOfRange(key, off + i, off + len));
                n.put(c);
                return c;
            }
            byte[] seg = c.seg;
            // the child lookup matched the edge's first byte: m is where the key parts from it
            int m = Arrays.mismatch(seg, 1, seg.length, key, off + i + 1, off + len);
            if (m >= 0) {
                m++;
            }
            if (m < 0) {
                return c; // the rest of the key is exactly this edge
            }
            if (m < seg.length) {
                // the key parts from this edge (or ends inside it) after m bytes: split the edge
                Node<V> mid = new Node<>(Arrays.copyOfRange(seg, 0, m));
                c.seg = Arrays.copyOfRange(seg, m, seg.length);
                n.replace(b, mid);
                mid.put(c);
                c = mid;
            }
            i += m;
            n = c;
        }
        return n;
    }

    /** @return the node of exactly this key, or null when there is none */
    Node<V> find(byte[] key, int off, int len) {
        Node<V> n = root;
        int i = 0;
        while (i < len) {
            Node<V> c = n.child(key[off + i] & 0xff);
            if (c == null) {
                return null;
            }
            byte[] seg = c.seg;
            if (seg.length > len - i || (seg.length > 1
                    && !Arrays.equals(seg, 1, seg.length, key, off + i + 1, off + i + seg.length))) {
                return null;
            }
            i += seg.length;
            n = c;
        }
        return n;
    }

    /**
     * Restores the shape after {@code n}'s value went to {@code null}: prunes it when it has no
     * children (and then its emptied ancestors), merges a value-less node with its only child.
     * A node already cut off from the trie is left alone.
     */
    void release(Node<V> n) {
        while (n != root && n.val == null && n.parent != null) {
            Node<V> p = n.parent;
            int b = n.seg[0] & 0xff;
            if (n.live == 0) {
                p.unlink(b);
                n.parent = null;
                n = p;
            } else {
                if (n.live == 1) {
                    Node<V> c = n.kids[0];
                    byte[] s = Arrays.copyOf(n.seg, n.seg.length + c.seg.length);
                    System.arraycopy(c.seg, 0, s, n.seg.length, c.seg.length);
                    c.seg = s;
                    p.replace(b, c);
                    n.parent = null;
                    n.kids = null;
                    n.keys = null;
                    n.live = 0;
                }
                return;
            }
        }
    }

    /** @return whether no key is stored */
    boolean isEmpty() {
        return root.val == null && root.live == 0;
    }

    /** Visits every node depth first, parents before children, children in byte order. */
    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation, as above
    void walk(Visitor<V> v) {
        // nodes[d] is the node at depth d, pos[d] its next child to visit, ends[d] its key length
        Node<V>[] nodes = new Node[16];
        int[] pos = new int[16];
        int[] ends = new int[16];
        byte[] path = new byte[64];
        nodes[0] = root;
        int d = 0;
        v.visit(root, path, 0);
        while (d >= 0) {
            Node<V> n = nodes[d];
            int i = pos[d];
            if (i >= n.live) {
                d--;
                continue;
            }
            pos[d] = i + 1;
            Node<V> c = n.kids[i];
            int start = ends[d];
            int end = start + c.seg.length;
            if (end > path.length) {
                path = Arrays.copyOf(path, Math.max(end, path.length * 2));
            }
            System.arraycopy(c.seg, 0, path, start, c.seg.length);
            d++;
            if (d == nodes.length) {
                nodes = Arrays.copyOf(nodes, d * 2);
                pos = Arrays.copyOf(pos, d * 2);
                ends = Arrays.copyOf(ends, d * 2);
            }
            nodes[d] = c;
            pos[d] = 0;
            ends[d] = end;
            v.visit(c, path, end);
        }
    }

    /**
     * Checks the shape (for tests): non-empty edges below the root, children sorted by the first
     * byte of their edge with correct parent links, and no value-less node with fewer than two
     * children except the root.
     *
     * @return the number of nodes
     * @throws IllegalStateException when the shape is broken
     */
    int checkShape() {
        int[] count = {0};
        walk((n, path, len) -> {
            count[0]++;
            if (n != root) {
                if (n.seg.length == 0) {
                    throw new IllegalStateException("empty edge at " + len);
                }
                if (n.val == null && n.live < 2) {
                    throw new IllegalStateException("uncompressed node at " + len);
                }
            }
            for (int i = 0; i < n.live; i++) {
                Node<V> c = n.kids[i];
                if (c.parent != n || (c.seg[0] & 0xff) != (n.keys[i] & 0xff)
                        || (i > 0 && (n.keys[i - 1] & 0xff) >= (n.keys[i] & 0xff))) {
                    throw new IllegalStateException("bad child " + i + " at " + len);
                }
            }
        });
        return count[0];
    }
}
