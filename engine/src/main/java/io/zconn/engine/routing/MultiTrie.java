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
 * <p>Every walk is a loop, never a recursion, so a topic of any length (a peer may send one of
 * megabytes) cannot overflow the stack; removals prune the nodes they emptied, so the trie holds
 * nothing once every subscription is gone.
 *
 * @param <P> the subscriber type (pipes)
 */
public final class MultiTrie<P> {
    private final Node<P> root = new Node<>();

    private static final class Node<P> {
        Set<P> subs;
        int min;
        Node<P>[] next;
        int live;

        Node<P> child(int b) {
            if (next == null || b < min || b >= min + next.length) {
                return null;
            }
            return next[b - min];
        }

        @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation: new Node<P>[n] is not Java
        Node<P> childOrCreate(int b) {
            if (next == null) {
                next = new Node[1];
                min = b;
            } else if (b < min) {
                Node<P>[] n = new Node[next.length + (min - b)];
                System.arraycopy(next, 0, n, min - b, next.length);
                next = n;
                min = b;
            } else if (b >= min + next.length) {
                next = Arrays.copyOf(next, b - min + 1);
            }
            Node<P> c = next[b - min];
            if (c == null) {
                c = new Node<>();
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

        boolean hasSubs() {
            return subs != null && !subs.isEmpty();
        }

        boolean empty() {
            return !hasSubs() && live == 0;
        }
    }

    /**
     * @param prefix the prefix
     * @param sub    the subscriber
     * @return true when no subscriber had this prefix before
     */
    public boolean add(byte[] prefix, int off, int len, P sub) {
        Node<P> n = root;
        for (int i = 0; i < len; i++) {
            n = n.childOrCreate(prefix[off + i] & 0xff);
        }
        if (n.subs == null) {
            n.subs = new LinkedHashSet<>(2);
        }
        boolean first = n.subs.isEmpty();
        n.subs.add(sub);
        return first;
    }

    /**
     * Removes one subscription; the chain of nodes that only served it is cut off where it
     * branches from the rest.
     *
     * @param prefix the prefix
     * @param sub    the subscriber
     * @return true when the last subscriber of this prefix went away
     */
    public boolean remove(byte[] prefix, int off, int len, P sub) {
        Node<P> n = root;
        Node<P> cutParent = root;
        int cutByte = len > 0 ? prefix[off] & 0xff : -1;
        for (int i = 0; i < len; i++) {
            int b = prefix[off + i] & 0xff;
            if (n != root && (n.hasSubs() || n.live > 1)) {
                cutParent = n; // n stays: the chain below it serves this prefix alone
                cutByte = b;
            }
            n = n.child(b);
            if (n == null) {
                return false;
            }
        }
        if (n.subs == null || !n.subs.remove(sub)) {
            return false;
        }
        if (!n.subs.isEmpty()) {
            return false;
        }
        n.subs = null;
        if (n.live == 0 && n != root) {
            cutParent.unlink(cutByte);
        }
        return true;
    }

    /**
     * Removes a subscriber everywhere, pruning emptied nodes.
     *
     * @param sub      the subscriber
     * @param orphaned told each prefix that no subscriber wants any more
     */
    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation: new Node<P>[n] is not Java
    public void removeAll(P sub, Consumer<byte[]> orphaned) {
        // post-order walk with an explicit stack: nodes[d] at depth d, pos[d] the next child index
        // under it, path[0..d) the bytes leading to it; a node is pruned once its children are done
        Node<P>[] nodes = new Node[16];
        int[] pos = new int[16];
        byte[] path = new byte[16];
        nodes[0] = root;
        int d = 0;
        removeHere(root, sub, path, 0, orphaned);
        while (d >= 0) {
            Node<P> n = nodes[d];
            Node<P> c = null;
            int i = pos[d];
            if (n.next != null) {
                while (i < n.next.length && (c = n.next[i]) == null) {
                    i++;
                }
            }
            if (c == null) {
                // all children done: prune n from its parent if it holds nothing any more
                if (d > 0 && n.empty()) {
                    nodes[d - 1].unlink(path[d - 1] & 0xff);
                }
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
            removeHere(c, sub, path, d, orphaned);
        }
    }

    private void removeHere(Node<P> n, P sub, byte[] path, int len, Consumer<byte[]> orphaned) {
        if (n.subs != null && n.subs.remove(sub) && n.subs.isEmpty()) {
            n.subs = null;
            orphaned.accept(Arrays.copyOf(path, len));
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
        Node<P> n = root;
        for (int i = 0; ; i++) {
            if (n.subs != null) {
                for (P p : n.subs) {
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
        }
    }

    /** @return whether no subscription is stored */
    public boolean isEmpty() {
        return root.empty();
    }

    /** @param visitor told each (prefix, subscriber) pair */
    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation, as above
    public void forEach(BiConsumer<byte[], P> visitor) {
        List<Object[]> out = new ArrayList<>();
        Node<P>[] nodes = new Node[16];
        int[] pos = new int[16];
        byte[] path = new byte[16];
        nodes[0] = root;
        int d = 0;
        collect(root, path, 0, out);
        while (d >= 0) {
            Node<P> n = nodes[d];
            Node<P> c = null;
            int i = pos[d];
            if (n.next != null) {
                while (i < n.next.length && (c = n.next[i]) == null) {
                    i++;
                }
            }
            if (c == null) {
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
            collect(c, path, d, out);
        }
        for (Object[] e : out) {
            visitor.accept((byte[]) e[0], (P) e[1]);
        }
    }

    private void collect(Node<P> n, byte[] path, int len, List<Object[]> out) {
        if (n.subs != null && !n.subs.isEmpty()) {
            byte[] p = Arrays.copyOf(path, len);
            for (P s : n.subs) {
                out.add(new Object[] {p, s});
            }
        }
    }
}
