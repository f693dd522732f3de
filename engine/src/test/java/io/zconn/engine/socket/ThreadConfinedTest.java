package io.zconn.engine.socket;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * THREAD_CONFINED: a socket confined to one thread takes no lock, refuses every other thread at
 * once (EFSM, nothing touched), can be handed over, and still closes with its context.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadConfinedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();
    private final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-thread"));

    @AfterEach
    void close() {
        other.shutdownNow();
        ctx.close();
    }

    private static Socket confined(Socket s) {
        s.setOption(ZmqOption.THREAD_CONFINED, true);
        return s;
    }

    private static ZmqException failure(Future<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ZmqException z) {
                return z;
            }
            throw new AssertionError("unexpected failure", e.getCause());
        }
        throw new AssertionError("the call from another thread succeeded");
    }

    @Test
    void confinedSocketsCarryEveryMessageInOrderOverTcp() {
        Socket pull = confined(ctx.socket(SocketType.PULL));
        pull.bind("tcp://127.0.0.1:*");
        Socket push = confined(ctx.socket(SocketType.PUSH));
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        for (int i = 0; i < 10_000; i++) {
            push.send(Integer.toString(i));
        }
        for (int i = 0; i < 10_000; i++) {
            Frame f = pull.recvFrame(WAIT);
            assertThat(f).isNotNull();
            assertThat(f.text()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void threadSafeAndThreadConfinedTellTheMode() {
        Socket s = ctx.socket(SocketType.DEALER);
        assertThat(s.getOption(ZmqOption.THREAD_SAFE)).isTrue();
        assertThat(s.getOption(ZmqOption.THREAD_CONFINED)).isFalse();
        confined(s);
        assertThat(s.getOption(ZmqOption.THREAD_SAFE)).isFalse();
        assertThat(s.getOption(ZmqOption.THREAD_CONFINED)).isTrue();
        assertThat(ZmqOption.forName("zmq_thread_confined")).isSameAs(ZmqOption.THREAD_CONFINED);
    }

    @Test
    void callFromAnotherThreadFailsWithEfsmAndTheOwnerCarriesOn() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("inproc://confined-misuse");
        Socket push = confined(ctx.socket(SocketType.PUSH));
        push.connect("inproc://confined-misuse");
        push.send("one");

        ZmqException e = failure(other.submit(() -> push.send("intruder")));
        assertThat(e.errno()).isEqualTo(Errno.EFSM);
        assertThat(e.getMessage()).contains("THREAD_CONFINED", "'" + Thread.currentThread().getName() + "'", "'other-thread'");
        assertThat(failure(other.submit(() -> push.getOption(ZmqOption.SNDHWM))).errno()).isEqualTo(Errno.EFSM);
        assertThat(failure(other.submit(push::metrics)).errno()).isEqualTo(Errno.EFSM);
        assertThat(failure(other.submit(push::close)).errno()).isEqualTo(Errno.EFSM);

        push.send("two");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("one");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("two");
        assertThat(pull.recvFrame(Duration.ofMillis(100))).as("the intruder's message was not queued").isNull();
        assertThat(push.isClosed()).isFalse();
    }

    @Test
    void ownerHandsTheSocketOverBySharingItFirst() throws Exception {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("inproc://confined-handover");
        Socket push = confined(ctx.socket(SocketType.PUSH));
        push.connect("inproc://confined-handover");
        push.setOption(ZmqOption.THREAD_CONFINED, false);
        other.submit(() -> {
            push.setOption(ZmqOption.THREAD_CONFINED, true);
            push.send("from the new owner");
        }).get(10, TimeUnit.SECONDS);
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("from the new owner");
        assertThatThrownBy(() -> push.send("from the old owner"))
                .isInstanceOfSatisfying(ZmqException.class, z -> assertThat(z.errno()).isEqualTo(Errno.EFSM));
    }

    @Test
    void confinementAndMbeanNameExcludeEachOther() {
        Socket a = confined(ctx.socket(SocketType.PUSH));
        assertThatThrownBy(() -> a.setOption(ZmqOption.MBEAN_NAME, "io.zconn.test:name=confined"))
                .isInstanceOfSatisfying(ZmqException.class, z -> assertThat(z.errno()).isEqualTo(Errno.EINVAL));
        Socket b = ctx.socket(SocketType.PUSH);
        b.setOption(ZmqOption.MBEAN_NAME, "io.zconn.test:name=shared-then-confined");
        assertThatThrownBy(() -> confined(b))
                .isInstanceOfSatisfying(ZmqException.class, z -> assertThat(z.errno()).isEqualTo(Errno.EINVAL));
        assertThat(b.getOption(ZmqOption.THREAD_SAFE)).isTrue();
    }

    @Test
    void newPeerIsTakenAtTheOwnersNextCall() {
        Socket pull = confined(ctx.socket(SocketType.PULL));
        pull.bind("tcp://127.0.0.1:*");
        Socket push = ctx.socket(SocketType.PUSH);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        push.send("hello");
        assertThat(pull.recvFrame(WAIT).text()).isEqualTo("hello");
        assertThat(pull.peers()).isEqualTo(1);
    }

    @Test
    void contextCloseFromAnotherThreadWakesABlockedConfinedReceiver() throws Exception {
        CompletableFuture<Socket> ready = new CompletableFuture<>();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread owner = new Thread(() -> {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.setOption(ZmqOption.THREAD_CONFINED, true);
            pull.bind("tcp://127.0.0.1:*");
            ready.complete(pull);
            try {
                pull.recvFrame(); // RCVTIMEO -1: until the context closes
                outcome.set(new AssertionError("received a frame nobody sent"));
            } catch (ZmqException e) {
                outcome.set(e);
            }
            pull.close(); // the owner may still close it: nothing left to do
        }, "confined-owner");
        owner.start();
        Socket pull = ready.get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> owner.getState() == Thread.State.WAITING);
        ctx.close();
        owner.join(10_000);
        assertThat(owner.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOfSatisfying(ZmqException.class,
                z -> assertThat(z.errno()).isEqualTo(Errno.ETERM));
        assertThat(pull.isClosed()).isTrue();
    }

    @Test
    void contextCloseFromAnotherThreadLetsTheIdleOwnerFinishTheClose() throws Exception {
        Socket push = confined(ctx.socket(SocketType.PUSH));
        push.connect("tcp://127.0.0.1:1"); // nobody there: the pipe waits
        other.submit(ctx::close).get(20, TimeUnit.SECONDS);
        assertThat(push.isClosed()).isTrue();
        assertThatThrownBy(() -> push.send("late"))
                .isInstanceOfSatisfying(ZmqException.class, z -> assertThat(z.errno()).isEqualTo(Errno.ETERM));
        push.close(); // idempotent
    }
}
