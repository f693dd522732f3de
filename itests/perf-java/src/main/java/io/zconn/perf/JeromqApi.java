package io.zconn.perf;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/** {@link PerfApi} on JeroMQ's public API ({@code org.zeromq.ZMQ.Context} / {@code ZMQ.Socket}). */
public final class JeromqApi implements PerfApi {
    @Override
    public String name() {
        return "jeromq";
    }

    @Override
    public PerfContext newContext() {
        ZMQ.Context ctx = ZMQ.context(1);
        return new PerfContext() {
            @Override
            public PerfSocket socket(Kind kind) {
                return new JeromqSocket(ctx.socket(SocketType.valueOf(kind.name())));
            }

            @Override
            public PerfPoller poller(int capacity) {
                ZMQ.Poller poller = ctx.poller(capacity);
                return new PerfPoller() {
                    @Override
                    public int register(PerfSocket socket) {
                        return poller.register(((JeromqSocket) socket).s, ZMQ.Poller.POLLIN);
                    }

                    @Override
                    public int poll(long timeoutMillis) {
                        return poller.poll(timeoutMillis);
                    }

                    @Override
                    public boolean readable(int index) {
                        return poller.pollin(index);
                    }

                    @Override
                    public void close() {
                        poller.close();
                    }
                };
            }

            @Override
            public void close() {
                ctx.close();
            }
        };
    }

    private static final class JeromqSocket implements PerfSocket {
        private final ZMQ.Socket s;
        private int tag = -1;

        JeromqSocket(ZMQ.Socket s) {
            this.s = s;
        }

        @Override
        public void setHwm(int hwm) {
            s.setSndHWM(hwm);
            s.setRcvHWM(hwm);
        }

        @Override
        public void curveServer(String secretKey) {
            s.setCurveServer(true);
            s.setCurveSecretKey(ZMQ.Curve.z85Decode(secretKey));
        }

        @Override
        public void curveClient(String serverKey, String publicKey, String secretKey) {
            s.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
            s.setCurvePublicKey(ZMQ.Curve.z85Decode(publicKey));
            s.setCurveSecretKey(ZMQ.Curve.z85Decode(secretKey));
        }

        @Override
        public void setLinger(int millis) {
            s.setLinger(millis);
        }

        @Override
        public void setReceiveTimeout(int millis) {
            s.setReceiveTimeOut(millis);
        }

        @Override
        public void bind(String endpoint) {
            if (!s.bind(endpoint)) {
                throw new ZMQException("bind " + endpoint + " failed", s.errno());
            }
        }

        @Override
        public void connect(String endpoint) {
            if (!s.connect(endpoint)) {
                throw new ZMQException("connect " + endpoint + " failed", s.errno());
            }
        }

        @Override
        public void send(byte[] data) {
            if (!s.send(data, 0)) {
                throw new ZMQException("send failed", s.errno());
            }
        }

        @Override
        public int recv() {
            byte[] b = s.recv(0);
            return b == null ? -1 : b.length;
        }

        @Override
        public int echo() {
            byte[] b = s.recv(0);
            if (b == null) {
                return -1;
            }
            if (!s.send(b, 0)) {
                throw new ZMQException("send failed", s.errno());
            }
            return b.length;
        }

        @Override
        public void subscribeAll() {
            s.subscribe(new byte[0]);
        }

        @Override
        public int tryRecv() {
            byte[] b = s.recv(ZMQ.DONTWAIT);
            if (b == null) {
                return -1;
            }
            tag = b.length == 0 ? -1 : b[0] & 0xff;
            return b.length;
        }

        @Override
        public int lastTag() {
            return tag;
        }

        @Override
        public int echoRouted() {
            byte[] id = s.recv(0);
            if (id == null) {
                return -1;
            }
            byte[] body = s.recv(0);
            if (body == null) {
                throw new ZMQException("request without a body", s.errno());
            }
            if (!s.sendMore(id) || !s.send(body, 0)) {
                throw new ZMQException("send failed", s.errno());
            }
            return body.length;
        }

        @Override
        public void close() {
            s.close();
        }
    }
}
