package io.zconn.ra.inflow;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.ra.TestBootstrap;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqMessage;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link ZmqBatchListener} beans: one endpoint call (one transaction) per batch of what the socket holds,
 * at most {@code maxBatch}, in arrival order; refused on request-reply activations.
 */
class BatchListenerTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    static final List<List<String>> BATCHES = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch gate = new CountDownLatch(0);
    static volatile CountDownLatch firstCall = new CountDownLatch(1);
    static volatile boolean fail;

    private final TestBootstrap bootstrap = new TestBootstrap();
    private final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    private Context peers;

    /** Records each batch; the first call waits for the test's gate. */
    public static class Batch implements ZmqBatchListener {
        @Override
        public void onMessages(List<ZmqMessage> messages) {
            firstCall.countDown();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new IllegalStateException("batch failed");
            }
            List<String> texts = new ArrayList<>();
            for (ZmqMessage m : messages) {
                texts.add(m.text());
            }
            BATCHES.add(texts);
        }
    }

    @BeforeEach
    void start() throws Exception {
        BATCHES.clear();
        gate = new CountDownLatch(0);
        firstCall = new CountDownLatch(1);
        fail = false;
        ra.start(bootstrap);
        peers = new Context();
    }

    @AfterEach
    void stop() throws Exception {
        gate.countDown();
        ra.stop();
        peers.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> bootstrap.active() == 0);
        bootstrap.shutdown();
    }

    private static ZmqActivationSpec spec(String type) {
        ZmqActivationSpec s = new ZmqActivationSpec();
        s.setSocketType(type);
        s.setEndpoints(ANY_PORT);
        s.setBind(true);
        return s;
    }

    @Test
    void aBatchBeanGetsWhatQueuedUpInOneTransactedCallPerBatchInArrivalOrder() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Batch.class, Batch::new, true, ZmqBatchListener.class);
        ZmqActivationSpec s = spec("PULL");
        s.setMaxConcurrentDeliveries(1);
        s.setMaxBatch(50);
        gate = new CountDownLatch(1);
        ra.endpointActivation(f, s);
        ZmqActivation a = ra.activations().get(0);
        try (Socket push = peers.socket(SocketType.PUSH)) {
            push.connect(a.lastEndpoint());
            push.send(Message.of("m0"));
            assertThat(firstCall.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < 200; i++) {
                push.send(Message.of("m" + i));
            }
            // the others queue up in the socket while the first batch is held
            await().atMost(Duration.ofSeconds(10)).until(() -> a.receivedCount() >= 2);
            gate.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.deliveredCount() == 200);
        }
        List<String> all = new ArrayList<>();
        BATCHES.forEach(all::addAll);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("m" + i);
        }
        assertThat(all).containsExactlyElementsOf(expected);
        assertThat(BATCHES.get(0)).containsExactly("m0");
        assertThat(BATCHES).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 50));
        assertThat(BATCHES.size()).as("199 messages in batches of 50 at most, not a call each").isBetween(5, 199);
        assertThat(f.events.stream().filter("before"::equals).count()).as("one transaction per batch")
                .isEqualTo(BATCHES.size());
        assertThat(f.events.stream().filter("after"::equals).count()).isEqualTo(BATCHES.size());
    }

    @Test
    void aFailedBatchIsRetriedWholeThenEachMessageCountsAsFailed() throws Exception {
        TestEndpointFactory f = new TestEndpointFactory(Batch.class, Batch::new, true, ZmqBatchListener.class);
        ZmqActivationSpec s = spec("PULL");
        s.setOrderedDelivery(true);
        s.setMaxRetries(1);
        s.setRetryInterval(0);
        fail = true;
        gate = new CountDownLatch(1);
        ra.endpointActivation(f, s);
        ZmqActivation a = ra.activations().get(0);
        try (Socket push = peers.socket(SocketType.PUSH)) {
            push.connect(a.lastEndpoint());
            push.send(Message.of("a"));
            assertThat(firstCall.await(10, TimeUnit.SECONDS)).isTrue();
            push.send(Message.of("b"));
            push.send(Message.of("c"));
            gate.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.failedCount() == 3);
        }
        assertThat(a.deliveredCount()).isZero();
        long calls = f.events.stream().filter("invoke"::equals).count();
        assertThat(calls).as("each batch tried twice, as a whole").isEqualTo(2 * a.retriedCount());
        assertThat(calls).isBetween(2L, 6L);
        assertThat(a.droppedCount()).isEqualTo(3);
    }

    @Test
    void aBatchBeanOnARequestReplyActivationIsRefused() {
        TestEndpointFactory f = new TestEndpointFactory(Batch.class, Batch::new, false, ZmqBatchListener.class);
        assertThatThrownBy(() -> ra.endpointActivation(f, spec("REP"))).isInstanceOf(ResourceException.class)
                .hasMessageContaining("one-way");
        assertThat(ra.activations()).isEmpty();
    }

    @Test
    void maxBatchIsValidated() {
        ZmqActivationSpec s = spec("PULL");
        s.setMaxBatch(0);
        assertThatThrownBy(s::validate).isInstanceOf(InvalidPropertyException.class).hasMessageContaining("maxBatch");
        s.setMaxBatch(100);
        assertThat(s.getMaxBatch()).isEqualTo(100);
    }
}
