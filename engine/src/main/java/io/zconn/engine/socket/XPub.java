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
import java.util.Map;

/**
 * XPUB: sends each message to the subscribers with a matching prefix, dropping it for those at
 * their HWM, and hands subscription messages (first byte 1 = subscribe, 0 = unsubscribe) up to the
 * user: new topics only, or all with XPUB_VERBOSE. PUB is an XPUB that keeps them to itself.
 *
 * <p>The messages waiting for the user are bounded by RCVHWM: when that many wait, the XPUB stops
 * reading its subscribers' pipes until the user reads, so the pipes fill up and back-pressure
 * reaches the connections (the unsubscriptions of a departing subscriber are the only addition,
 * bounded by what it subscribed).
 */
public class XPub extends SocketBase {
    private final Distributor dist = new Distributor();
    private final FairQueue fq = new FairQueue(this::pipeFinished);
    private final MultiTrie<Pipe> subscriptions = new MultiTrie<>();
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private boolean moreOut;
    private boolean inMessage;

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
        subscriptions.removeAll(pipe, topic -> {
            if (passesSubscriptionsUp()) {
                pending.add(subscriptionFrame((byte) 0, topic));
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
    }

    @Override
    protected void xwriteActivated(Pipe pipe) {
        dist.activate(pipe);
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
        pump();
    }

    /** Reads subscribers' messages while fewer than RCVHWM wait for the user (always for PUB). */
    private void pump() {
        boolean up = passesSubscriptionsUp();
        int limit = up ? options.get(ZmqOption.RCVHWM) : 0;
        while (inMessage || limit <= 0 || pending.size() < limit) {
            Frame f = fq.recv();
            if (f == null) {
                return;
            }
            Pipe pipe = fq.lastPipe();
            if (!inMessage && !f.hasMore() && f.size() > 0 && (f.byteAt(0) == 1 || f.byteAt(0) == 0)) {
                byte[] d = f.data();
                boolean subscribe = d[0] == 1;
                boolean changed = subscribe
                        ? subscriptions.add(d, 1, d.length - 1, pipe)
                        : subscriptions.remove(d, 1, d.length - 1, pipe);
                if (up && (changed || (subscribe && options.get(ZmqOption.XPUB_VERBOSE)))) {
                    pending.add(f);
                }
            } else if (up) {
                pending.add(f); // other messages from subscribers reach an XPUB user as they are
            }
            inMessage = f.hasMore();
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
        Frame f = pending.poll();
        if (f == null) {
            pump();
            f = pending.poll();
        }
        if (f != null) {
            pump(); // room again: resume reading the subscribers
        }
        return f;
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
