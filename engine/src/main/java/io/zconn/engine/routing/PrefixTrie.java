package io.zconn.engine.routing;

/**
 * A set of byte-string prefixes with reference counts (SUB/XSUB local filter): subscribing twice
 * needs two unsubscribes. {@link #matches} tells whether any stored prefix starts the data.
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
                Node[] n = new Node[b - min + 1];
                System.arraycopy(next, 0, n, 0, next.length);
                next = n;
            }
            Node c = next[b - min];
            if (c == null) {
                c = new Node();
                next[b - min] = c;
                live++;
            }
            return c;
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
     * @param prefix the prefix
     * @return true when its last reference went away
     */
    public boolean remove(byte[] prefix) {
        return remove(root, prefix, 0);
    }

    private boolean remove(Node n, byte[] prefix, int depth) {
        if (depth == prefix.length) {
            if (n.refs == 0) {
                return false;
            }
            n.refs--;
            return n.refs == 0;
        }
        int b = prefix[depth] & 0xff;
        Node c = n.child(b);
        if (c == null) {
            return false;
        }
        boolean gone = remove(c, prefix, depth + 1);
        if (c.refs == 0 && c.live == 0) {
            n.next[b - n.min] = null;
            n.live--;
            if (n.live == 0) {
                n.next = null;
            }
        }
        return gone;
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
    public void forEach(java.util.function.Consumer<byte[]> visitor) {
        walk(root, new byte[0], visitor);
    }

    private void walk(Node n, byte[] path, java.util.function.Consumer<byte[]> visitor) {
        if (n.refs > 0) {
            visitor.accept(path);
        }
        if (n.next == null) {
            return;
        }
        for (int i = 0; i < n.next.length; i++) {
            if (n.next[i] != null) {
                byte[] p = java.util.Arrays.copyOf(path, path.length + 1);
                p[path.length] = (byte) (n.min + i);
                walk(n.next[i], p, visitor);
            }
        }
    }
}
