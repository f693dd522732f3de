package io.zconn.perf;

/**
 * The little a perf tool needs from a ZeroMQ implementation, so that the tools in {@link Tools}
 * are written once and run unchanged on zconn and on JeroMQ. Each implementation uses its normal,
 * public user API (what an application would call), not internal fast paths.
 */
public interface PerfApi {
    /** Socket types the tools use. */
    enum Kind {
        /** Throughput sender. */
        PUSH,
        /** Throughput receiver. */
        PULL,
        /** Latency client. */
        REQ,
        /** Latency echo server. */
        REP,
        /** Scale tools: the publisher. */
        PUB,
        /** Scale tools: a subscriber. */
        SUB,
        /** Scale tools: the request/reply server. */
        ROUTER,
        /** Scale tools: a request/reply client. */
        DEALER
    }

    /** @return the implementation's name as given on the command line */
    String name();

    /** @return a new context with one I/O thread (as libzmq's tools create) */
    PerfContext newContext();

    /** A context; closing it waits for sockets' LINGER. */
    interface PerfContext extends AutoCloseable {
        /**
         * @param kind the socket type
         * @return a new socket
         */
        PerfSocket socket(Kind kind);

        /**
         * @param capacity how many sockets will be registered (a hint)
         * @return a new poller: the implementation's own way to wait on many sockets in one thread
         */
        PerfPoller poller(int capacity);

        @Override
        void close();
    }

    /** Waits for input on many sockets (zconn's {@code Poller}, JeroMQ's {@code ZMQ.Poller}). */
    interface PerfPoller extends AutoCloseable {
        /**
         * @param socket a socket of this poller's context, polled for input
         * @return its index for {@link #readable(int)}
         */
        int register(PerfSocket socket);

        /**
         * @param timeoutMillis how long to wait at most; 0 returns at once
         * @return how many sockets have input
         */
        int poll(long timeoutMillis);

        /**
         * @param index a registered socket's index
         * @return whether it had input at the last poll
         */
        boolean readable(int index);

        @Override
        void close();
    }

    /** A socket, used by one thread. */
    interface PerfSocket extends AutoCloseable {
        /** @param hwm SNDHWM and RCVHWM */
        void setHwm(int hwm);

        /**
         * Makes this socket a CURVE server.
         *
         * @param secretKey its secret key, Z85
         */
        void curveServer(String secretKey);

        /**
         * Makes this socket a CURVE client.
         *
         * @param serverKey the server's public key, Z85
         * @param publicKey this socket's public key, Z85
         * @param secretKey this socket's secret key, Z85
         */
        void curveClient(String serverKey, String publicKey, String secretKey);

        /** @param millis LINGER; -1 waits until everything is sent */
        void setLinger(int millis);

        /** @param millis RCVTIMEO; -1 waits forever */
        void setReceiveTimeout(int millis);

        /** @param endpoint where to bind */
        void bind(String endpoint);

        /** @param endpoint where to connect */
        void connect(String endpoint);

        /**
         * Sends one single-frame message, blocking while the HWM is reached.
         *
         * @param data the bytes (not modified afterwards)
         */
        void send(byte[] data);

        /**
         * Sends {@code n} single-frame messages as one burst, where the implementation has such a
         * call (zconn's {@code Socket.sendBatch}: one pipe flush per burst); one by one otherwise.
         *
         * @param data the messages (not modified afterwards)
         * @param n    how many of them, from the first
         */
        default void sendBatch(byte[][] data, int n) {
            for (int i = 0; i < n; i++) {
                send(data[i]);
            }
        }

        /**
         * Sends one single-frame message of {@code size} bytes for the throughput test, blocking
         * while the HWM is reached. By default a fresh array per message, as libzmq's remote_thr
         * makes a fresh message; an implementation may send from memory it keeps instead.
         *
         * @param size the message size
         */
        default void sendSized(int size) {
            send(new byte[size]);
        }

        /**
         * Says, before it binds or connects, the size of the messages this socket will receive, so
         * that an implementation may prepare for them (e.g. a receive buffer). By default nothing.
         *
         * @param size the message size
         */
        default void expectSize(int size) {
        }

        /** @return the size of the next message, or -1 when RCVTIMEO expired */
        int recv();

        /** @return receives a message and sends it straight back; its size, or -1 on RCVTIMEO */
        int echo();

        /** SUB: subscribes to everything. */
        void subscribeAll();

        /**
         * Receives one single-frame message if one is ready, without blocking.
         *
         * @return its size, or -1 when none is ready; its first byte is then {@link #lastTag()}
         */
        int tryRecv();

        /** @return the first byte (0-255) of the message last received by {@link #tryRecv()}, -1 if it was empty */
        int lastTag();

        /**
         * ROUTER: receives a request (routing id, body) and sends the body back to its sender.
         *
         * @return the body's size, or -1 on RCVTIMEO
         */
        int echoRouted();

        @Override
        void close();
    }
}
