package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.pipe.Pipe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Socket#sendBatch}: one flush per burst, and still no lost wake-up: the reader sees every
 * frame of a burst without the writer sending anything more, also when the burst must wait for
 * room at the HWM, and multipart messages stay whole.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchSendTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    private static List<Frame> burst(int from, int n) {
        List<Frame> frames = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            frames.add(Frame.of(Integer.toString(i)));
        }
        return frames;
    }

    @Test
    void everyBurstReachesAnIdleReaderWithoutAnotherSend() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.THREAD_CONFINED, true);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        int next = 0;
        for (int round = 1; round <= 50; round++) {
            // the previous burst was all received: the sending I/O thread is idle (asleep) now
            assertThat(push.sendBatch(burst(next, round))).isEqualTo(round);
            for (int i = 0; i < round; i++) {
                Frame f = pull.recvFrame(WAIT);
                assertThat(f).as("frame %d of burst %d", i, round).isNotNull();
                assertThat(f.text()).isEqualTo(Integer.toString(next++));
            }
        }
    }

    @Test
    void burstBeyondTheHwmLetsTheReaderDrainBeforeWaiting() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVHWM, 10);
        pull.bind("inproc://batch-hwm");
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            Socket push = ctx.socket(SocketType.PUSH);
            push.setOption(ZmqOption.SNDHWM, 10);
            push.connect("inproc://batch-hwm");
            sent.complete(push.sendBatch(burst(0, 5000)));
        }, "batch-writer");
        writer.start();
        for (int i = 0; i < 5000; i++) {
            Frame f = pull.recvFrame(WAIT);
            assertThat(f).as("message %d", i).isNotNull();
            assertThat(f.text()).isEqualTo(Integer.toString(i));
        }
        assertThat(sent.get(10, TimeUnit.SECONDS)).isEqualTo(5000);
    }

    @Test
    void burstOverSeveralPipesReachesEachOfThem() {
        Socket a = ctx.socket(SocketType.PULL);
        a.bind("inproc://batch-a");
        Socket b = ctx.socket(SocketType.PULL);
        b.bind("inproc://batch-b");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect("inproc://batch-a");
        push.connect("inproc://batch-b");
        assertThat(push.peers()).isEqualTo(2);
        push.sendBatch(burst(0, 10)); // round-robin: five each
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(a.recvFrame(WAIT).text());
            got.add(b.recvFrame(WAIT).text());
        }
        assertThat(got).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    @Test
    void multipartMessagesInABurstStayWhole() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        List<Frame> frames = List.of(Frame.of("a1").withMore(true), Frame.of("a2"),
                Frame.of("b1").withMore(true), Frame.of("b2").withMore(true), Frame.of("b3"));
        assertThat(push.sendBatch(frames)).isEqualTo(5);
        Message a = pull.recvMessage(WAIT);
        Message b = pull.recvMessage(WAIT);
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.get(1).text()).isEqualTo("a2");
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.get(2).text()).isEqualTo("b3");
    }

    @Test
    void deferredPipeFlushesOnceAtTheEndOfTheBurst() {
        Pipe[] pair = Pipe.pair(0, 0);
        int[] wakeUps = {0};
        pair[1].setEvents(new Pipe.Events() {
            @Override
            public void readActivated(Pipe pipe) {
                wakeUps[0]++;
            }

            @Override
            public void writeActivated(Pipe pipe) {
            }

            @Override
            public void terminated(Pipe pipe) {
            }
        });
        assertThat(pair[1].read()).as("the reader goes to sleep on an empty pipe").isNull();
        pair[0].deferFlushes();
        for (int i = 0; i < 3; i++) {
            pair[0].write(Frame.of("m" + i));
            pair[0].flush();
        }
        assertThat(wakeUps[0]).as("no wake-up while deferred").isZero();
        pair[0].endDeferral();
        assertThat(wakeUps[0]).as("one wake-up for the burst").isEqualTo(1);
        assertThat(pair[1].read().text()).isEqualTo("m0");
    }
}
