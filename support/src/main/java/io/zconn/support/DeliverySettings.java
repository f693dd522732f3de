package io.zconn.support;

import io.zconn.engine.SocketType;

import java.time.Duration;
import java.util.Objects;

/**
 * How one socket's messages are delivered. Built with {@link #builder}; the defaults are the
 * resource adapter's documented ones.
 *
 * @param role             the socket's role: REP even when a ROUTER is used underneath (the envelope
 *                         rules and the {@link ReplyPolicy} follow the role)
 * @param maxConcurrent    deliveries in parallel on the delivery executor; 0 = one at a time, in
 *                         arrival order, on the receive loop's own thread
 * @param maxRetries       retries of a delivery whose listener threw
 * @param retryIntervalMs  pause before a retry (ms)
 * @param replyPolicy      what a request whose listener failed gets
 * @param drainTimeout     how long stop keeps delivering what was already received
 * @param stopSlack        extra time stop gives the loop and running deliveries after the drain timeout
 * @param interruptWait    after that, stop interrupts the threads still in a listener call and waits
 *                         this long for them; {@link Duration#ZERO}: never interrupt
 * @param backoffInitialMs the receive loop's first pause after a failure (ms)
 * @param backoffMaxMs     its largest pause (ms)
 * @param poll             the receive loop's bounded wait for a message
 * @param replyTimeout     how long a reply may wait for room
 * @param deadLetterTimeout how long a dead letter may wait for room while running (0 while stopping)
 * @param maxBatch         the most messages one listener call takes ({@link DeliveryTarget#deliverBatch}); 1 (the
 *                         default): one message per call. Above 1, a call takes the message that started it and
 *                         what the socket already holds, up to this many, never waiting for more; only for roles
 *                         that send no replies (PULL, SUB, ...)
 */
public record DeliverySettings(SocketType role, int maxConcurrent, int maxRetries, long retryIntervalMs,
                               ReplyPolicy replyPolicy, Duration drainTimeout, Duration stopSlack,
                               Duration interruptWait, long backoffInitialMs, long backoffMaxMs, Duration poll,
                               Duration replyTimeout, Duration deadLetterTimeout, int maxBatch) {

    /** Validates. */
    public DeliverySettings {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(replyPolicy, "replyPolicy");
        if (maxConcurrent < 0 || maxRetries < 0 || retryIntervalMs < 0) {
            throw new IllegalArgumentException("maxConcurrent, maxRetries and retryInterval must be >= 0");
        }
        if (backoffInitialMs <= 0 || backoffMaxMs < backoffInitialMs) {
            throw new IllegalArgumentException("backoff " + backoffInitialMs + ".." + backoffMaxMs);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1: " + maxBatch);
        }
        if (maxBatch > 1 && ReplyPolicy.canReply(role)) {
            throw new IllegalArgumentException("batch delivery is for one-way sockets (PULL, SUB, ...), not " + role);
        }
        for (Duration d : new Duration[] {drainTimeout, stopSlack, interruptWait, poll, replyTimeout,
                deadLetterTimeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must be >= 0");
            }
        }
    }

    /**
     * @param role the socket's role
     * @return a builder with the defaults: 4 concurrent deliveries, 2 retries 100 ms apart, EMPTY
     *         replies on failure, 10 s drain + 1 s slack, no interrupt, back-off 100 ms to 30 s,
     *         100 ms polls, 5 s reply and 1 s dead-letter timeouts
     */
    public static Builder builder(SocketType role) {
        return new Builder(role);
    }

    /** @return whether a listener call takes several messages */
    public boolean batches() {
        return maxBatch > 1;
    }

    /** @return whether deliveries run one at a time on the loop's thread */
    public boolean ordered() {
        return maxConcurrent == 0;
    }

    /** Builds {@link DeliverySettings}. */
    public static final class Builder {
        private final SocketType role;
        private int maxConcurrent = 4;
        private int maxRetries = 2;
        private long retryIntervalMs = 100;
        private ReplyPolicy replyPolicy = ReplyPolicy.DEFAULT;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration stopSlack = Duration.ofSeconds(1);
        private Duration interruptWait = Duration.ZERO;
        private long backoffInitialMs = 100;
        private long backoffMaxMs = 30_000;
        private Duration poll = Duration.ofMillis(100);
        private Duration replyTimeout = Duration.ofSeconds(5);
        private Duration deadLetterTimeout = Duration.ofSeconds(1);
        private int maxBatch = 1;

        private Builder(SocketType role) {
            this.role = role;
        }

        /**
         * @param n deliveries in parallel; 0 = ordered on the loop's thread
         * @return this
         */
        public Builder maxConcurrent(int n) {
            this.maxConcurrent = n;
            return this;
        }

        /**
         * @param n retries after a failed attempt
         * @return this
         */
        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        /**
         * @param ms pause before a retry
         * @return this
         */
        public Builder retryIntervalMs(long ms) {
            this.retryIntervalMs = ms;
            return this;
        }

        /**
         * @param p reply policy
         * @return this
         */
        public Builder replyPolicy(ReplyPolicy p) {
            this.replyPolicy = p;
            return this;
        }

        /**
         * @param d drain timeout
         * @return this
         */
        public Builder drainTimeout(Duration d) {
            this.drainTimeout = d;
            return this;
        }

        /**
         * @param d stop slack
         * @return this
         */
        public Builder stopSlack(Duration d) {
            this.stopSlack = d;
            return this;
        }

        /**
         * @param d how long to wait after interrupting stuck listener calls; ZERO = never interrupt
         * @return this
         */
        public Builder interruptWait(Duration d) {
            this.interruptWait = d;
            return this;
        }

        /**
         * @param initialMs first pause
         * @param maxMs     largest pause
         * @return this
         */
        public Builder backoff(long initialMs, long maxMs) {
            this.backoffInitialMs = initialMs;
            this.backoffMaxMs = maxMs;
            return this;
        }

        /**
         * @param d the receive loop's bounded wait
         * @return this
         */
        public Builder poll(Duration d) {
            this.poll = d;
            return this;
        }

        /**
         * @param d reply timeout
         * @return this
         */
        public Builder replyTimeout(Duration d) {
            this.replyTimeout = d;
            return this;
        }

        /**
         * @param d dead-letter timeout
         * @return this
         */
        public Builder deadLetterTimeout(Duration d) {
            this.deadLetterTimeout = d;
            return this;
        }

        /**
         * @param n the most messages one listener call takes; 1: one per call
         * @return this
         */
        public Builder maxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        /** @return the settings */
        public DeliverySettings build() {
            return new DeliverySettings(role, maxConcurrent, maxRetries, retryIntervalMs, replyPolicy, drainTimeout,
                    stopSlack, interruptWait, backoffInitialMs, backoffMaxMs, poll, replyTimeout, deadLetterTimeout,
                    maxBatch);
        }
    }
}
