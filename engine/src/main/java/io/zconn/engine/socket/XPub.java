package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.Distributor;
import io.zconn.engine.routing.FairQueue;
import io.zconn.engine.routing.MultiTrie;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * XPUB: sends each message to the subscribers with a matching prefix, dropping it for those at
 * their HWM, and hands subscription messages (first byte 1 = subscribe, 0 = unsubscribe) up to the
 * user: new topics only, or all with XPUB_VERBOSE. PUB is an XPUB that keeps them to itself.
 *
 * <p>The messages waiting for the user are bounded by RCVHWM per subscriber, as ZeroMQ's HWMs
 * are per pipe: once RCVHWM messages from one subscriber wait, the XPUB stops reading that
 * subscriber's pipe until the user has read one of them, so its pipe fills up and back-pressure
 * reaches its connection, while the other subscribers are still read (one peer's SUBSCRIBE storm
 * does not keep the others' subscriptions out). The unsubscriptions of a departing subscriber are
 * the only addition, bounded by what it had subscribed.
 */
public class XPub extends SocketBase {
    private final Distributor dist = new Distributor();
    private final FairQueue fq = new FairQueue(this::pipeFinished);
    private final MultiTrie<Pipe> subscriptions = new MultiTrie<>();
    private final ArrayDeque<Notice> pending = new ArrayDeque<>();
    /** Messages waiting for the user, per subscriber pipe (absent: none). */
    private final IdentityHashMap<Pipe, int[]> waiting = new IdentityHashMap<>();
    private boolean moreOut;
    private boolean inMessage;

    /** A frame waiting for the user, and the subscriber it came from (null: made here). */
    private record Notice(Frame frame, Pipe from) {
    }

    public XPub(Ctx ctx) {
        this(ctx, SocketType.XPUB);
    }

    protected XPub(Ctx ctx, SocketType type) {
        super(ctx, type);
    }

    /** @return whether subscription messages are passed up to the user */
    protected boolean passesSubscriptionsUp() {
        return true;
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        dist.attach(pipe);
        fq.attach(pipe);
        pump();
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        fq.remove(pipe);
        dist.remove(pipe);
        waiting.remove(pipe);
        subscriptions.removeAll(pipe, topic -> {
            if (passesSubscriptionsUp()) {
                pending.add(new Notice(subscriptionFrame((byte) 0, topic), null));
            }
        });
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        dist.remove(pipe);
        fq.peerTerminated(pipe); // its last (un)subscriptions are still read
        pump();
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
        out.put("dist", dist.size());
        out.put("subscriptions", subscriptions.isEmpty() ? 0 : 1);
        out.put("pending", pending.size());
        out.put("waiting", waiting.size());
    }

    @Override
    protected void xwriteActivated(Pipe pipe) {
        dist.activate(pipe);
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        if (!atQuota(pipe)) {
            fq.activate(pipe);
        }
        pump();
    }

    private int quota() {
        return passesSubscriptionsUp() ? options.get(ZmqOption.RCVHWM) : 0;
    }

    private boolean atQuota(Pipe pipe) {
        int limit = quota();
        int[] n = waiting.get(pipe);
        return limit > 0 && n != null && n[0] >= limit;
    }

    /**
     * Reads subscribers' messages (all of them for PUB); a subscriber with RCVHWM messages waiting
     * for the user is left unread until the user takes one of them.
     */
    private void pump() {
        boolean up = passesSubscriptionsUp();
        int limit = quota();
        while (true) {
            Frame f = fq.recv();
            if (f == null) {
                return;
            }
            Pipe pipe = fq.lastPipe();
            boolean queued = false;
            if (!inMessage && !f.hasMore() && f.size() > 0 && (f.byteAt(0) == 1 || f.byteAt(0) == 0)) {
                byte[] d = f.data();
                boolean subscribe = d[0] == 1;
                boolean changed = subscribe
                        ? subscriptions.add(d, 1, d.length - 1, pipe)
                        : subscriptions.remove(d, 1, d.length - 1, pipe);
                if (up && (changed || (subscribe && options.get(ZmqOption.XPUB_VERBOSE)))) {
                    pending.add(new Notice(f, pipe));
                    queued = true;
                }
            } else if (up) {
                pending.add(new Notice(f, pipe)); // other messages from subscribers reach an XPUB user as they are
                queued = true;
            }
            inMessage = f.hasMore();
            if (queued && !inMessage) {
                int[] n = waiting.computeIfAbsent(pipe, k -> new int[1]);
                if (++n[0] >= limit && limit > 0) {
                    fq.deactivate(pipe); // its quota is used up: back when the user reads
                }
            }
        }
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (!moreOut) {
            if (frame.hasArray()) {
                subscriptions.match(frame.array(), frame.arrayOffset(), frame.size(), dist::match);
            } else {
                byte[] d = frame.data();
                subscriptions.match(d, 0, d.length, dist::match);
            }
        }
        dist.sendToMatching(frame);
        moreOut = frame.hasMore();
        return true;
    }

    @Override
    protected boolean xhasOut() {
        return true;
    }

    @Override
    protected Frame xrecv() {
        Notice n = pending.poll();
        if (n == null) {
            pump();
            n = pending.poll();
        }
        if (n == null) {
            return null;
        }
        if (n.from() != null && !n.frame().hasMore()) {
            int[] c = waiting.get(n.from());
            if (c != null && --c[0] <= 0) {
                waiting.remove(n.from());
            }
            if (!atQuota(n.from())) {
                fq.activate(n.from()); // room again: resume reading that subscriber
                pump();
            }
        }
        return n.frame();
    }

    @Override
    protected boolean xhasIn() {
        if (pending.isEmpty()) {
            pump();
        }
        return !pending.isEmpty();
    }

    static Frame subscriptionFrame(byte kind, byte[] topic) {
        byte[] d = new byte[topic.length + 1];
        d[0] = kind;
        System.arraycopy(topic, 0, d, 1, topic.length);
        return Frame.wrap(d);
    }
}
