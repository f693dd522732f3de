package io.zconn.engine.transport.pgm;

import io.zconn.engine.ZmqException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link RawLink} in a process of its own (a network namespace, or without CAP_NET_RAW), for
 * {@link RawLinkTest}. {@code open}: opens a link and prints {@code OPENED} or {@code REFUSED errno
 * message}. {@code loop}: on {@code lo} (multicast on, a route for 239/8) sends and receives through
 * two links and prints {@code OK ...} or {@code FAIL ...}. {@code sender}: there too, an idle
 * {@link RawSourceLink}'s wait (in poll(), never ended early), and what ends it: wakeup, a NAK, close.
 */
public final class RawLinkProbe {
    private static final String ENDPOINT = "pgm://lo;239.192.1.1:5555";

    private RawLinkProbe() {
    }

    /** @param args {@code open} or {@code loop} */
    public static void main(String[] args) throws Exception {
        EpgmAddress a = EpgmAddress.parse("lo;239.192.1.1:5555");
        if (args[0].equals("open")) {
            try (PgmLink link = PgmLink.raw(a, true, 1, false, 0, 0, ENDPOINT)) {
                System.out.println("OPENED " + link.headerBytes());
            } catch (ZmqException e) {
                System.out.println("REFUSED " + e.errno() + " " + e.getMessage());
            }
            return;
        }
        if (args[0].equals("sender")) {
            try {
                sender(a);
            } catch (AssertionError e) {
                System.out.println("FAIL " + e.getMessage());
                System.exit(1);
            }
            return;
        }
        PgmLink rx = PgmLink.raw(a, true, 1, true, 0, 0, ENDPOINT); // closed by the test, then again at the end
        try (PgmLink tx = PgmLink.raw(a, false, 1, true, 0, 0, ENDPOINT)) {
            InetSocketAddress group = new InetSocketAddress(a.group(), a.port());
            // PGM-like headers: source port 7, destination port 5555, then a marker; one of another port
            tx.send(ByteBuffer.wrap(packet(7, 4444, 1)), group);
            tx.send(ByteBuffer.wrap(packet(7, 5555, 2)), group);
            tx.send(ByteBuffer.wrap(packet(5555, 9, 3)), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ByteBuffer buf = ByteBuffer.allocate(65535);
            InetSocketAddress from = rx.receive(buf, TimeUnit.SECONDS.toNanos(5));
            check(from != null, "no packet in 5 s");
            check(from.getAddress().getHostAddress().equals("127.0.0.1"), "source " + from);
            check(buf.position() == 100 && buf.get(4) == 2, "first packet: " + buf.position() + " bytes, marker "
                    + buf.get(4) + " (the IP header stripped, port 4444 skipped)");
            buf.clear();
            check(rx.receive(buf, TimeUnit.SECONDS.toNanos(5)) != null && buf.get(4) == 3,
                    "the upstream packet (source port 5555) was not received");
            buf.clear();
            long t0 = System.nanoTime();
            check(rx.receive(buf, TimeUnit.MILLISECONDS.toNanos(300)) == null, "a packet where none was sent");
            long waited = System.nanoTime() - t0;
            check(waited >= TimeUnit.MILLISECONDS.toNanos(290) && waited < TimeUnit.SECONDS.toNanos(2),
                    "an empty receive of 300 ms took " + waited / 1_000_000 + " ms");
            // close from another thread ends a long wait within one poll slice
            CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return rx.receive(ByteBuffer.allocate(100), TimeUnit.SECONDS.toNanos(30));
                } catch (ClosedChannelException e) {
                    return "closed";
                } catch (java.io.IOException e) {
                    return e;
                }
            });
            Thread.sleep(200); // let the receive start waiting: what is measured is close's effect on it
            long c0 = System.nanoTime();
            rx.close();
            Object result = waiting.get(5, TimeUnit.SECONDS);
            long closing = System.nanoTime() - c0;
            check("closed".equals(result), "a receive waiting during close returned " + result);
            check(closing < TimeUnit.MILLISECONDS.toNanos(500),
                    "close ended the waiting receive after " + closing / 1_000_000 + " ms");
            try {
                rx.receive(buf, 0);
                check(false, "receive after close did not throw");
            } catch (ClosedChannelException expected) {
                // as a closed channel
            }
            System.out.println("OK closeEndedWaitMs=" + closing / 1_000_000 + " emptyWaitMs=" + waited / 1_000_000);
        } catch (AssertionError e) {
            System.out.println("FAIL " + e.getMessage());
            System.exit(1);
        } finally {
            rx.close();
        }
    }

    /**
     * A source link's idle wait: it stays in poll() (not parked and polled again) until woken, and
     * a wakeup, a NAK (kept for the next receive) and close each end it at once.
     */
    private static void sender(EpgmAddress a) throws Exception {
        InetSocketAddress group = new InetSocketAddress(a.group(), a.port());
        RawSourceLink source = new RawSourceLink(PgmLink.raw(a, false, 1, false, 0, 0, ENDPOINT), group);
        try (PgmLink receiver = PgmLink.raw(a, true, 1, false, 0, 0, ENDPOINT)) {
            long woken = waitEndedBy(source, source::wakeup);
            ByteBuffer buf = ByteBuffer.allocate(65535);
            check(!source.receive(buf), "a packet after a wakeup where none was sent");
            // a receiver's NAK: upstream, from port 5555 to the source's port, unicast to this host
            long naked = waitEndedBy(source, () -> {
                try {
                    receiver.unicast(ByteBuffer.wrap(packet(5555, 7, 9)),
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            check(source.receive(buf) && buf.position() == 100 && buf.get(4) == 9,
                    "the NAK that ended the wait was not the next packet received: " + buf.position() + " bytes");
            check(!source.receive(buf), "the NAK was received twice");
            long closed = waitEndedBy(source, source::close);
            try {
                source.receive(buf);
                check(false, "receive after close did not throw");
            } catch (ClosedChannelException expected) {
                // as a closed channel
            }
            System.out.println("OK wakeupEndedWaitMs=" + woken + " nakEndedWaitMs=" + naked + " closeEndedWaitMs="
                    + closed);
        } finally {
            source.close();
        }
    }

    /**
     * Starts a 30 s wait of {@code source} on another thread, checks that it stays in poll() (its
     * stack in native code under RawLink's receive, never LockSupport) for 300 ms, runs {@code end}
     * and returns how many milliseconds later the wait ended (at most 2 s).
     */
    private static long waitEndedBy(RawSourceLink source, Runnable end) throws Exception {
        CompletableFuture<Long> ended = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                source.await(TimeUnit.SECONDS.toNanos(30), false);
            } catch (java.io.IOException e) {
                // close: the wait ends as the sender's does
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
            ended.complete(System.nanoTime());
        }, "idle-sender");
        waiter.setDaemon(true);
        waiter.start();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        int inPoll = 0;
        while (System.nanoTime() - until < 0) {
            check(!ended.isDone(), "an idle source link's 30 s wait ended by itself");
            String stack = java.util.Arrays.toString(waiter.getStackTrace());
            check(!stack.contains("LockSupport"), "the idle wait parks: " + stack);
            if (stack.contains("RawLink.await") && stack.contains("com.sun.jna.Native.invoke")) {
                inPoll++;
            }
            Thread.sleep(10); // sampling the waiter's stack: what is measured, not a synchronisation
        }
        check(inPoll > 0, "the idle wait was never seen in poll()");
        long t0 = System.nanoTime();
        end.run();
        long at = ended.get(2, TimeUnit.SECONDS);
        waiter.join(2000);
        return TimeUnit.NANOSECONDS.toMillis(at - t0);
    }

    private static byte[] packet(int sport, int dport, int marker) {
        byte[] p = new byte[100];
        p[0] = (byte) (sport >> 8);
        p[1] = (byte) sport;
        p[2] = (byte) (dport >> 8);
        p[3] = (byte) dport;
        p[4] = (byte) marker;
        return p;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
