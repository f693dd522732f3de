package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTest {
    private static Pipe[] pair(int hwm) {
        return Pipe.pair(hwm, hwm);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void loadBalancerRotatesAndSkipsFullPipes() {
        LoadBalancer lb = new LoadBalancer();
        Pipe[] a = pair(1);
        Pipe[] c = pair(0);
        lb.attach(a[0]);
        lb.attach(c[0]);
        assertThat(lb.send(Frame.of("1"))).isTrue();
        assertThat(lb.send(Frame.of("2"))).isTrue();
        assertThat(lb.send(Frame.of("3"))).isTrue(); // a is full: goes to c
        assertThat(a[1].read().text()).isEqualTo("1");
        assertThat(c[1].read().text()).isEqualTo("2");
        assertThat(c[1].read().text()).isEqualTo("3");
    }

    @Test
    void loadBalancerRefusesWhenAllPipesAreFull() {
        LoadBalancer lb = new LoadBalancer();
        Pipe[] a = pair(1);
        lb.attach(a[0]);
        assertThat(lb.send(Frame.of("1"))).isTrue();
        assertThat(lb.send(Frame.of("2"))).isFalse();
        assertThat(lb.hasOut()).isFalse();
        a[1].read();
        lb.activate(a[0]);
        assertThat(lb.send(Frame.of("2"))).isTrue();
    }

    @Test
    void loadBalancerKeepsFramesOfOneMessageTogether() {
        LoadBalancer lb = new LoadBalancer();
        Pipe[] a = pair(0);
        Pipe[] c = pair(0);
        lb.attach(a[0]);
        lb.attach(c[0]);
        lb.send(Frame.of("x").withMore(true));
        lb.send(Frame.of("y"));
        assertThat(a[1].read().text()).isEqualTo("x");
        assertThat(a[1].read().text()).isEqualTo("y");
        assertThat(c[1].read()).isNull();
    }

    @Test
    void loadBalancerRemovesPipeInConstantTime() {
        LoadBalancer lb = new LoadBalancer();
        List<Pipe[]> pipes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Pipe[] p = pair(0);
            pipes.add(p);
            lb.attach(p[0]);
        }
        lb.remove(pipes.get(2)[0]);
        assertThat(lb.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            lb.send(Frame.of("m"));
        }
        assertThat(pipes.get(2)[1].read()).isNull();
    }

    @Test
    void fairQueueAlternatesBetweenPipesWholeMessagesAtATime() {
        FairQueue fq = new FairQueue();
        Pipe[] a = pair(0);
        Pipe[] c = pair(0);
        fq.attach(a[1]);
        fq.attach(c[1]);
        a[0].write(Frame.of("a1").withMore(true));
        a[0].write(Frame.of("a2"));
        a[0].write(Frame.of("a3"));
        a[0].flush();
        c[0].write(Frame.of("c1"));
        c[0].flush();
        List<String> got = new ArrayList<>();
        Frame f;
        while ((f = fq.recv()) != null) {
            got.add(f.text());
        }
        assertThat(got).containsExactly("a1", "a2", "c1", "a3");
    }

    @Test
    void fairQueueDropsPipeAfterItsDelimiter() {
        List<Pipe> finished = new ArrayList<>();
        FairQueue fq = new FairQueue(finished::add);
        Pipe[] a = pair(0);
        fq.attach(a[1]);
        a[0].write(Frame.of("bye"));
        a[0].terminate();
        assertThat(fq.recv().text()).isEqualTo("bye");
        assertThat(fq.recv()).isNull();
        assertThat(finished).containsExactly(a[1]);
        assertThat(fq.size()).isZero();
    }

    @Test
    void distributorSkipsFullPipesForTheWholeMessage() {
        Distributor d = new Distributor();
        Pipe[] a = pair(1);
        Pipe[] c = pair(0);
        d.attach(a[0]);
        d.attach(c[0]);
        d.matchAll();
        d.sendToMatching(Frame.of("1"));
        d.matchAll();
        d.sendToMatching(Frame.of("2").withMore(true));
        d.sendToMatching(Frame.of("3"));
        assertThat(a[1].read().text()).isEqualTo("1");
        assertThat(a[1].read()).isNull();
        assertThat(c[1].read().text()).isEqualTo("1");
        assertThat(c[1].read().text()).isEqualTo("2");
        assertThat(c[1].read().text()).isEqualTo("3");
    }

    @Test
    void prefixTrieMatchesPrefixesWithReferenceCounts() {
        PrefixTrie t = new PrefixTrie();
        assertThat(t.add(b("ab"))).isTrue();
        assertThat(t.add(b("ab"))).isFalse();
        byte[] msg = b("abc");
        assertThat(t.matches(msg, 0, msg.length)).isTrue();
        assertThat(t.matches(b("a"), 0, 1)).isFalse();
        assertThat(t.remove(b("ab"))).isFalse();
        assertThat(t.matches(msg, 0, msg.length)).isTrue();
        assertThat(t.remove(b("ab"))).isTrue();
        assertThat(t.matches(msg, 0, msg.length)).isFalse();
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void emptyPrefixMatchesEverything() {
        PrefixTrie t = new PrefixTrie();
        t.add(new byte[0]);
        assertThat(t.matches(new byte[0], 0, 0)).isTrue();
        assertThat(t.matches(b("zzz"), 0, 3)).isTrue();
    }

    @Test
    void multiTrieReportsSubscribersOfEveryMatchingPrefix() {
        MultiTrie<String> t = new MultiTrie<>();
        byte[] a = b("a");
        byte[] ab = b("ab");
        assertThat(t.add(a, 0, 1, "s1")).isTrue();
        assertThat(t.add(ab, 0, 2, "s2")).isTrue();
        assertThat(t.add(ab, 0, 2, "s3")).isFalse();
        List<String> hit = new ArrayList<>();
        byte[] msg = b("abc");
        t.match(msg, 0, 3, hit::add);
        assertThat(hit).containsExactlyInAnyOrder("s1", "s2", "s3");
        hit.clear();
        t.match(b("b"), 0, 1, hit::add);
        assertThat(hit).isEmpty();
    }

    @Test
    void multiTrieRemoveAllReportsOrphanedPrefixes() {
        MultiTrie<String> t = new MultiTrie<>();
        t.add(b("x"), 0, 1, "s1");
        t.add(b("xy"), 0, 2, "s1");
        t.add(b("xy"), 0, 2, "s2");
        List<String> orphaned = new ArrayList<>();
        t.removeAll("s1", p -> orphaned.add(new String(p, StandardCharsets.UTF_8)));
        assertThat(orphaned).containsExactly("x");
        List<String> hit = new ArrayList<>();
        t.match(b("xyz"), 0, 3, hit::add);
        assertThat(hit).containsExactly("s2");
    }

    @Test
    void multiTrieUnsubscribeTellsNotFoundLastRemovedAndValuesRemainApart() {
        MultiTrie<String> t = new MultiTrie<>();
        byte[] x = b("x");
        t.add(x, 0, 1, "s1");
        t.add(x, 0, 1, "s2");
        assertThat(t.unsubscribe(x, 0, 1, "s3")).isEqualTo(MultiTrie.Removal.NOT_FOUND);
        assertThat(t.unsubscribe(b("y"), 0, 1, "s1")).isEqualTo(MultiTrie.Removal.NOT_FOUND);
        assertThat(t.unsubscribe(x, 0, 1, "s1")).isEqualTo(MultiTrie.Removal.VALUES_REMAIN);
        assertThat(t.unsubscribe(x, 0, 1, "s2")).isEqualTo(MultiTrie.Removal.LAST_REMOVED);
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void multiTrieRemoveAllCanReportEveryPrefixOfTheSubscriber() {
        MultiTrie<String> t = new MultiTrie<>();
        t.add(b("x"), 0, 1, "s1");
        t.add(b("xy"), 0, 2, "s1");
        t.add(b("xy"), 0, 2, "s2");
        List<String> reported = new ArrayList<>();
        t.removeAll("s1", true, p -> reported.add(new String(p, StandardCharsets.UTF_8)));
        assertThat(reported).containsExactlyInAnyOrder("x", "xy");
        List<String> hit = new ArrayList<>();
        t.match(b("xyz"), 0, 3, hit::add);
        assertThat(hit).containsExactly("s2");
    }

    @Test
    void distributorReverseMatchSelectsTheActivePipesThatDidNotMatch() {
        Distributor d = new Distributor();
        Pipe[] a = pair(0);
        Pipe[] c = pair(0);
        Pipe[] e = pair(0);
        d.attach(a[0]);
        d.attach(c[0]);
        d.attach(e[0]);
        d.match(c[0]);
        d.reverseMatch();
        d.sendToMatching(Frame.of("not c"));
        assertThat(a[1].read().text()).isEqualTo("not c");
        assertThat(c[1].read()).isNull();
        assertThat(e[1].read().text()).isEqualTo("not c");
    }

    @Test
    void distributorMatchingWritableIsFalseWhileAMatchingPipeIsFull() {
        Distributor d = new Distributor();
        Pipe[] full = pair(1);
        Pipe[] free = pair(0);
        d.attach(full[0]);
        d.attach(free[0]);
        d.matchAll();
        d.sendToMatching(Frame.of("1")); // fills 'full'
        d.match(free[0]);
        assertThat(d.matchingWritable()).as("only the free pipe matches").isTrue();
        d.unmatch();
        d.match(full[0]);
        d.match(free[0]);
        assertThat(d.matchingWritable()).isFalse();
        d.unmatch();
        assertThat(full[1].read().text()).isEqualTo("1");
        assertThat(full[0].checkWrite()).isTrue();
    }
}
