package io.zconn.support;

import io.zconn.engine.Message;
import io.zconn.engine.SocketType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Fakes for the delivery layer's plug points: socket, target, clock, executor, dead letters, events. */
final class Fakes {
    private Fakes() {
    }

    /** A socket: messages (or failures to throw) queued by the test; replies recorded. */
    static final class Channel implements Inbox, Outbox {
        final BlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
        final List<Message> replies = new CopyOnWriteArrayList<>();

        Channel push(Object... items) {
            for (Object o : items) {
                incoming.add(o instanceof String s ? Message.of(s) : o);
            }
            return this;
        }

        @Override
        public Message receive(Duration timeout) {
            Object o;
            try {
                o = timeout.isZero() ? incoming.poll() : incoming.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (o instanceof RuntimeException r) {
                throw r;
            }
            if (o instanceof Error e) {
                throw e;
            }
            return (Message) o;
        }

        @Override
        public boolean send(Message message, Duration timeout) {
            replies.add(message);
            return true;
        }
    }

    /** A listener: behaviour per call, the calls recorded. */
    static final class Target implements DeliveryTarget {
        interface Behaviour {
            Message call(Message body) throws Exception;
        }

        final List<String> calls = new CopyOnWriteArrayList<>();
        /** The size of each batch call, in call order. */
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final AtomicInteger invocations = new AtomicInteger();
        volatile Behaviour behaviour = body -> null;
        /** Runs once per batch call, before its messages go through {@link #behaviour}. */
        volatile Runnable onBatch = () -> { };
        volatile boolean answers = true;

        @Override
        public Message deliver(Message body) throws Exception {
            invocations.incrementAndGet();
            calls.add(body.isEmpty() ? "" : body.get(body.size() - 1).text());
            return behaviour.call(body);
        }

        @Override
        public boolean answers() {
            return answers;
        }

        @Override
        public void deliverBatch(List<Message> bodies) throws Exception {
            invocations.incrementAndGet();
            batchSizes.add(bodies.size());
            onBatch.run();
            for (Message body : bodies) {
                calls.add(body.isEmpty() ? "" : body.get(body.size() - 1).text());
                behaviour.call(body);
            }
        }
    }

    /** A clock whose pauses take no time: each is recorded and moves the time on. */
    static final class Clock implements DeliveryClock {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final List<Long> pauses = new CopyOnWriteArrayList<>();
        /** When set, a pause waits for its wake-up signal (at most 10 s) instead of returning at once. */
        volatile boolean pausesWait;

        @Override
        public long nanoTime() {
            return now.get();
        }

        void advanceMillis(long ms) {
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
        }

        @Override
        public boolean pause(long millis, CountDownLatch wake) throws InterruptedException {
            pauses.add(millis);
            if (pausesWait) {
                return wake.await(10, TimeUnit.SECONDS);
            }
            advanceMillis(millis);
            return wake.getCount() == 0;
        }
    }

    /** An executor whose tasks the test runs (or rejects) by hand. */
    static final class ManualExecutor implements DeliveryExecutor {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final BlockingQueue<Consumer<Throwable>> rejections = new LinkedBlockingQueue<>();
        volatile boolean refuse;
        /** Whether a task may deliver several messages (set before the inflow is built). */
        volatile boolean severalPerTask;

        @Override
        public boolean deliversSeveralPerTask() {
            return severalPerTask;
        }

        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected) {
            if (refuse) {
                throw new java.util.concurrent.RejectedExecutionException("refused", new IllegalStateException("full"));
            }
            tasks.add(task);
            rejections.add(onRejected);
        }

        void runNext() throws InterruptedException {
            rejections.take();
            tasks.take().run();
        }

        void rejectNext() throws InterruptedException {
            tasks.take();
            rejections.take().accept(new IllegalStateException("rejected later"));
        }
    }

    /** A thread per task, tasks delivering several messages in a row; counts the tasks started and ended. */
    static final class CountingThreads implements DeliveryExecutor {
        final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected) {
            started.incrementAndGet();
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    ended.incrementAndGet();
                }
            }, "delivery");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public boolean deliversSeveralPerTask() {
            return true;
        }
    }

    /** A thread per delivery. */
    static final class Threads implements DeliveryExecutor {
        @Override
        public void execute(Runnable task, Consumer<Throwable> onRejected) {
            Thread t = new Thread(task, "delivery");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Dead letters kept in a list, or refused. */
    static final class DeadLetterList implements DeadLetters {
        final List<Message> letters = new CopyOnWriteArrayList<>();
        volatile boolean refuse;

        @Override
        public String endpoint() {
            return "test://dead";
        }

        @Override
        public boolean send(Message body, Duration timeout) {
            if (refuse) {
                return false;
            }
            letters.add(body);
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Every event as a line: its name and its main argument. */
    static final class Events implements DeliveryEvents {
        final List<String> lines = new CopyOnWriteArrayList<>();

        long count(String name) {
            return lines.stream().filter(l -> l.startsWith(name)).count();
        }

        List<String> names() {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                out.add(l.split(" ", 2)[0]);
            }
            return out;
        }

        @Override
        public void receiveFailing(Throwable cause, long firstMs, long maxMs) {
            lines.add("receiveFailing " + cause);
        }

        @Override
        public void receiveRecovered(int failures, long millis) {
            lines.add("receiveRecovered " + failures);
        }

        @Override
        public void loopFailed(Throwable error) {
            lines.add("loopFailed " + error);
        }

        @Override
        public void loopInterrupted() {
            lines.add("loopInterrupted");
        }

        @Override
        public void attemptFailed(int attempt, Throwable cause) {
            lines.add("attemptFailed " + attempt);
        }

        @Override
        public void deliveryFailed(int attempts, long failedSoFar, Throwable cause) {
            lines.add("deliveryFailed " + attempts);
        }

        @Override
        public void deadLettered(String endpoint) {
            lines.add("deadLettered " + endpoint);
        }

        @Override
        public void deadLetterFailed(String endpoint, long droppedSoFar, Object reason) {
            lines.add("deadLetterFailed " + reason);
        }

        @Override
        public void messageDropped(String reason, long droppedSoFar, Throwable cause) {
            lines.add("messageDropped " + reason);
        }

        @Override
        public void drained(long delivered, long deadLettered, long dropped, long millis) {
            lines.add("drained " + delivered + "/" + deadLettered + "/" + dropped);
        }

        @Override
        public void stopTimedOut() {
            lines.add("stopTimedOut");
        }

        @Override
        public void interrupting(List<Thread> threads, long afterMs) {
            lines.add("interrupting " + threads.size());
        }

        @Override
        public void stillRunning(List<Thread> threads) {
            lines.add("stillRunning " + threads.size());
        }

        @Override
        public void replyFailed(Throwable cause) {
            lines.add("replyFailed " + cause);
        }

        @Override
        public void replyIgnored(SocketType type) {
            lines.add("replyIgnored " + type);
        }
    }
}
