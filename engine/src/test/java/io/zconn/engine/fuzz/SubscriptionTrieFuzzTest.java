package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zconn.engine.routing.MultiTrie;
import io.zconn.engine.routing.PrefixTrie;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the subscription tries, {@link PrefixTrie} (SUB/XSUB: counted prefixes) and
 * {@link MultiTrie} (XPUB: prefixes per subscriber, whose subscriptions a peer controls), with
 * random sequences of add / remove / match / removeAll / forEach, each compared with a plain model
 * (a map from prefix to count, and from prefix to subscriber set). The input is a program, one
 * operation per step:
 * <pre>
 * op byte  bits 0-2: operation (see {@link #run}); bits 3-4: subscriber 0-3 (MultiTrie)
 * topic    1 length byte: 0-239 = that many following bytes, each folded into 'a'..'d' when
 *          the length byte is even (so topics share prefixes), kept raw when odd;
 *          240-255 = a long topic of (length - 239) * {@link #LONG_UNIT} bytes of one repeated
 *          byte, taken from the next input byte: 4 KiB to 64 KiB in regression mode, 64 bytes to
 *          1 KiB while fuzzing
 * </pre>
 * Every return value, match result and enumeration must agree with the model. The model answers
 * prefix queries from sorted maps (a few floor lookups per query, not a scan of every prefix).
 * While fuzzing (JAZZER_FUZZ set) long topics are capped at 1 KiB so that a campaign reaches
 * millions of programs (each operation is linear in its topic's length); the regression inputs with
 * 4-64 KiB topics (the stack-overflow findings among them) and the unit tests keep long topics
 * covered.
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/SubscriptionTrieFuzzTestInputs/}.
 */
class SubscriptionTrieFuzzTest {
    private static final int MAX_OPS = 64;
    /** Size step of long topics: 4 KiB in regression mode, 64 bytes while fuzzing (see above). */
    static final int LONG_UNIT = System.getenv("JAZZER_FUZZ") != null ? 64 : 4096;

    /** Reads a program from the input. */
    private static final class Program {
        private final byte[] in;
        private int pos;

        Program(byte[] in) {
            this.in = in;
        }

        boolean more() {
            return pos < in.length;
        }

        int next() {
            return pos < in.length ? in[pos++] & 0xff : 0;
        }

        byte[] topic() {
            int len = next();
            if (len >= 240) {
                byte[] t = new byte[(len - 239) * LONG_UNIT];
                Arrays.fill(t, (byte) next());
                return t;
            }
            int n = Math.min(len, in.length - pos);
            byte[] t = Arrays.copyOfRange(in, pos, pos + n);
            pos += n;
            if ((len & 1) == 0) {
                for (int i = 0; i < t.length; i++) {
                    t[i] = (byte) ('a' + (t[i] & 3));
                }
            }
            return t;
        }
    }

    @FuzzTest(maxDuration = "2m")
    void triesAgreeWithAPlainModel(byte[] input) {
        run(new Program(input));
    }

    private static void run(Program p) {
        PrefixTrie trie = new PrefixTrie();
        NavigableMap<ByteBuffer, Integer> counts = new TreeMap<>();
        MultiTrie<Integer> multi = new MultiTrie<>();
        NavigableMap<ByteBuffer, Set<Integer>> subs = new TreeMap<>();

        for (int step = 0; step < MAX_OPS && p.more(); step++) {
            int op = p.next();
            int sub = (op >> 3) & 3;
            switch (op & 7) {
                case 0 -> { // PrefixTrie.add
                    byte[] t = p.topic();
                    int before = counts.getOrDefault(ByteBuffer.wrap(t), 0);
                    counts.put(ByteBuffer.wrap(t), before + 1);
                    check(trie.add(t) == (before == 0), "PrefixTrie.add result");
                }
                case 1 -> { // PrefixTrie.remove
                    byte[] t = p.topic();
                    int before = counts.getOrDefault(ByteBuffer.wrap(t), 0);
                    if (before > 1) {
                        counts.put(ByteBuffer.wrap(t), before - 1);
                    } else {
                        counts.remove(ByteBuffer.wrap(t));
                    }
                    check(trie.remove(t) == (before == 1), "PrefixTrie.remove result");
                }
                case 2 -> { // match both against the models
                    byte[] data = p.topic();
                    int off = Math.min(data.length, p.next() & 3);
                    int len = data.length - off;
                    boolean[] any = new boolean[1];
                    forEachPrefix(counts, data, off, len, c -> any[0] = true);
                    check(trie.matches(data, off, len) == any[0], "PrefixTrie.matches disagrees with the model");
                    int[] got = new int[4];
                    multi.match(data, off, len, s -> got[s]++);
                    int[] want = new int[4];
                    forEachPrefix(subs, data, off, len, set -> {
                        for (int s : set) {
                            want[s]++;
                        }
                    });
                    if (!Arrays.equals(got, want)) {
                        throw new AssertionError("MultiTrie.match reported " + Arrays.toString(got)
                                + ", model " + Arrays.toString(want));
                    }
                }
                case 3 -> { // MultiTrie.add
                    byte[] t = p.topic();
                    Set<Integer> s = subs.computeIfAbsent(ByteBuffer.wrap(t), k -> new HashSet<>());
                    boolean first = s.isEmpty();
                    s.add(sub);
                    check(multi.add(t, 0, t.length, sub) == first, "MultiTrie.add result");
                }
                case 4 -> { // MultiTrie.remove
                    byte[] t = p.topic();
                    Set<Integer> s = subs.get(ByteBuffer.wrap(t));
                    boolean last = s != null && s.remove(sub) && s.isEmpty();
                    if (s != null && s.isEmpty()) {
                        subs.remove(ByteBuffer.wrap(t));
                    }
                    check(multi.remove(t, 0, t.length, sub) == last, "MultiTrie.remove result");
                }
                case 5 -> { // MultiTrie.removeAll (a subscriber's pipe went away)
                    Set<ByteBuffer> want = new TreeSet<>();
                    subs.entrySet().removeIf(e -> {
                        if (e.getValue().remove(sub) && e.getValue().isEmpty()) {
                            want.add(e.getKey());
                            return true;
                        }
                        return false;
                    });
                    Set<ByteBuffer> got = new TreeSet<>();
                    multi.removeAll(sub, t -> check(got.add(ByteBuffer.wrap(t)), "prefix orphaned twice"));
                    check(got.equals(want), () -> "MultiTrie.removeAll orphaned " + got.size() + ", model " + want.size());
                }
                case 6 -> { // enumerate both
                    Set<ByteBuffer> got = new HashSet<>();
                    trie.forEach(t -> check(got.add(ByteBuffer.wrap(t)), "PrefixTrie.forEach repeated a prefix"));
                    check(got.equals(counts.keySet()), "PrefixTrie.forEach disagrees with the model");
                    Map<ByteBuffer, Set<Integer>> pairs = new HashMap<>();
                    multi.forEach((t, s) -> check(pairs.computeIfAbsent(ByteBuffer.wrap(t), k -> new HashSet<>()).add(s),
                            "MultiTrie.forEach repeated a pair"));
                    check(pairs.equals(subs), "MultiTrie.forEach disagrees with the model");
                }
                default -> check(trie.isEmpty() == counts.isEmpty(), "PrefixTrie.isEmpty disagrees with the model");
            }
        }
    }

    /**
     * Calls {@code each} with the value of every key of {@code map} that is a prefix of
     * {@code data[off, off + len)}, longest first. Walks down with floor lookups: the largest key
     * not above the window is either a prefix of it (then the next one is sought below its length)
     * or shares only its first {@code l} bytes with it (then no prefix is longer than {@code l});
     * every step visits a smaller key, so at most one step per key.
     */
    private static <V> void forEachPrefix(NavigableMap<ByteBuffer, V> map, byte[] data, int off, int len,
            Consumer<V> each) {
        int bound = len;
        while (true) {
            Map.Entry<ByteBuffer, V> e = map.floorEntry(ByteBuffer.wrap(data, off, bound));
            if (e == null) {
                return;
            }
            ByteBuffer k = e.getKey();
            int n = k.remaining();
            int m = Arrays.mismatch(k.array(), k.arrayOffset() + k.position(), k.arrayOffset() + k.position() + n,
                    data, off, off + bound);
            int common = m < 0 ? n : m;
            if (common == n) {
                each.accept(e.getValue());
                if (n == 0) {
                    return;
                }
                bound = n - 1;
            } else {
                bound = common;
            }
        }
    }
}
