package io.zconn.engine.transport.pgm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * {@code pgm://}'s link: PGM packets directly in IPv4 (protocol 113, no UDP), as OpenPGM sends them
 * for libzmq's pgm://, on a Linux raw socket reached through JNA (root or CAP_NET_RAW). The kernel
 * writes the IP header of what is sent and delivers every protocol-113 packet the host gets to every
 * raw socket of that protocol, IP header included: receiving strips the header (by its IHL) and keeps
 * only the packets of this endpoint's port (the PGM header's destination port, or its source port
 * for upstream packets such as NAKs), which UDP's port would have selected. A wait is one poll()
 * on the socket and an eventfd of the link's own: {@link #wakeup} and {@link #close} write the
 * eventfd, which ends the wait at once (Java cannot interrupt a thread inside poll()). The socket,
 * the eventfd and the native buffers are released by the last call to leave after {@link #close}.
 *
 * <p>Only {@link PgmLink#raw} calls {@link #open}: it turns a missing JNA into EPROTONOSUPPORT.
 */
final class RawLink implements PgmLink {
    /** The IPv4 header without options; the PGM header follows it on the wire. */
    static final int HEADER_BYTES = 20;
    /** IP protocol number of PGM (RFC 3208). */
    static final int IPPROTO_PGM = 113;
    private static final int MAX_PACKET = 65535;
    /** The longest single wait of a receive. */
    private static final long MAX_WAIT_NANOS = TimeUnit.DAYS.toNanos(1);

    // Linux's values (asm-generic and netinet/in.h); PgmLink.raw lets only Linux here
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int IPPROTO_IP = 0;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;
    private static final int IP_ADD_MEMBERSHIP = 35;
    private static final int MSG_DONTWAIT = 0x40;
    private static final short POLLIN = 1;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    static final int EPERM = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    static final int EACCES = 13;
    private static final int EPROTONOSUPPORT = 93;
    private static final int EAFNOSUPPORT = 97;

    /** The libc functions used, mapped by JNA; a failing call throws {@link LastErrorException} with errno. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

        int bind(int fd, Pointer address, int length) throws LastErrorException;

        NativeLong sendto(int fd, Pointer buf, NativeLong length, int flags, Pointer to, int toLength)
                throws LastErrorException;

        NativeLong recvfrom(int fd, Pointer buf, NativeLong length, int flags, Pointer from, Pointer fromLength)
                throws LastErrorException;

        int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        int eventfd(int initialValue, int flags) throws LastErrorException;

        NativeLong read(int fd, Pointer buf, NativeLong count) throws LastErrorException;

        NativeLong write(int fd, Pointer buf, NativeLong count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** libc, loaded on first use (a class path without JNA fails in {@link #open}); guarded by the class. */
    private static LibC loaded;

    private final LibC libc;
    private final int fd;
    /** The eventfd that ends a wait in poll(): written by {@link #wakeup} and {@link #close}. */
    private final int wakeFd;
    private final int port;
    private final String endpoint;
    private final Object sendLock = new Object();
    private final Object receiveLock = new Object();
    private final Memory sendBuf = new Memory(MAX_PACKET);
    private final Memory sendAddr = new Memory(16);
    private final Memory receiveBuf = new Memory(MAX_PACKET);
    /** Two struct pollfd: the socket, the eventfd. */
    private final Memory pollFds = new Memory(16);
    /** What the waiting thread reads from the eventfd (under receiveLock). */
    private final Memory drained = new Memory(8);
    /** What {@link #wakeup} and {@link #close} write to the eventfd (under this). */
    private final Memory one = new Memory(8);
    /** Calls under way; guarded by this. */
    private int users;
    private boolean closed;
    private boolean released;

    private RawLink(LibC libc, int fd, int wakeFd, int port, String endpoint) {
        this.libc = libc;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.port = port;
        this.endpoint = endpoint;
    }

    /**
     * Opens the raw socket of an endpoint: bound to the wildcard address (a raw socket bound to a
     * unicast address would not get the group's packets), the group's outgoing interface, TTL and
     * loop set, and the group joined on the interface when asked.
     */
    static RawLink open(EpgmAddress a, boolean join, int ttl, boolean loop, int rcvbuf, int sndbuf, String endpoint) {
        return open(libc(), a, join, ttl, loop, rcvbuf, sndbuf, endpoint);
    }

    private static synchronized LibC libc() {
        if (loaded == null) {
            loaded = Native.load("c", LibC.class);
        }
        return loaded;
    }

    static RawLink open(LibC libc, EpgmAddress a, boolean join, int ttl, boolean loop, int rcvbuf, int sndbuf,
            String endpoint) {
        int fd;
        try {
            fd = libc.socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_PGM);
        } catch (LastErrorException e) {
            throw socketError(e.getErrorCode(), endpoint, e);
        }
        int wakeFd;
        try {
            wakeFd = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (LastErrorException e) {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // closing what failed to open
            }
            throw new ZmqException(Errno.EOTHER, "cannot open an eventfd for " + endpoint + " (errno "
                    + e.getErrorCode() + ")", e);
        }
        RawLink link = new RawLink(libc, fd, wakeFd, a.port(), endpoint);
        try (Memory opt = new Memory(16)) {
            if (rcvbuf > 0) {
                link.option(opt, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
            }
            if (sndbuf > 0) {
                link.option(opt, SOL_SOCKET, SO_SNDBUF, sndbuf, "SO_SNDBUF");
            }
            sockaddr(opt, new byte[4]);
            link.call(() -> libc.bind(fd, opt, 16), "bind to the wildcard address");
            int ifindex = a.networkInterface().getIndex();
            // struct ip_mreqn: group, local address, interface index. The interface's address is the
            // packets' source: without it Linux may pick none (0.0.0.0) for a host-scope address as lo's
            byte[] local = localAddress(a);
            opt.clear(16);
            opt.write(0, a.group().getAddress(), 0, 4);
            opt.write(4, local, 0, 4);
            opt.setInt(8, ifindex);
            link.call(() -> libc.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, opt, 12), "IP_MULTICAST_IF "
                    + a.interfaceText());
            link.option(opt, IPPROTO_IP, IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
            link.option(opt, IPPROTO_IP, IP_MULTICAST_LOOP, loop ? 1 : 0, "IP_MULTICAST_LOOP");
            if (join) {
                opt.clear(16);
                opt.write(0, a.group().getAddress(), 0, 4);
                opt.setInt(8, ifindex);
                link.call(() -> libc.setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, opt, 12),
                        "join " + a.group().getHostAddress() + " on " + a.interfaceText());
            }
            return link;
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
    }

    /** @return the interface's first IPv4 address, or 0.0.0.0 when it has none */
    static byte[] localAddress(EpgmAddress a) {
        for (java.util.Enumeration<InetAddress> e = a.networkInterface().getInetAddresses(); e.hasMoreElements();) {
            InetAddress ia = e.nextElement();
            if (ia instanceof Inet4Address) {
                return ia.getAddress();
            }
        }
        return new byte[4];
    }

    /** Maps socket()'s errno to what the user can act on. */
    static ZmqException socketError(int errno, String endpoint, Throwable cause) {
        if (errno == EPERM || errno == EACCES) {
            return new ZmqException(Errno.EACCES, "pgm:// needs root or CAP_NET_RAW to open a raw IP socket"
                    + " (protocol 113), which this process lacks (errno " + errno + "); epgm:// (PGM over UDP) works"
                    + " without: " + endpoint, cause);
        }
        if (errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT) {
            return new ZmqException(Errno.EPROTONOSUPPORT, "this system has no raw IPv4 sockets for PGM (errno "
                    + errno + "); epgm:// (PGM over UDP) works without: " + endpoint, cause);
        }
        return new ZmqException(Errno.EOTHER, "cannot open a raw IP socket for " + endpoint + " (errno " + errno + ")",
                cause);
    }

    private interface Call {
        int run();
    }

    private void call(Call c, String what) {
        try {
            c.run();
        } catch (LastErrorException e) {
            throw new ZmqException(Errno.EINVAL, "pgm: " + what + " refused (errno " + e.getErrorCode() + ") for "
                    + endpoint, e);
        }
    }

    private void option(Memory opt, int level, int name, int value, String what) {
        opt.setInt(0, value);
        call(() -> libc.setsockopt(fd, level, name, opt, 4), what + " = " + value);
    }

    /** Writes a struct sockaddr_in (family in host order, port 0, the address) at the start of {@code m}. */
    private static void sockaddr(Memory m, byte[] ipv4) {
        m.clear(16);
        m.setShort(0, (short) AF_INET);
        m.write(4, ipv4, 0, 4);
    }

    private synchronized void enter() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
        users++;
    }

    private synchronized void leave() {
        users--;
        if (closed && users == 0) {
            release();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void send(ByteBuffer packet, InetSocketAddress to) throws IOException {
        InetAddress address = to.getAddress();
        if (!(address instanceof Inet4Address)) {
            throw new IOException("pgm:// sends to IPv4 addresses only, not " + to);
        }
        int length = packet.remaining();
        if (length > MAX_PACKET - HEADER_BYTES) {
            throw new IOException("a PGM packet of " + length + " bytes does not fit in an IP packet");
        }
        enter();
        try {
            synchronized (sendLock) {
                if (packet.hasArray()) {
                    sendBuf.write(0, packet.array(), packet.arrayOffset() + packet.position(), length);
                } else {
                    byte[] copy = new byte[length];
                    packet.duplicate().get(copy);
                    sendBuf.write(0, copy, 0, length);
                }
                sockaddr(sendAddr, address.getAddress());
                while (true) {
                    try {
                        libc.sendto(fd, sendBuf, new NativeLong(length), 0, sendAddr, 16);
                        break;
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() != EINTR) {
                            throw new IOException("pgm: sending " + length + " bytes to " + address.getHostAddress()
                                    + " failed (errno " + e.getErrorCode() + ")", e);
                        }
                    }
                }
                packet.position(packet.position() + length);
            }
        } finally {
            leave();
        }
    }

    /** Raw IP has no ports to share: upstream packets leave through the link's socket. */
    @Override
    public void unicast(ByteBuffer packet, InetSocketAddress to) throws IOException {
        send(packet, to);
    }

    /**
     * {@inheritDoc} A {@link #wakeup} ends the wait early: then it returns null unless a packet came too.
     */
    @Override
    public InetSocketAddress receive(ByteBuffer into, long timeoutNanos) throws IOException {
        enter();
        try {
            synchronized (receiveLock) {
                // at most a day: no overflow, and a caller that asks more simply asks again
                long deadline = System.nanoTime() + Math.min(timeoutNanos, MAX_WAIT_NANOS);
                boolean woken = false;
                while (true) {
                    if (isClosed()) {
                        throw new ClosedChannelException();
                    }
                    InetSocketAddress from = receiveOne(into);
                    if (from != null) {
                        return from;
                    }
                    long left = deadline - System.nanoTime();
                    if (woken || left <= 0) {
                        return null;
                    }
                    woken = await(left);
                }
            }
        } finally {
            leave();
        }
    }

    /**
     * One poll() on the socket and the eventfd; under receiveLock.
     *
     * @return whether the eventfd ended it (then drained)
     */
    private boolean await(long nanos) throws IOException {
        pollFds.setInt(0, fd);
        pollFds.setShort(4, POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, wakeFd);
        pollFds.setShort(12, POLLIN);
        pollFds.setShort(14, (short) 0);
        int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999L)); // nanos: a day at most
        try {
            libc.poll(pollFds, new NativeLong(2), millis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                throw new IOException("pgm: poll failed (errno " + e.getErrorCode() + ")", e);
            }
            return false;
        }
        if ((pollFds.getShort(14) & POLLIN) == 0) {
            return false;
        }
        try {
            libc.read(wakeFd, drained, new NativeLong(8)); // an eventfd's read takes its whole count
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EAGAIN && e.getErrorCode() != EINTR) {
                throw new IOException("pgm: reading the eventfd failed (errno " + e.getErrorCode() + ")", e);
            }
        }
        return true;
    }

    /** Ends a wait in {@link #receive} at once, from any thread; after close it does nothing. */
    @Override
    public synchronized void wakeup() {
        if (!released) {
            signal();
        }
    }

    /** Writes the eventfd; under this, before release. */
    private void signal() {
        one.setLong(0, 1L);
        try {
            libc.write(wakeFd, one, new NativeLong(8));
        } catch (LastErrorException e) {
            // EAGAIN: the count is at its maximum, so a wake-up is pending already
            System.getLogger(RawLink.class.getName()).log(System.Logger.Level.DEBUG,
                    endpoint + ": writing the eventfd failed (errno " + e.getErrorCode() + ")");
        }
    }

    /** Takes one packet already queued, or returns null; skips packets of other ports and malformed IP. */
    private InetSocketAddress receiveOne(ByteBuffer into) throws IOException {
        while (true) {
            int n;
            try {
                n = (int) libc.recvfrom(fd, receiveBuf, new NativeLong(MAX_PACKET), MSG_DONTWAIT, null, null)
                        .longValue();
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == EAGAIN) {
                    return null;
                }
                if (errno == EINTR) {
                    continue;
                }
                throw new IOException("pgm: receiving failed (errno " + errno + ")", e);
            }
            int first = n > 0 ? receiveBuf.getByte(0) & 0xff : 0;
            int ihl = (first & 0x0f) * 4;
            if (n < HEADER_BYTES || first >> 4 != 4 || ihl < HEADER_BYTES || n < ihl + 4) {
                continue; // not an IPv4 packet with a PGM header's ports: nothing for this endpoint
            }
            int sport = (receiveBuf.getByte(ihl) & 0xff) << 8 | (receiveBuf.getByte(ihl + 1) & 0xff);
            int dport = (receiveBuf.getByte(ihl + 2) & 0xff) << 8 | (receiveBuf.getByte(ihl + 3) & 0xff);
            if (dport != port && sport != port) {
                continue;
            }
            int length = Math.min(n - ihl, into.remaining());
            byte[] source = receiveBuf.getByteArray(12, 4);
            if (into.hasArray()) {
                receiveBuf.read(ihl, into.array(), into.arrayOffset() + into.position(), length);
                into.position(into.position() + length);
            } else {
                into.put(receiveBuf.getByteArray(ihl, length));
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(source), 0);
            } catch (UnknownHostException e) {
                throw new AssertionError("four bytes are an IPv4 address", e);
            }
        }
    }

    @Override
    public int headerBytes() {
        return HEADER_BYTES;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (users == 0) {
            release();
        } else {
            signal(); // a waiting receive ends at once and finds the link closed
        }
    }

    /** Closes the socket and frees the native buffers; under this, once no call is under way. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            libc.close(fd);
        } catch (LastErrorException e) {
            System.getLogger(RawLink.class.getName()).log(System.Logger.Level.DEBUG,
                    endpoint + ": closing the raw socket failed (errno " + e.getErrorCode() + ")");
        }
        try {
            libc.close(wakeFd);
        } catch (LastErrorException e) {
            System.getLogger(RawLink.class.getName()).log(System.Logger.Level.DEBUG,
                    endpoint + ": closing the eventfd failed (errno " + e.getErrorCode() + ")");
        }
        sendBuf.close();
        sendAddr.close();
        receiveBuf.close();
        pollFds.close();
        drained.close();
        one.close();
    }
}
