package io.zconn.perf;

import io.zconn.engine.Context;
import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Poller;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PerfApi} on zconn's public API ({@link Context}, {@link Socket}, {@link Frame}).
 *
 * <p>Each tool's socket is used by one thread, so it is confined to it
 * ({@link ZmqOption#THREAD_CONFINED}, no lock per call), as a user who wants speed would do and as
 * libzmq's and JeroMQ's sockets always are. {@code ZPERF_ZCONN_CONFINED=0} runs zconn's default
 * shared sockets instead (a lock per call, safe to share between threads).
 *
 * <p>Messages of at least {@value #DIRECT_MIN} bytes take the direct-memory paths unless
 * {@code ZPERF_DIRECT=0}: the sender sends one direct {@link ByteBuffer} of the message size over
 * and over (unchanged, so allowed: {@link Frame}), written without a copy; the receiver sets
 * {@link ZmqOption#RECV_DIRECT} and receives with {@link Socket#recv(ByteBuffer)} into one direct
 * buffer it reuses (libzmq's {@code zmq_recv(buf)}), or with {@code ZPERF_DIRECT=frame} takes each
 * lent frame and releases it (libzmq's {@code zmq_msg_recv}). {@code ZPERF_DIRECT=0} keeps the
 * {@code byte[]} paths: a fresh array per message sent, a frame (an array) per message received.
 */
public final class ZconnApi implements PerfApi {
    private static final boolean CONFINED = !"0".equals(System.getenv("ZPERF_ZCONN_CONFINED"));
    /** Smallest message sent and received through direct memory. */
    static final int DIRECT_MIN = 8192;
    private static final String DIRECT = System.getenv().getOrDefault("ZPERF_DIRECT", "1").trim();

    @Override
    public String name() {
        return "zconn";
    }

    @Override
    public PerfContext newContext() {
        Context ctx = Context.builder().ioThreads(1).build();
        return new PerfContext() {
            @Override
            public PerfSocket socket(Kind kind) {
                Socket s = ctx.socket(SocketType.valueOf(kind.name()));
                if (CONFINED) {
                    s.setOption(ZmqOption.THREAD_CONFINED, true); // to the thread that runs the tool's loop
                }
                return new ZconnSocket(s);
            }

            @Override
            public PerfPoller poller(int capacity) {
                return new ZconnPoller();
            }

            @Override
            public void close() {
                ctx.close();
            }
        };
    }

    private static final class ZconnPoller implements PerfPoller {
        private final Poller poller = new Poller();

        @Override
        public int register(PerfSocket socket) {
            return poller.register(((ZconnSocket) socket).s, Poller.POLLIN);
        }

        @Override
        public int poll(long timeoutMillis) {
            return poller.poll(timeoutMillis);
        }

        @Override
        public boolean readable(int index) {
            return poller.isReadable(index);
        }

        @Override
        public void close() {
            poller.close();
        }
    }

    private static final class ZconnSocket implements PerfSocket {
        private final Socket s;
        private int tag = -1;
        private final List<Frame> burst = new ArrayList<>();
        /** The direct buffer sent again and again, or received into; null on the byte[] paths. */
        private ByteBuffer direct;
        private boolean recvDirect;
        private boolean recvFrames;

        ZconnSocket(Socket s) {
            this.s = s;
        }

        @Override
        public void setHwm(int hwm) {
            s.setOption(ZmqOption.SNDHWM, hwm);
            s.setOption(ZmqOption.RCVHWM, hwm);
        }

        @Override
        public void curveServer(String secretKey) {
            s.setOption(ZmqOption.CURVE_SERVER, true);
            s.setOption(ZmqOption.CURVE_SECRETKEY, secretKey.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void curveClient(String serverKey, String publicKey, String secretKey) {
            s.setOption(ZmqOption.CURVE_SERVERKEY, serverKey.getBytes(StandardCharsets.US_ASCII));
            s.setOption(ZmqOption.CURVE_PUBLICKEY, publicKey.getBytes(StandardCharsets.US_ASCII));
            s.setOption(ZmqOption.CURVE_SECRETKEY, secretKey.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void setLinger(int millis) {
            s.setOption(ZmqOption.LINGER, millis);
        }

        @Override
        public void setReceiveTimeout(int millis) {
            s.setOption(ZmqOption.RCVTIMEO, millis);
        }

        @Override
        public void bind(String endpoint) {
            s.bind(endpoint);
        }

        @Override
        public void connect(String endpoint) {
            s.connect(endpoint);
        }

        @Override
        public void send(byte[] data) {
            s.send(Frame.wrap(data));
        }

        @Override
        public void sendBatch(byte[][] data, int n) {
            burst.clear();
            for (int i = 0; i < n; i++) {
                burst.add(Frame.wrap(data[i]));
            }
            if (s.sendBatch(burst) != n) {
                throw new ZmqException(Errno.EAGAIN, "send timed out");
            }
        }

        @Override
        public void sendSized(int size) {
            if (size < DIRECT_MIN || DIRECT.equals("0")) {
                s.send(Frame.wrap(new byte[size]));
                return;
            }
            if (direct == null || direct.capacity() != size) {
                direct = ByteBuffer.allocateDirect(size);
            }
            s.send(Frame.wrap(direct.duplicate()));
        }

        @Override
        public void expectSize(int size) {
            if (size < DIRECT_MIN || DIRECT.equals("0")) {
                return;
            }
            s.setOption(ZmqOption.RECV_DIRECT, true);
            recvFrames = DIRECT.equals("frame");
            recvDirect = !recvFrames;
            direct = ByteBuffer.allocateDirect(size);
        }

        @Override
        public int recv() {
            try {
                if (recvDirect) {
                    direct.clear();
                    return s.recv(direct);
                }
                if (recvFrames) {
                    Frame f = s.recvFrame();
                    f.release();
                    return f.size();
                }
                return s.recvFrame().size();
            } catch (ZmqException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return -1;
                }
                throw e;
            }
        }

        @Override
        public int echo() {
            Frame f;
            try {
                f = s.recvFrame();
            } catch (ZmqException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return -1;
                }
                throw e;
            }
            s.send(f);
            return f.size();
        }

        @Override
        public void subscribeAll() {
            s.subscribe("");
        }

        @Override
        public int tryRecv() {
            Frame f = s.tryRecvFrame();
            if (f == null) {
                return -1;
            }
            int size = f.size();
            tag = size == 0 ? -1 : f.byteAt(0) & 0xff;
            return size;
        }

        @Override
        public int lastTag() {
            return tag;
        }

        @Override
        public int echoRouted() {
            Message m;
            try {
                m = s.recvMessage();
            } catch (ZmqException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return -1;
                }
                throw e;
            }
            s.send(m);
            return m.get(m.size() - 1).size();
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
