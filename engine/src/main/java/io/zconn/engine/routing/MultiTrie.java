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

        boolean empty() {
            return (subs == null || subs.isEmpty()) && live == 0;
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
     * @param prefix the prefix
     * @param sub    the subscriber
     * @return true when the last subscriber of this prefix went away
     */
    public boolean remove(byte[] prefix, int off, int len, P sub) {
        return remove(root, prefix, off, len, 0, sub);
    }

    private boolean remove(Node<P> n, byte[] prefix, int off, int len, int depth, P sub) {
        if (depth == len) {
            if (n.subs == null || !n.subs.remove(sub)) {
                return false;
            }
            return n.subs.isEmpty();
        }
        int b = prefix[off + depth] & 0xff;
        Node<P> c = n.child(b);
        if (c == null) {
            return false;
        }
        boolean gone = remove(c, prefix, off, len, depth + 1, sub);
        prune(n, b, c);
        return gone;
    }

    private void prune(Node<P> n, int b, Node<P> c) {
        if (c.empty()) {
            n.next[b - n.min] = null;
            n.live--;
            if (n.live == 0) {
                n.next = null;
            }
        }
    }

    /**
     * Removes a subscriber everywhere.
     *
     * @param sub      the subscriber
     * @param orphaned told each prefix that no subscriber wants any more
     */
    public void removeAll(P sub, Consumer<byte[]> orphaned) {
        removeAll(root, new byte[0], sub, orphaned);
    }

    private void removeAll(Node<P> n, byte[] path, P sub, Consumer<byte[]> orphaned) {
        if (n.subs != null && n.subs.remove(sub) && n.subs.isEmpty()) {
            orphaned.accept(path);
        }
        if (n.next == null) {
            return;
        }
        for (int i = 0; n.next != null && i < n.next.length; i++) {
            Node<P> c = n.next[i];
            if (c != null) {
                byte[] p = Arrays.copyOf(path, path.length + 1);
                p[path.length] = (byte) (n.min + i);
                removeAll(c, p, sub, orphaned);
                prune(n, n.min + i, c);
            }
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

    /** @param visitor told each (prefix, subscriber) pair */
    public void forEach(BiConsumer<byte[], P> visitor) {
        List<Object[]> out = new ArrayList<>();
        walk(root, new byte[0], out);
        for (Object[] e : out) {
            @SuppressWarnings("unchecked")
            P p = (P) e[1];
            visitor.accept((byte[]) e[0], p);
        }
    }

    private void walk(Node<P> n, byte[] path, List<Object[]> out) {
        if (n.subs != null) {
            for (P p : n.subs) {
                out.add(new Object[] {path, p});
            }
        }
        if (n.next == null) {
            return;
        }
        for (int i = 0; i < n.next.length; i++) {
            if (n.next[i] != null) {
                byte[] p = Arrays.copyOf(path, path.length + 1);
                p[path.length] = (byte) (n.min + i);
                walk(n.next[i], p, out);
            }
        }
    }
}
