package io.zconn.perf.jmh;

import io.zconn.engine.routing.MultiTrie;
import io.zconn.engine.routing.PrefixTrie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Subscription matching: {@link PrefixTrie} (a SUB's filter: does any subscription prefix this
 * message?) and {@link MultiTrie} (a PUB's: which subscribers want this message?), with
 * {@code topics} subscriptions shaped like {@code "market.<sym>."}, and messages that half match.
 * Score: matches per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SubscriptionBench {
    private static final int MESSAGES = 1024;

    /** Number of distinct subscription prefixes. */
    @Param({"10", "1000"})
    public int topics;

    /** Subscribers of the multi-trie; each topic has two of them. */
    @Param({"100"})
    public int subscribers;

    private final PrefixTrie filter = new PrefixTrie();
    private final MultiTrie<Integer> multi = new MultiTrie<>();
    private byte[][] messages;
    private int next;
    private java.util.function.Consumer<Integer> sink;

    /**
     * Fills the tries and the messages.
     *
     * @param bh where matched subscribers go
     */
    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        sink = bh::consume;
        Random rnd = new Random(42);
        for (int t = 0; t < topics; t++) {
            byte[] prefix = topic(t);
            filter.add(prefix);
            // two subscribers per topic
            multi.add(prefix, 0, prefix.length, t % subscribers);
            multi.add(prefix, 0, prefix.length, (t * 7 + 1) % subscribers);
        }
        messages = new byte[MESSAGES][];
        for (int i = 0; i < MESSAGES; i++) {
            // half the messages carry a subscribed topic, half a topic nobody asked for
            int t = rnd.nextInt(topics * 2);
            byte[] head = topic(t);
            byte[] m = new byte[head.length + 32];
            System.arraycopy(head, 0, m, 0, head.length);
            messages[i] = m;
        }
    }

    private static byte[] topic(int t) {
        return ("market.S" + t + ".").getBytes(StandardCharsets.US_ASCII);
    }

    /** @return whether the next message passes a SUB's filter */
    @Benchmark
    public boolean subFilter() {
        byte[] m = messages[next++ & (MESSAGES - 1)];
        return filter.matches(m, 0, m.length);
    }

    /** Reports every subscriber of the next message to a black hole. */
    @Benchmark
    public void pubMatch() {
        byte[] m = messages[next++ & (MESSAGES - 1)];
        multi.match(m, 0, m.length, sink);
    }
}
