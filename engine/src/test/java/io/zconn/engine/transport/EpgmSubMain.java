package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Frame;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketEvent;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.transport.pgm.EpgmTestHooks;

import java.nio.charset.StandardCharsets;

/**
 * The zconn side of {@link EpgmInteropTest}, run in the network namespace the test makes: a SUB
 * connects {@code args[0]} (an epgm endpoint), takes {@code args[1]} messages of the libzmq PUB
 * (see the test's script) and checks each: the first is whole (a late joiner starts at a message
 * boundary), each body has the announced size and pattern, and the numbers are consecutive (none
 * lost, none merged). Prints {@code OK first=N sizes=...} and exits 0, or prints what was wrong and
 * exits 1. With {@code args[2]} = {@code drop=N}, every N-th ODATA packet is dropped in the receive
 * path ({@link EpgmTestHooks}): NAKs must bring its RDATA, so every message still arrives, in order.
 * With {@code lose=N}, the RDATA of those packets is dropped too: then numbers may jump, but every
 * message delivered must still be whole and intact, and the loss must have been reported (a
 * WARNING from the transport and a {@link SocketEvent.Type#DATA_LOST} event).
 */
public final class EpgmSubMain {
    private EpgmSubMain() {
    }

    /**
     * @param args endpoint, number of messages
     */
    public static void main(String[] args) {
        int want = Integer.parseInt(args[1]);
        String mode = args.length > 2 ? args[2] : "";
        boolean repair = mode.startsWith("drop=");
        boolean lose = mode.startsWith("lose=");
        java.util.concurrent.atomic.AtomicLong dropped = repair
                ? EpgmTestHooks.dropEvery(Integer.parseInt(mode.substring(5)), 7)
                : lose ? EpgmTestHooks.loseEvery(Integer.parseInt(mode.substring(5)), 7) : null;
        java.util.concurrent.atomic.AtomicLong lostEvents = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger lossWarnings = new java.util.concurrent.atomic.AtomicInteger();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.zconn.engine.transport.pgm.EpgmTransport");
        log.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                        && String.valueOf(r.getMessage()).contains("lost")) {
                    lossWarnings.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        int jumps = 0;
        try (Context ctx = new Context(); Socket sub = ctx.socket(SocketType.SUB)) {
            sub.setOption(ZmqOption.RCVHWM, 0);
            // without repair (not yet) a stall of this JVM on a loaded machine must not overflow the
            // kernel's buffer: 4 MiB (the usual rmem_max cap) is some seconds of the PUB's stream
            sub.setOption(ZmqOption.RCVBUF, 4 << 20);
            sub.subscribe("t".getBytes(StandardCharsets.US_ASCII));
            sub.monitor(e -> {
                if (e.type() == SocketEvent.Type.DATA_LOST) {
                    lostEvents.addAndGet(e.value());
                }
            });
            sub.connect(args[0]);
            long first = -1;
            long prev = -1;
            java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
            int multipart = 0;
            for (int n = 0; n < want; n++) {
                Message m = sub.recvMessage(java.time.Duration.ofSeconds(20));
                if (m == null) {
                    fail("timed out after " + n + " messages");
                }
                String head;
                byte[] body;
                if (m.size() == 3) {
                    multipart++;
                    head = m.get(1).text();
                    body = m.get(2).data();
                    check(m.get(0).text().equals("t"), "topic frame " + m.get(0));
                } else if (m.size() == 1) {
                    Frame f = m.get(0);
                    byte[] all = f.data();
                    int bar = indexOf(all, (byte) '|');
                    check(bar > 1 && all[0] == 't', "single frame without header");
                    head = new String(all, 1, bar - 1, StandardCharsets.US_ASCII);
                    body = java.util.Arrays.copyOfRange(all, bar + 1, all.length);
                } else {
                    fail("message of " + m.size() + " frames");
                    return;
                }
                String[] hs = head.split(":", 2);
                long i = Long.parseLong(hs[0]);
                int size = Integer.parseInt(hs[1]);
                check(body.length == size, "message " + i + ": body of " + body.length + " bytes, announced " + size);
                for (int j = 0; j < size; j++) {
                    if (body[j] != (byte) (i + j)) {
                        fail("message " + i + ": byte " + j + " differs");
                    }
                }
                if (first < 0) {
                    first = i;
                } else if (!lose) {
                    check(i == prev + 1, "message " + i + " after " + prev + ": lost or reordered");
                } else {
                    check(i > prev, "message " + i + " after " + prev + ": reordered or repeated");
                    if (i != prev + 1) {
                        jumps++;
                    }
                }
                prev = i;
                sizes.add(size);
            }
            if (repair) {
                check(dropped.get() > 0, "nothing dropped");
                check(lossWarnings.get() == 0 && lostEvents.get() == 0, "loss reported although repaired: "
                        + lossWarnings + " warnings, " + lostEvents + " packets in DATA_LOST events");
            }
            if (lose) {
                check(jumps > 0 && dropped.get() > 0, "no loss seen: dropped " + dropped + ", jumps " + jumps);
                check(lossWarnings.get() > 0, "the loss of " + dropped + " packets was not logged");
                check(lostEvents.get() > 0, "the loss of " + dropped + " packets gave no DATA_LOST event");
            }
            System.out.println("OK first=" + first + " last=" + prev + " multipart=" + multipart + " sizes=" + sizes
                    + (dropped == null ? "" : " dropped=" + dropped + " jumps=" + jumps + " warnings=" + lossWarnings
                    + " lostEvents=" + lostEvents));
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            fail(what);
        }
    }

    private static void fail(String what) {
        System.out.println("FAIL " + what);
        System.exit(1);
    }
}
