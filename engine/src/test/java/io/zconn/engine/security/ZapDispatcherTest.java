package io.zconn.engine.security;

import io.zconn.engine.ZapHandler;
import io.zconn.engine.pipe.Pipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The context's ZAP client: bounds, threads, failures of the Java handler. */
class ZapDispatcherTest {
    private final ZapDispatcher zap = new ZapDispatcher(() -> null);

    @AfterEach
    void close() {
        zap.close();
    }

    private static ZapHandler.Request request() {
        return new ZapHandler.Request("d", "127.0.0.1", null, "PLAIN", List.of("u".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "p".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void noHandlerAndNothingBoundMeansNoRequest() {
        assertThat(zap.request(request(), r -> { })).isNull();
    }

    @Test
    void outstandingRequestsAreBoundedAndTheSlotsComeBack() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        zap.handler(r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ZapHandler.Reply.accept("u");
        });
        List<ZapResult> results = new CopyOnWriteArrayList<>();
        for (int i = 0; i < ZapDispatcher.MAX_PENDING; i++) {
            assertThat(zap.request(request(), results::add)).isNotNull();
        }
        assertThat(results).isEmpty();
        zap.request(request(), results::add);
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.accepted()).isFalse();
            assertThat(r.statusText()).contains("too many");
        });
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> results.size() == ZapDispatcher.MAX_PENDING + 1);
        CountDownLatch one = new CountDownLatch(1);
        zap.request(request(), r -> one.countDown());
        assertThat(one.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void cancelledRequestsFreeTheirSlots() {
        zap.handler(r -> {
            try {
                Thread.sleep(60_000); // never answers in time: the test cancels
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ZapHandler.Reply.deny("late");
        });
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ZapDispatcher.MAX_PENDING; i++) {
                zap.request(request(), r -> { }).cancel();
            }
        }
        List<ZapResult> results = new CopyOnWriteArrayList<>();
        assertThat(zap.request(request(), results::add)).isNotNull();
        assertThat(results).isEmpty();
    }

    @Test
    void aThrowingHandlerRefusesWith500() {
        zap.handler(r -> {
            throw new IllegalStateException("directory down");
        });
        List<ZapResult> results = new CopyOnWriteArrayList<>();
        zap.request(request(), results::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 1);
        assertThat(results.get(0).statusCode()).isEqualTo(500);
    }

    @Test
    void aMalformedInprocReplyIsNoAnswer() {
        Pipe[] pair = Pipe.pair(0, 0);
        ZapDispatcher inproc = new ZapDispatcher(() -> pair[0]);
        List<ZapResult> results = new CopyOnWriteArrayList<>();
        inproc.request(request(), results::add);
        Pipe handler = pair[1];
        int frames = 0;
        while (handler.read() != null) {
            frames++;
        }
        assertThat(frames).isEqualTo(1 + 7 + 1); // delimiter, version..mechanism, username, password
        handler.write(io.zconn.engine.Frame.wrap(new byte[0], true));
        handler.write(io.zconn.engine.Frame.wrap("1.0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true));
        handler.write(io.zconn.engine.Frame.wrap("1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true));
        handler.write(io.zconn.engine.Frame.wrap("299".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true));
        handler.write(io.zconn.engine.Frame.wrap("OK".getBytes(java.nio.charset.StandardCharsets.US_ASCII), true));
        handler.write(io.zconn.engine.Frame.wrap(new byte[0], true));
        handler.write(io.zconn.engine.Frame.wrap(new byte[0], false));
        handler.flush();
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.statusCode()).isZero();
            assertThat(r.statusText()).contains("status code");
        });
        assertThat(pair[0].isTerminated()).isTrue();
        inproc.close();
    }
}
