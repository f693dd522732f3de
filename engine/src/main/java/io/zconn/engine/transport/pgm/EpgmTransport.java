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
 * delivers libzmq's messages (see {@link PgmReceiver}). A lost packet is NAKed and its RDATA awaited,
 * later packets held meanwhile ({@link ReceiveWindow}, {@link NakScheduler}); a packet that cannot be
 * repaired is reported (a WARNING, at most one per {@link #WARN_INTERVAL_NANOS} per endpoint, a
 * {@link io.zconn.engine.SocketEvent.Type#DATA_LOST} event, {@link Stats}) and the stream resumes at
 * the next message start. A PUB or XPUB socket sends ODATA and SPMs paced to RATE, keeps RECOVERY_IVL
 * of them and repairs what receivers NAK with NCF and RDATA ({@link Sender}, {@link PgmSource}).
 * Not yet: IPv6 (EPROTONOSUPPORT).
 *
 * <p>{@code pgm://} is the same PGM directly in IP (protocol 113): the endpoint's packets go through a
 * raw socket ({@link RawLink}: JNA, Linux, root or CAP_NET_RAW) instead of UDP; a receiver reads
 * them through a {@link PgmLink} ({@link UdpLink} or {@link RawLink}), a sender through a
 * {@link SourceLink} ({@link UdpSourceLink} or {@link RawSourceLink}); the rest is shared.
 *
 * <p>As in libzmq, bind and connect mean the same for epgm. Each endpoint has one thread, from the
 * host's executor or thread factory when it gave one; a receiver waits for datagrams or its next
 * NAK timer, a sender waits in a selector for messages, NAKs or its next SPM (at most
 * {@link #SPM_IVL_NANOS}); both end when the channel closes (disconnect, socket close, context
 * close; a sender with LINGER sends what was queued first).
 */
public final class EpgmTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(EpgmTransport.class.getName());
    /** Largest UDP payload. */
    private static final int MAX_DATAGRAM = 65535;
    /** At most one loss or malformed-packet warning per endpoint per this interval. */
    static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
    /** Test hook: when set, an ODATA packet whose sequence number it accepts is dropped in the receive path. */
    static volatile java.util.function.LongPredicate dropForTest;
    /** Test hook: when set, an RDATA packet whose sequence number it accepts is dropped in the receive path. */
    static volatile java.util.function.LongPredicate dropRepairForTest;
    /** An idle sender sends an SPM this often. */
    static final long SPM_IVL_NANOS = 1_000_000_000L;
    /**
     * Test hook: when set, an ODATA whose sequence number it accepts is not sent the first time
     * (it is kept for repair as if it had been), in every epgm sender of this JVM.
     */
    static volatile java.util.function.LongPredicate suppressForTest;
    /** Test hook: when set, senders read NAKs and SPMRs but do not act on them (no repair). */
    static volatile boolean ignoreNaksForTest;
    /** How long a lingering sender goes on after its last message: its heartbeat SPMs and their NAKs. */
    static final long LINGER_TAIL_NANOS = PgmSource.HEARTBEAT_NANOS * (PgmSource.HEARTBEATS + 1);

    private final Executor threads;
    private final Set<Receiver> receivers = ConcurrentHashMap.newKeySet();
    private final Set<Sender> senders = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    /**
     * Counters of one receiving endpoint, read by tests and diagnostics.
     *
     * @param messages    messages delivered to the socket's pipe (or dropped at its HWM)
     * @param packets     data packets taken (ODATA and RDATA)
     * @param lostPackets data packets lost beyond repair
     * @param gaps        runs of packets lost beyond repair (each reported)
     * @param malformed   malformed packets or streams
     * @param hwmDrops    messages dropped at RCVHWM
     * @param naksSent    NAK packets sent
     * @param repaired    missing packets that arrived later (by RDATA, mostly)
     */
    public record Stats(long messages, long packets, long lostPackets, long gaps, long malformed, long hwmDrops,
                        long naksSent, long repaired) {
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
        if (type != SocketType.SUB && type != SocketType.XSUB && type != SocketType.PUB && type != SocketType.XPUB) {
            throw new ZmqException(Errno.EINVAL, type + " sockets cannot use epgm (PUB, XPUB, SUB, XSUB only): " + ep);
        }
        if (shutdown) {
            throw new ZmqException(Errno.ETERM, "context is closed");
        }
        EpgmAddress address = EpgmAddress.parse(ep.address());
        Options opts = socket.optionsSnapshot();
        if (type == SocketType.PUB || type == SocketType.XPUB) {
            return sender(socket, ep, address, opts);
        }
        PgmLink ch = ep.transport() == Endpoint.Transport.PGM
                ? PgmLink.raw(address, true, opts.get(ZmqOption.MULTICAST_HOPS), false, opts.get(ZmqOption.RCVBUF),
                        opts.get(ZmqOption.SNDBUF), ep.text())
                : open(address, opts, ep);
        Receiver r;
        try {
            r = new Receiver(socket, ep.text(), ch, address, opts);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
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

    private static PgmLink open(EpgmAddress a, Options opts, Endpoint ep) {
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
            // bound to the group, not the wildcard: a source on this host shares the port (OpenPGM's
            // SO_REUSEPORT), and a unicast NAK to it must reach its socket, never this one
            ch.bind(new InetSocketAddress(a.group(), a.port()));
            ch.join(a.group(), a.networkInterface());
            return PgmLink.udp(ch);
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
        byte[] nla = ipv4Of(a.networkInterface());
        SourceLink link;
        if (ep.transport() == Endpoint.Transport.PGM) {
            // a raw socket hears the NAKs to the endpoint's port without binding it; loop-back off, as libzmq
            link = new RawSourceLink(PgmLink.raw(a, false, opts.get(ZmqOption.MULTICAST_HOPS), false,
                    opts.get(ZmqOption.RCVBUF), opts.get(ZmqOption.SNDBUF), ep.text()),
                    new InetSocketAddress(a.group(), a.port()));
        } else {
            try {
                link = UdpSourceLink.open(a, nla, opts.get(ZmqOption.MULTICAST_HOPS), opts.get(ZmqOption.SNDBUF),
                        ep.text());
            } catch (IOException | RuntimeException e) {
                throw new ZmqException(Errno.EINVAL, "cannot send to " + a.group().getHostAddress() + " port "
                        + a.port() + " on " + a.interfaceText() + " for " + ep + ": " + e, e);
            }
        }
        Sender s = new Sender(socket, ep.text(), link, a, nla, opts);
        senders.add(s);
        try {
            start((Runnable) s::run);
        } catch (RuntimeException e) {
            s.abort();
            s.pipe.terminate(); // no thread will
            throw new ZmqException(Errno.EOTHER, "cannot start the epgm send thread for " + ep + ": " + e, e);
        }
        return s;
    }

    private static byte[] ipv4Of(java.net.NetworkInterface ni) {
        for (java.util.Enumeration<java.net.InetAddress> e = ni.getInetAddresses(); e.hasMoreElements();) {
            java.net.InetAddress ia = e.nextElement();
            if (ia instanceof java.net.Inet4Address) {
                return ia.getAddress();
            }
        }
        return new byte[] {0, 0, 0, 0};
    }

    /**
     * Closes the receivers at once; waits for senders that linger (a socket closed with LINGER and
     * messages queued) until they have sent them or their LINGER is over, then closes them.
     */
    @Override
    public void shutdown() {
        shutdown = true;
        for (Receiver r : receivers) {
            r.close();
        }
        for (Sender s : new java.util.ArrayList<>(senders)) {
            s.awaitLinger();
            s.abort();
        }
    }

    /**
     * One sending endpoint (PUB, XPUB): takes the socket's messages from its pipe, packs them as
     * libzmq does ({@link V1Packer}) into TSDUs of at most MULTICAST_MAXTPDU bytes as IP packets,
     * and hands them to its {@link PgmSource}, which numbers them, keeps them in a transmit window
     * of RECOVERY_IVL (as libzmq sizes OpenPGM's), answers NAKs with NCF and RDATA, sends SPMs and
     * paces everything to RATE. The thread waits in the link's selector (datagrams, pipe activity
     * and the pacing or SPM time end the wait), never spins.
     *
     * <p>Close (socket close or disconnect) with LINGER 0 ends the endpoint at once. With LINGER
     * (read when the socket closes, as libzmq does), the messages queued before are still sent, then
     * the heartbeat SPMs that follow data, answering NAKs meanwhile, until LINGER is over (-1: no
     * limit); the context's close waits for that.
     */
    final class Sender implements EndpointHandle, Pipe.Events {
        private final SocketBase socket;
        private final String endpoint;
        private final SourceLink link;
        private final Pipe pipe;
        private final V1Packer packer;
        private final PgmSource source;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        /** Set by close with LINGER: System.nanoTime() when the endpoint ends at the latest. */
        private volatile long lingerUntil;
        private volatile boolean lingering;
        private volatile boolean aborted;
        private volatile Thread thread;
        private boolean ended;
        private long lastWarn = System.nanoTime() - WARN_INTERVAL_NANOS;
        private long warnedBad;

        Sender(SocketBase socket, String endpoint, SourceLink link, EpgmAddress a, byte[] nla, Options opts) {
            this.socket = socket;
            this.endpoint = endpoint;
            this.link = link;
            java.security.SecureRandom random = new java.security.SecureRandom();
            long gsi = random.nextLong() & 0xffffffffffffL;
            int sourcePort = 1 + random.nextInt(0xfffe);
            int maxTpdu = opts.get(ZmqOption.MULTICAST_MAXTPDU);
            // IP (20) + UDP (8, epgm only) + PGM header (16) + ODATA fields (8)
            this.packer = new V1Packer(Math.min(0xffff, maxTpdu - 24 - link.headerBytes()));
            int rate = opts.get(ZmqOption.RATE);
            TransmitWindow window = new TransmitWindow(
                    TransmitWindow.packets(rate, opts.get(ZmqOption.RECOVERY_IVL), maxTpdu), 0);
            this.source = new PgmSource(gsi, sourcePort, a.port(), nla, a.group().getAddress(), window,
                    rate * 1000L / 8, SPM_IVL_NANOS, System.nanoTime(), link.headerBytes());
            Pipe[] pair = Pipe.pair(opts.sndHwm(), 0);
            pair[0].attachment(this);
            pair[0].peerSocketType(SocketType.SUB.name());
            pair[0].endpoint(endpoint);
            this.pipe = pair[1];
            pipe.setEvents(this);
            // PGM carries no subscriptions upstream: the socket sends everything to this pipe, as
            // libzmq's PUB and XPUB do (the XPUB's user is not told)
            socket.attachSubscribedToAll(pair[0]);
        }

        void run() {
            thread = Thread.currentThread();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(MAX_DATAGRAM);
            byte[] blocked = null;
            long endedAt = 0;
            try {
                while (!aborted) {
                    for (int i = 0; i < 64 && link.receive(buf); i++) {
                        if (!ignoreNaksForTest) {
                            source.control(buf.array(), 0, buf.position(), System.nanoTime());
                        }
                    }
                    warnBadNaks();
                    long now = System.nanoTime();
                    if (lingering && now - lingerUntil >= 0) {
                        LOG.log(System.Logger.Level.DEBUG, endpoint + ": LINGER is over; what is still queued is dropped");
                        break;
                    }
                    if (blocked != null) {
                        if (!link.send(blocked)) {
                            link.await(SPM_IVL_NANOS, true);
                            continue;
                        }
                        blocked = null;
                    }
                    byte[] p = source.poll(now, this::nextTsdu);
                    if (p != null) {
                        if (!suppressedForTest(p) && !link.send(p)) {
                            blocked = p; // the kernel's buffer is full: this one goes first when it has room
                        }
                        continue;
                    }
                    if (ended) {
                        if (endedAt == 0) {
                            endedAt = now;
                        }
                        // what the socket queued is sent; the heartbeat SPMs that follow it let receivers
                        // ask for its last packets, and their NAKs are answered
                        if (source.settled() || now - endedAt >= LINGER_TAIL_NANOS) {
                            break;
                        }
                    }
                    long wait = source.waitNanos(now, !ended && pipe.checkRead());
                    if (ended) {
                        wait = Math.min(wait, LINGER_TAIL_NANOS);
                    }
                    link.await(wait, false);
                }
            } catch (java.nio.channels.ClosedChannelException | java.nio.channels.ClosedSelectorException e) {
                // closed by disconnect or close: the normal end
            } catch (IOException | RuntimeException e) {
                if (!aborted) {
                    LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm sending failed; the endpoint stops", e);
                }
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, endpoint + ": epgm send thread died", e);
                throw e;
            } finally {
                abort();
                pipe.terminate();
                done.countDown();
            }
        }

        private byte[] nextTsdu() {
            return ended ? null : packer.next(this::pull);
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

        private boolean suppressedForTest(byte[] p) {
            java.util.function.LongPredicate hook = suppressForTest;
            if (hook == null || p[4] != PgmPacket.ODATA) {
                return false;
            }
            long sqn = ((p[16] & 0xffL) << 24) | ((p[17] & 0xffL) << 16) | ((p[18] & 0xffL) << 8) | (p[19] & 0xffL);
            return hook.test(sqn);
        }

        private void warnBadNaks() {
            long bad = source.badNaks();
            if (bad == warnedBad) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastWarn >= WARN_INTERVAL_NANOS) {
                lastWarn = now;
                LOG.log(System.Logger.Level.WARNING, endpoint + ": ignored " + (bad - warnedBad)
                        + " NAK(s) not meant for this source (the last: " + source.lastBadNak()
                        + "); another source sending on this port from this host cannot be repaired through it");
                warnedBad = bad;
            }
        }

        /** @return the source's counters (read on any thread: a snapshot may lag) */
        PgmSource.Stats stats() {
            return source.stats();
        }

        @Override
        public String endpoint() {
            return endpoint;
        }

        /** Socket close or disconnect: at once with LINGER 0, else once what is queued is sent. */
        @Override
        public void close() {
            int linger = socket.optionsSnapshot().linger();
            if (linger == 0 || done.getCount() == 0) {
                abort();
                return;
            }
            lingerUntil = linger < 0 ? System.nanoTime() + Long.MAX_VALUE / 2 : System.nanoTime()
                    + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(linger);
            lingering = true;
            wake();
        }

        /** Waits (for the context's close) until a lingering sender has ended or its LINGER is over. */
        void awaitLinger() {
            if (!lingering) {
                return;
            }
            try {
                while (!done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (System.nanoTime() - lingerUntil >= 0) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends the endpoint now: what is still queued is dropped. */
        void abort() {
            aborted = true;
            senders.remove(this);
            link.close();
            wake();
        }

        private void wake() {
            link.wakeup();
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

    /**
     * One receiving endpoint: its link, its pipe to the socket, its thread's loop. The thread
     * waits in the link for a packet or the next NAK timer (never longer than
     * {@link #SPM_IVL_NANOS}); close wakes it. NAKs and SPMRs leave through {@link PgmLink#unicast}
     * (over epgm a second, unbound channel of the link, so that a source on this host sharing the
     * port gets them; over pgm the raw socket itself).
     */
    final class Receiver implements EndpointHandle, PgmReceiver.Listener, PgmReceiver.Control, Pipe.Events {
        private final String endpoint;
        private final PgmLink channel;
        private final int port;
        private final Pipe pipe;
        private final PgmReceiver pgm;
        private final SocketBase socket;
        private volatile boolean closed;
        private long hwmDrops;
        private long lastWarn = System.nanoTime() - WARN_INTERVAL_NANOS;
        private long unwarnedLost;
        private long unwarnedMalformed;
        private volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0, 0, 0);

        Receiver(SocketBase socket, String endpoint, PgmLink channel, EpgmAddress a, Options opts) {
            this.endpoint = endpoint;
            this.channel = channel;
            this.socket = socket;
            this.port = a.port();
            java.security.SecureRandom seed = new java.security.SecureRandom();
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed.nextLong());
            this.pgm = new PgmReceiver(this, opts.get(ZmqOption.MAXMSGSIZE), this, a.group().getAddress(),
                    System::nanoTime, bo -> random.nextLong(1_000L, bo));
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
                    long delay = pgm.timerDelay();
                    // the first receive waits (for a packet or the next NAK timer), the rest only take
                    long wait = delay > 0 ? Math.min(SPM_IVL_NANOS, delay) : 0;
                    for (int n = 0; n < 1024 && !closed; n++) {
                        buf.clear();
                        java.net.SocketAddress from = channel.receive(buf, n == 0 ? wait : 0);
                        if (n == 0) {
                            pipe.drainInbound(); // subscriptions the socket wrote: PGM carries none upstream
                        }
                        if (from == null) {
                            break;
                        }
                        if (dropped(buf)) {
                            continue;
                        }
                        byte[] src = from instanceof InetSocketAddress isa ? isa.getAddress().getAddress() : null;
                        pgm.datagram(buf.array(), 0, buf.position(), src);
                    }
                    pgm.timers();
                    pipe.flush();
                    stats = new Stats(pgm.messages(), pgm.packets(), pgm.lostPackets(), pgm.gaps(),
                            pgm.malformedCount(), hwmDrops, pgm.naksSent(), pgm.repaired());
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

        /** The loss test hook ({@link #dropForTest}): whether to drop this datagram before the receiver sees it. */
        private boolean dropped(ByteBuffer buf) {
            java.util.function.LongPredicate drop = dropForTest;
            if (drop == null || buf.position() < PgmPacket.HEADER + 8) {
                return false;
            }
            int type = buf.get(4);
            long sqn = buf.getInt(16) & 0xffffffffL;
            if (type == PgmPacket.ODATA) {
                return drop.test(sqn);
            }
            java.util.function.LongPredicate repair = dropRepairForTest;
            return type == PgmPacket.RDATA && repair != null && repair.test(sqn);
        }

        @Override
        public void unicast(byte[] packet, byte[] nla) {
            try {
                channel.unicast(ByteBuffer.wrap(packet),
                        new InetSocketAddress(java.net.InetAddress.getByAddress(nla), port));
            } catch (IOException e) {
                // the NAK is retried by its timer, and the loss reported when the retries run out
                warn("cannot send a NAK or SPMR to " + java.util.Arrays.toString(nla) + ": " + e);
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
        public void lost(long tsi, long first, long count, String why) {
            unwarnedLost += count;
            warn("lost " + count + " packet(s) of source " + Long.toHexString(tsi) + " from sequence " + first
                    + " beyond repair (" + why + "): the partial message is dropped and delivery resumes at the next"
                    + " message start");
            if (socket.monitored()) {
                socket.event(new io.zconn.engine.SocketEvent(io.zconn.engine.SocketEvent.Type.DATA_LOST, endpoint,
                        (int) Math.min(count, Integer.MAX_VALUE), "pgm-tsi:" + Long.toHexString(tsi), null));
            }
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
            channel.close(); // wakes the thread if it waits
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
