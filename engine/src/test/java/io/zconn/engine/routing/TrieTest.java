package io.zconn.engine.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Subscription tries: no recursion whatever the topic length, and nothing left after removal. */
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
