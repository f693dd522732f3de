package io.zconn.engine.transport.pgm;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.HostWorkers;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.core.Transport;
import io.zconn.engine.pipe.Pipe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * {@code epgm://}: PGM (RFC 3208) over UDP, as libzmq speaks it with OpenPGM. A SUB or XSUB socket
 * joins the group on the named interface, takes the ODATA of every source in sequence order, and
 * delivers libzmq's messages (see {@link PgmReceiver}). A lost packet is reported (a WARNING, at most
 * one per {@link #WARN_INTERVAL_NANOS} per endpoint) and the stream resumes at the next message
 * start. A PUB socket sends ODATA and SPMs paced to RATE ({@link Sender}). Not yet: repair by NAK and
 * RDATA (so RECOVERY_IVL has no effect), XPUB and IPv6 (EPROTONOSUPPORT).
 *
 * <p>{@code pgm://} is the same PGM directly in IP (protocol 113): the endpoint's packets go through a
 * raw socket ({@link RawLink}: JNA, Linux, root or CAP_NET_RAW) instead of UDP ({@link UdpLink}); the
 * rest is shared ({@link PgmLink}).
 *
 * <p>As in libzmq, bind and connect mean the same for epgm. Each endpoint has one thread, from the
 * host's executor or thread factory when it gave one; a receiver blocks in the channel's receive,
 * a sender waits for messages (at most {@link #SPM_IVL_NANOS}); both end when the channel closes
 * (disconnect, socket close, context close).
 */
public final class EpgmTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(EpgmTransport.class.getName());
    /** Largest UDP payload. */
    private static final int MAX_DATAGRAM = 65535;
    /** At most one loss or malformed-packet warning per endpoint per this interval. */
    static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
    /** Test hook: when set, a data packet whose sequence number it accepts is dropped in the receive path. */
    static volatile java.util.function.LongPredicate dropForTest;
    /** An idle sender sends an SPM this often. */
    static final long SPM_IVL_NANOS = 1_000_000_000L;
    /** How far a sender may fall behind RATE and catch up at once. */
    static final long RATE_BURST_NANOS = 10_000_000L;
    /** A receiver's longest wait for a packet before it looks at its state again. */
    static final long RECEIVE_WAIT_NANOS = 1_000_000_000L;

    private final Executor threads;
    private final Set<Receiver> receivers = ConcurrentHashMap.newKeySet();
    private final Set<Sender> senders = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    /** Counters of one receiving endpoint, read by tests and diagnostics. */
    public record Stats(long messages, long packets, long lostPackets, long gaps, long malformed, long hwmDrops) {
    }

    /**
     * @param executor      the host's executor (each task gets a long-lived thread), or null
     * @param threadFactory the host's thread factory, used when there is no executor, or null
     */
    public EpgmTransport(Executor executor, ThreadFactory threadFactory) {
        this.threads = HostWorkers.threads("zconn-epgm", executor, threadFactory);
    }

    @Override
    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        return connect(socket, ep);
    }

    @Override
    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        SocketType type = socket.type();
        if (type == SocketType.XPUB) {
            throw new ZmqException(Errno.EPROTONOSUPPORT, "XPUB over epgm is not supported yet (PUB is): " + ep);
        }
        if (type != SocketType.SUB && type != SocketType.XSUB && type != SocketType.PUB) {
            throw new ZmqException(Errno.EINVAL, type + " sockets cannot use epgm (PUB, XPUB, SUB, XSUB only): " + ep);
        }
        if (shutdown) {
            throw new ZmqException(Errno.ETERM, "context is closed");
        }
        EpgmAddress address = EpgmAddress.parse(ep.address());
        Options opts = socket.optionsSnapshot();
        if (type == SocketType.PUB) {
            return sender(socket, ep, address, opts);
        }
        PgmLink ch = ep.transport() == Endpoint.Transport.PGM
                ? PgmLink.raw(address, true, opts.get(ZmqOption.MULTICAST_HOPS), false, opts.get(ZmqOption.RCVBUF),
                        opts.get(ZmqOption.SNDBUF), ep.text())
                : PgmLink.udp(open(address, opts, ep));
        Receiver r = new Receiver(socket, ep.text(), ch, opts);
        receivers.add(r);
        try {
            start(r);
        } catch (RuntimeException e) {
            r.close();
            r.pipe.terminate(); // no thread will
            throw new ZmqException(Errno.EOTHER, "cannot start the epgm receive thread for " + ep + ": " + e, e);
        }
        return r;
    }

    private static DatagramChannel open(EpgmAddress a, Options opts, Endpoint ep) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            // OpenPGM binds its sockets with SO_REUSEPORT (and SO_REUSEADDR): sharing the port with a
            // libzmq peer on this host needs both
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            int rcvbuf = opts.get(ZmqOption.RCVBUF);
            if (rcvbuf > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
            }
            ch.bind(new InetSocketAddress(a.port()));
            ch.join(a.group(), a.networkInterface());
            return ch;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing what failed to open
                }
            }
            throw new ZmqException(Errno.EINVAL, "cannot join " + a.group().getHostAddress() + " port " + a.port()
                    + " on " + a.interfaceText() + " for " + ep + ": " + e, e);
        }
    }

    private void start(Receiver r) {
        start((Runnable) r::run);
    }

    private void start(Runnable task) {
        threads.execute(task);
    }

    private EndpointHandle sender(SocketBase socket, Endpoint ep, EpgmAddress a, Options opts) {
        if (ep.transport() == Endpoint.Transport.PGM) {
            PgmLink raw = PgmLink.raw(a, false, opts.get(ZmqOption.MULTICAST_HOPS), false, opts.get(ZmqOption.RCVBUF),
                    opts.get(ZmqOption.SNDBUF), ep.text());
            return started(new Sender(socket, ep.text(), raw, a, opts), ep);
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, a.networkInterface());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, opts.get(ZmqOption.MULTICAST_HOPS));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false); // as libzmq
            int sndbuf = opts.get(ZmqOption.SNDBUF);
            if (sndbuf > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, sndbuf);
            }
            ch.bind(new InetSocketAddress(0));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing what failed to open
                }
            }
            throw new ZmqException(Errno.EINVAL, "cannot send to " + a.group().getHostAddress() + " port " + a.port()
                    + " on " + a.interfaceText() + " for " + ep + ": " + e, e);
        }
        return started(new Sender(socket, ep.text(), PgmLink.udp(ch), a, opts), ep);
    }

    private EndpointHandle started(Sender s, Endpoint ep) {
        senders.add(s);
        try {
            start((Runnable) s::run);
        } catch (RuntimeException e) {
            s.close();
            s.pipe.terminate(); // no thread will
            throw new ZmqException(Errno.EOTHER, "cannot start the epgm send thread for " + ep + ": " + e, e);
        }
        return s;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        for (Receiver r : receivers) {
            r.close();
        }
        for (Sender s : senders) {
            s.close();
        }
    }

    /**
     * One sending endpoint (PUB): takes the socket's messages from its pipe, packs them as libzmq
     * does ({@link V1Packer}) into ODATA of at most MULTICAST_MAXTPDU bytes as IP packets, paced to
     * RATE, with an SPM first and whenever idle for {@link #SPM_IVL_NANOS}. It keeps no transmit
     * window: ODATA says trail = its own sequence number, so receivers report loss instead of
     * asking for repair (NAK/RDATA not yet).
     */
    final class Sender implements EndpointHandle, Pipe.Events {
        private final String endpoint;
        private final PgmLink channel;
        private final InetSocketAddress group;
        private final Pipe pipe;
        private final V1Packer packer;
        private final long gsi;
        private final int sourcePort;
        private final int destPort;
        private final byte[] nla;
        private final long bytesPerSecond;
        private volatile boolean closed;
        private volatile Thread thread;
        private boolean ended;
        private long sqn;
        private long spmSqn;
        /** When the rate allows the next packet (System.nanoTime). */
        private long nextSend = System.nanoTime();

        Sender(SocketBase socket, String endpoint, PgmLink channel, EpgmAddress a, Options opts) {
            this.endpoint = endpoint;
            this.channel = channel;
            this.group = new InetSocketAddress(a.group(), a.port());
            this.destPort = a.port();
            java.security.SecureRandom random = new java.security.SecureRandom();
            this.gsi = random.nextLong() & 0xffffffffffffL;
            this.sourcePort = 1 + random.nextInt(0xfffe);
            byte[] local = {0, 0, 0, 0};
            for (java.util.Enumeration<java.net.InetAddress> e = a.networkInterface().getInetAddresses(); e.hasMoreElements();) {
                java.net.InetAddress ia = e.nextElement();
                if (ia instanceof java.net.Inet4Address) {
                    local = ia.getAddress();
                    break;
                }
            }
            this.nla = local;
            // IP (20) + UDP (8, epgm only) + PGM header (16) + ODATA fields (8)
            this.packer = new V1Packer(Math.min(0xffff, opts.get(ZmqOption.MULTICAST_MAXTPDU) - 24
                    - channel.headerBytes()));
            this.bytesPerSecond = opts.get(ZmqOption.RATE) * 1000L / 8;
            Pipe[] pair = Pipe.pair(opts.sndHwm(), 0);
            pair[0].attachment(this);
            pair[0].peerSocketType(SocketType.SUB.name());
            pair[0].endpoint(endpoint);
            this.pipe = pair[1];
            pipe.setEvents(this);
            // PGM carries no subscriptions upstream: the PUB sends everything, as libzmq's does
            pipe.write(Frame.wrap(new byte[] {1}));
            pipe.flush();
            socket.attachNow(pair[0]);
        }

        void run() {
            thread = Thread.currentThread();
            try {
                spm();
                long lastSent = System.nanoTime();
                while (!closed && !ended) {
                    byte[] tsdu = packer.next(this::pull);
                    if (tsdu == null) {
                        if (System.nanoTime() - lastSent >= SPM_IVL_NANOS) {
                            spm();
                            lastSent = System.nanoTime();
                        }
                        if (!pipe.checkRead() && !closed) {
                            java.util.concurrent.locks.LockSupport.parkNanos(this, SPM_IVL_NANOS);
                        }
                        continue;
                    }
                    send(PgmWriter.data(PgmPacket.ODATA, gsi, sourcePort, destPort, sqn, sqn, tsdu, 0, tsdu.length));
                    sqn = (sqn + 1) & 0xffffffffL;
                    lastSent = System.nanoTime();
                }
                if (ended) {
                    spm(); // tell receivers where the stream ended
                }
            } catch (java.nio.channels.ClosedChannelException e) {
                // closed by disconnect or close: the normal end
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm sending failed; the endpoint stops", e);
                }
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm send thread died", e);
                throw e;
            } finally {
                close();
                pipe.terminate();
            }
        }

        @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
        private Frame pull() {
            Frame f = pipe.read();
            if (f == Pipe.DELIMITER) {
                ended = true; // the socket closed: what it queued before is sent, then the thread ends
                return null;
            }
            return f;
        }

        private void spm() throws IOException {
            send(PgmWriter.spm(gsi, sourcePort, destPort, spmSqn, sqn, (sqn - 1) & 0xffffffffL, nla));
            spmSqn = (spmSqn + 1) & 0xffffffffL;
        }

        /** Sends one packet when RATE allows (IP and UDP headers counted, as OpenPGM does). */
        private void send(byte[] packet) throws IOException {
            long now = System.nanoTime();
            while (nextSend - now > 0 && !closed) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, nextSend - now);
                now = System.nanoTime();
            }
            nextSend = Math.max(nextSend, now - RATE_BURST_NANOS)
                    + (packet.length + channel.headerBytes()) * 1_000_000_000L / bytesPerSecond;
            channel.send(ByteBuffer.wrap(packet), group);
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        @Override
        public void close() {
            closed = true;
            senders.remove(this);
            channel.close();
            wake();
        }

        private void wake() {
            Thread t = thread;
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }

        @Override
        public void readActivated(Pipe p) {
            wake();
        }

        @Override
        public void writeActivated(Pipe p) {
        }

        @Override
        public void terminated(Pipe p) {
            wake(); // the delimiter is read after the socket's last messages
        }
    }

    /** One receiving endpoint: its channel, its pipe to the socket, its thread's loop. */
    final class Receiver implements EndpointHandle, PgmReceiver.Listener, Pipe.Events {
        private final String endpoint;
        private final PgmLink channel;
        private final Pipe pipe;
        private final PgmReceiver pgm;
        private volatile boolean closed;
        private long hwmDrops;
        private long lastWarn = System.nanoTime() - WARN_INTERVAL_NANOS;
        private long unwarnedLost;
        private long unwarnedMalformed;
        private volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0);

        Receiver(SocketBase socket, String endpoint, PgmLink channel, Options opts) {
            this.endpoint = endpoint;
            this.channel = channel;
            this.pgm = new PgmReceiver(this, opts.get(ZmqOption.MAXMSGSIZE));
            Pipe[] pair = Pipe.pair(0, opts.rcvHwm());
            pair[0].attachment(this);
            pair[0].peerSocketType(SocketType.PUB.name());
            pair[0].endpoint(endpoint);
            this.pipe = pair[1];
            pipe.setEvents(this);
            socket.attachNow(pair[0]);
        }

        void run() {
            ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
            try {
                while (!closed) {
                    buf.clear();
                    if (channel.receive(buf, RECEIVE_WAIT_NANOS) == null) {
                        continue;
                    }
                    pipe.drainInbound(); // subscriptions the socket wrote: PGM carries none upstream
                    java.util.function.LongPredicate drop = dropForTest;
                    if (drop != null && buf.position() >= PgmPacket.HEADER + 8
                            && (buf.get(4) == PgmPacket.ODATA || buf.get(4) == PgmPacket.RDATA)
                            && drop.test(buf.getInt(16) & 0xffffffffL)) {
                        continue;
                    }
                    pgm.datagram(buf.array(), 0, buf.position());
                    pipe.flush();
                    stats = new Stats(pgm.messages(), pgm.packets(), pgm.lostPackets(), pgm.gaps(),
                            pgm.malformedCount(), hwmDrops);
                }
            } catch (ClosedChannelException e) {
                // closed by disconnect or close: the normal end
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm receiving failed; the endpoint stops", e);
                }
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm receive thread died", e);
                throw e;
            } finally {
                close();
                pipe.terminate(); // only this thread writes the pipe
            }
        }

        @Override
        public void message(List<Frame> message) {
            if (!pipe.checkWrite()) {
                // as over tcp for a PUB's subscriber at its HWM: the message is dropped, counted
                hwmDrops++;
                return;
            }
            for (Frame f : message) {
                pipe.write(f);
            }
        }

        @Override
        public void gap(long tsi, long expected, long got, long lost) {
            unwarnedLost += lost;
            warn("lost " + lost + " packet(s) of source " + Long.toHexString(tsi) + " (expected sequence " + expected
                    + ", got " + got + "); repair (NAK/RDATA) is not supported yet: the partial message is dropped and"
                    + " delivery resumes at the next message start");
        }

        @Override
        public void malformed(long tsi, String why) {
            unwarnedMalformed++;
            warn("dropped a malformed packet or stream" + (tsi == 0 ? "" : " of source " + Long.toHexString(tsi))
                    + ": " + why);
        }

        private void warn(String what) {
            long now = System.nanoTime();
            if (now - lastWarn >= WARN_INTERVAL_NANOS) {
                lastWarn = now;
                LOG.log(System.Logger.Level.WARNING, endpoint + ": " + what + " (since the last warning: "
                        + unwarnedLost + " packet(s) lost, " + unwarnedMalformed + " malformed)");
                unwarnedLost = 0;
                unwarnedMalformed = 0;
            }
        }

        /** @return the endpoint's counters as of the last datagram */
        Stats stats() {
            return stats;
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        @Override
        public void close() {
            closed = true;
            receivers.remove(this);
            channel.close();
        }

        @Override
        public void readActivated(Pipe p) {
            // subscriptions are drained by the receive thread; PGM sends nothing upstream
        }

        @Override
        public void writeActivated(Pipe p) {
        }

        @Override
        public void terminated(Pipe p) {
            close();
        }
    }

    /**
     * @param endpoint the endpoint as given to connect or bind
     * @return the counters of that receiving endpoint, or null when none is open
     */
    Stats stats(String endpoint) {
        for (Receiver r : receivers) {
            if (r.endpoint().equals(endpoint)) {
                return r.stats();
            }
        }
        return null;
    }
}
