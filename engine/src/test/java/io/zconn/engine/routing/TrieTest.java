package io.zconn.engine.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subscription tries: no recursion whatever the topic length, a topic costs about its own length,
 * nothing left after removal, and the same answers as a plain map under random operations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrieTest {
    private static final int MIB = 1 << 20;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longTopic(int len, byte fill) {
        byte[] t = new byte[len];
        Arrays.fill(t, fill);
        return t;
    }

    @Test
    void prefixTrieTakesAndDropsAMegabyteTopicWithoutRecursion() {
        PrefixTrie t = new PrefixTrie();
        byte[] topic = longTopic(MIB, (byte) 'x');
        assertThat(t.add(topic)).isTrue();
        assertThat(t.matches(topic, 0, topic.length)).isTrue();
        assertThat(t.matches(topic, 0, topic.length - 1)).isFalse();
        List<byte[]> seen = new ArrayList<>();
        t.forEach(seen::add);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).isEqualTo(topic);
        assertThat(t.remove(topic)).isTrue();
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.matches(topic, 0, topic.length)).isFalse();
    }

    @Test
    void prefixTrieRemovalPrunesOnlyWhatItEmptied() {
        PrefixTrie t = new PrefixTrie();
        t.add(b("ab"));
        t.add(b("abcd"));
        t.add(b("abxy"));
        t.add(b("abcd"));
        assertThat(t.remove(b("abcd"))).isFalse(); // counted twice
        assertThat(t.remove(b("abcd"))).isTrue();
        assertThat(t.remove(b("abc"))).isFalse(); // never added: a path, not a prefix
        assertThat(t.matches(b("abcz"), 0, 4)).isTrue(); // "ab" still there
        assertThat(t.remove(b("ab"))).isTrue();
        assertThat(t.matches(b("abcd"), 0, 4)).isFalse();
        assertThat(t.matches(b("abxyz"), 0, 5)).isTrue();
        assertThat(t.remove(b("abxy"))).isTrue();
        assertThat(t.isEmpty()).isTrue();
        assertThat(t.add(new byte[0])).isTrue();
        assertThat(t.matches(b("q"), 0, 1)).isTrue();
        assertThat(t.remove(new byte[0])).isTrue();
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void multiTrieTakesAndDropsMegabyteTopicsWithoutRecursion() {
        MultiTrie<String> t = new MultiTrie<>();
        byte[] topic = longTopic(MIB, (byte) 'y');
        assertThat(t.add(topic, 0, topic.length, "a")).isTrue();
        assertThat(t.add(topic, 0, topic.length / 2, "b")).isTrue();
        List<String> matched = new ArrayList<>();
        t.match(topic, 0, topic.length, matched::add);
        assertThat(matched).containsExactlyInAnyOrder("a", "b");
        List<Integer> lengths = new ArrayList<>();
        t.forEach((p, s) -> lengths.add(p.length));
        assertThat(lengths).containsExactlyInAnyOrder(MIB, MIB / 2);
        // a CANCEL of the long topic, then a disconnect (removeAll) of the other subscriber
        assertThat(t.remove(topic, 0, topic.length, "a")).isTrue();
        List<byte[]> orphaned = new ArrayList<>();
        t.removeAll("b", orphaned::add);
        assertThat(orphaned).hasSize(1);
        assertThat(orphaned.get(0)).isEqualTo(Arrays.copyOf(topic, MIB / 2));
        assertThat(t.isEmpty()).isTrue();
        // removeAll of a megabyte topic
        t.add(topic, 0, topic.length, "c");
        orphaned.clear();
        t.removeAll("c", orphaned::add);
        assertThat(orphaned).hasSize(1);
        assertThat(orphaned.get(0)).isEqualTo(topic);
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void multiTrieRemoveAllReportsExactlyTheOrphanedPrefixes() {
        MultiTrie<String> t = new MultiTrie<>();
        t.add(new byte[0], 0, 0, "a");
        t.add(b("a"), 0, 1, "a");
        t.add(b("ab"), 0, 2, "a");
        t.add(b("ab"), 0, 2, "b");
        t.add(b("abc"), 0, 3, "a");
        t.add(b("b"), 0, 1, "b");
        t.add(b("\u00ff"), 0, 2, "a");
        Set<String> orphaned = new HashSet<>();
        t.removeAll("a", p -> orphaned.add(new String(p, StandardCharsets.ISO_8859_1)));
        assertThat(orphaned).containsExactlyInAnyOrder("", "a", "abc",
                new String(b("\u00ff"), StandardCharsets.ISO_8859_1));
        List<String> left = new ArrayList<>();
        t.forEach((p, s) -> left.add(new String(p, StandardCharsets.ISO_8859_1) + "=" + s));
        assertThat(left).containsExactlyInAnyOrder("ab=b", "b=b");
        orphaned.clear();
        t.removeAll("b", p -> orphaned.add(new String(p, StandardCharsets.ISO_8859_1)));
        assertThat(orphaned).containsExactlyInAnyOrder("ab", "b");
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void multiTrieWithHundredThousandTopicsEmptiesCompletely() {
        MultiTrie<String> t = new MultiTrie<>();
        Random r = new Random(42);
        List<byte[]> topics = new ArrayList<>();
        Set<String> onlyA = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] topic = new byte[1 + r.nextInt(24)];
            r.nextBytes(topic);
            topics.add(topic);
            t.add(topic, 0, topic.length, "a");
            if (i % 2 == 0) {
                t.add(topic, 0, topic.length, "b");
            }
        }
        Set<String> ofB = new HashSet<>();
        for (int i = 0; i < topics.size(); i += 2) {
            ofB.add(new String(topics.get(i), StandardCharsets.ISO_8859_1));
        }
        for (byte[] topic : topics) {
            String k = new String(topic, StandardCharsets.ISO_8859_1);
            if (!ofB.contains(k)) {
                onlyA.add(k);
            }
        }
        Set<String> orphaned = new HashSet<>();
        t.removeAll("a", p -> orphaned.add(new String(p, StandardCharsets.ISO_8859_1)));
        assertThat(orphaned).isEqualTo(onlyA);
        for (int i = 0; i < topics.size(); i += 2) {
            byte[] topic = topics.get(i);
            t.remove(topic, 0, topic.length, "b");
        }
        assertThat(t.isEmpty()).isTrue();
        int[] left = {0};
        t.forEach((p, s) -> left[0]++);
        assertThat(left[0]).isZero();
    }

    @Test
    void prefixTrieWithHundredThousandTopicsEmptiesCompletely() {
        PrefixTrie t = new PrefixTrie();
        Random r = new Random(7);
        List<byte[]> topics = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            byte[] topic = new byte[r.nextInt(24)];
            r.nextBytes(topic);
            topics.add(topic);
            t.add(topic);
        }
        Set<String> expected = new HashSet<>();
        topics.forEach(p -> expected.add(new String(p, StandardCharsets.ISO_8859_1)));
        List<String> seen = new ArrayList<>();
        t.forEach(p -> seen.add(new String(p, StandardCharsets.ISO_8859_1)));
        assertThat(seen).hasSameSizeAs(expected); // once per prefix, whatever its count
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        for (byte[] topic : topics) {
            t.remove(topic);
        }
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void megabyteTopicsLeaveNoHeapBehind() {
        MultiTrie<String> mt = new MultiTrie<>();
        PrefixTrie pt = new PrefixTrie();
        long before = usedHeapAfterGc();
        for (int round = 0; round < 2; round++) {
            byte[] topic = longTopic(MIB, (byte) round);
            mt.add(topic, 0, topic.length, "s");
            pt.add(topic);
            mt.removeAll("s", p -> { });
            pt.remove(topic);
        }
        long growth = usedHeapAfterGc() - before;
        System.out.printf("megabyte topics: used heap %d -> %d bytes after GC%n", before, before + growth);
        assertThat(mt.isEmpty()).isTrue();
        assertThat(pt.isEmpty()).isTrue();
        assertThat(growth).as("heap growth in bytes").isLessThan(5L << 20);
    }

    @Test
    void deeplyNestedPrefixesAreWalkedWithoutRecursion() throws Exception {
        // on a 128 KiB stack, where a walk recursing once per node would overflow at this depth
        FutureTask<Void> task = new FutureTask<>(TrieTest::walkNestedPrefixes, null);
        Thread th = new Thread(null, task, "small-stack", 128 << 10);
        th.start();
        task.get(60, TimeUnit.SECONDS);
    }

    private static void walkNestedPrefixes() {
        // every prefix of one topic: one node per byte even compressed, so the walks go 10k deep
        byte[] topic = longTopic(10_000, (byte) 'n');
        MultiTrie<String> mt = new MultiTrie<>();
        for (int len = 1; len <= topic.length; len++) {
            mt.add(topic, 0, len, len % 2 == 0 ? "even" : "odd");
        }
        int[] matched = {0};
        mt.match(topic, 0, topic.length, s -> matched[0]++);
        assertThat(matched[0]).isEqualTo(topic.length);
        List<Integer> orphaned = new ArrayList<>();
        mt.removeAll("even", p -> orphaned.add(p.length));
        assertThat(orphaned).hasSize(topic.length / 2);
        assertThat(mt.checkShape()).isEqualTo(topic.length / 2 + 1);
        mt.removeAll("odd", p -> { });
        assertThat(mt.isEmpty()).isTrue();

        PrefixTrie pt = new PrefixTrie();
        for (int len = 0; len <= topic.length; len++) {
            pt.add(Arrays.copyOf(topic, len));
        }
        int[] seen = {0};
        pt.forEach(p -> seen[0]++);
        assertThat(seen[0]).isEqualTo(topic.length + 1);
        for (int len = topic.length; len >= 0; len -= 2) {
            assertThat(pt.remove(Arrays.copyOf(topic, len))).isTrue();
        }
        assertThat(pt.checkShape()).isEqualTo(topic.length / 2 + 1);
        assertThat(pt.matches(topic, 0, 1)).isTrue();
        assertThat(pt.matches(topic, 0, 0)).isFalse();
    }

    @Test
    void megabyteTopicsCostAboutTheirOwnLength() {
        // 16 distinct 1 MiB topics: a byte-per-node trie held ~56 bytes per topic byte (~900 MB)
        Random r = new Random(1);
        byte[][] topics = new byte[16][];
        for (int i = 0; i < topics.length; i++) {
            topics[i] = new byte[MIB];
            r.nextBytes(topics[i]);
        }
        long total = (long) topics.length * MIB;
        long limit = 2 * total + MIB;

        long before = usedHeapAfterGc();
        PrefixTrie pt = new PrefixTrie();
        for (byte[] t : topics) {
            assertThat(pt.add(t)).isTrue();
        }
        long prefixHeld = usedHeapAfterGc() - before;
        assertThat(pt.matches(topics[3], 0, MIB)).isTrue();

        before = usedHeapAfterGc();
        MultiTrie<String> mt = new MultiTrie<>();
        for (byte[] t : topics) {
            assertThat(mt.add(t, 0, t.length, "s")).isTrue();
        }
        long multiHeld = usedHeapAfterGc() - before;
        List<String> matched = new ArrayList<>();
        mt.match(topics[5], 0, MIB, matched::add);
        assertThat(matched).containsExactly("s");

        System.out.printf("16 x 1 MiB topics (%d bytes): PrefixTrie holds %d bytes, MultiTrie %d bytes%n",
                total, prefixHeld, multiHeld);
        assertThat(prefixHeld).as("PrefixTrie heap in bytes").isLessThan(limit);
        assertThat(multiHeld).as("MultiTrie heap in bytes").isLessThan(limit);
    }

    @Test
    void prefixTrieAgreesWithAMapUnderRandomOperations() {
        for (long seed = 0; seed < 8; seed++) {
            Random r = new Random(seed);
            PrefixTrie t = new PrefixTrie();
            Map<ByteBuffer, Integer> model = new HashMap<>();
            for (int op = 0; op < 5_000; op++) {
                byte[] k = randomTopic(r, 5);
                ByteBuffer key = ByteBuffer.wrap(k);
                int what = r.nextInt(10);
                if (what < 4) {
                    assertThat(t.add(k)).as("add %s", key).isEqualTo(!model.containsKey(key));
                    model.merge(key, 1, Integer::sum);
                } else if (what < 8) {
                    Integer c = model.get(key);
                    assertThat(t.remove(k)).as("remove %s", key).isEqualTo(c != null && c == 1);
                    if (c != null) {
                        if (c == 1) {
                            model.remove(key);
                        } else {
                            model.put(key, c - 1);
                        }
                    }
                } else {
                    byte[] data = randomTopic(r, 7);
                    boolean expected = model.keySet().stream().anyMatch(p -> startsWith(data, p));
                    assertThat(t.matches(data, 0, data.length)).as("match %s", ByteBuffer.wrap(data))
                            .isEqualTo(expected);
                }
                int nodes = t.checkShape();
                assertThat(nodes).isLessThanOrEqualTo(2 * model.size() + 1);
                assertThat(t.isEmpty()).isEqualTo(model.isEmpty());
                if (op % 100 == 0) {
                    Set<ByteBuffer> seen = new HashSet<>();
                    t.forEach(p -> assertThat(seen.add(ByteBuffer.wrap(p))).isTrue());
                    assertThat(seen).isEqualTo(model.keySet());
                }
            }
            for (Map.Entry<ByteBuffer, Integer> e : model.entrySet()) {
                for (int i = 0; i < e.getValue(); i++) {
                    t.remove(e.getKey().array());
                }
            }
            assertThat(t.isEmpty()).isTrue();
            assertThat(t.checkShape()).isEqualTo(1);
        }
    }

    @Test
    void multiTrieAgreesWithAMapUnderRandomOperations() {
        String[] subs = {"s0", "s1", "s2", "s3"};
        for (long seed = 0; seed < 8; seed++) {
            Random r = new Random(seed);
            MultiTrie<String> t = new MultiTrie<>();
            Map<ByteBuffer, Set<String>> model = new HashMap<>();
            for (int op = 0; op < 5_000; op++) {
                byte[] k = randomTopic(r, 5);
                // the key sits inside a larger array to exercise off/len
                byte[] framed = new byte[k.length + 2];
                System.arraycopy(k, 0, framed, 1, k.length);
                ByteBuffer key = ByteBuffer.wrap(k);
                String sub = subs[r.nextInt(subs.length)];
                int what = r.nextInt(20);
                if (what < 8) {
                    Set<String> s = model.computeIfAbsent(key, x -> new LinkedHashSet<>());
                    assertThat(t.add(framed, 1, k.length, sub)).as("add %s", key).isEqualTo(s.isEmpty());
                    s.add(sub);
                } else if (what < 15) {
                    Set<String> s = model.get(key);
                    boolean last = s != null && s.remove(sub) && s.isEmpty();
                    if (last) {
                        model.remove(key);
                    }
                    assertThat(t.remove(framed, 1, k.length, sub)).as("remove %s", key).isEqualTo(last);
                } else if (what < 16) {
                    Set<ByteBuffer> expected = new HashSet<>();
                    model.entrySet().removeIf(e -> {
                        if (e.getValue().remove(sub) && e.getValue().isEmpty()) {
                            expected.add(e.getKey());
                            return true;
                        }
                        return false;
                    });
                    List<ByteBuffer> orphaned = new ArrayList<>();
                    t.removeAll(sub, p -> orphaned.add(ByteBuffer.wrap(p)));
                    assertThat(orphaned).hasSameSizeAs(expected);
                    assertThat(new HashSet<>(orphaned)).isEqualTo(expected);
                } else {
                    byte[] data = randomTopic(r, 7);
                    List<String> expected = new ArrayList<>();
                    model.forEach((p, s) -> {
                        if (startsWith(data, p)) {
                            expected.addAll(s);
                        }
                    });
                    List<String> matched = new ArrayList<>();
                    t.match(data, 0, data.length, matched::add);
                    assertThat(matched).as("match %s", ByteBuffer.wrap(data))
                            .containsExactlyInAnyOrderElementsOf(expected);
                }
                int nodes = t.checkShape();
                assertThat(nodes).isLessThanOrEqualTo(2 * model.size() + 1);
                assertThat(t.isEmpty()).isEqualTo(model.isEmpty());
                if (op % 100 == 0) {
                    Map<ByteBuffer, Set<String>> seen = new HashMap<>();
                    t.forEach((p, s) -> assertThat(
                            seen.computeIfAbsent(ByteBuffer.wrap(p), x -> new HashSet<>()).add(s)).isTrue());
                    assertThat(seen).isEqualTo(model);
                }
            }
            for (String sub : subs) {
                t.removeAll(sub, p -> { });
            }
            assertThat(t.isEmpty()).isTrue();
            assertThat(t.checkShape()).isEqualTo(1);
        }
    }

    /** @return a topic of 0..maxLen bytes over a three-letter alphabet, so keys share prefixes */
    private static byte[] randomTopic(Random r, int maxLen) {
        byte[] k = new byte[r.nextInt(maxLen + 1)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) "ab\u00ff".charAt(r.nextInt(3));
        }
        return k;
    }

    private static boolean startsWith(byte[] data, ByteBuffer prefix) {
        byte[] p = new byte[prefix.remaining()];
        prefix.duplicate().get(p);
        return p.length <= data.length && Arrays.equals(p, 0, p.length, data, 0, p.length);
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
