package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.Distributor;
import io.zconn.engine.routing.MultiTrie;

import java.util.ArrayDeque;

/**
 * XPUB: sends each message to the subscribers with a matching prefix, dropping it for those at
 * their HWM, and hands subscription messages (first byte 1 = subscribe, 0 = unsubscribe) up to the
 * user: new topics only, or all with XPUB_VERBOSE. PUB is an XPUB that keeps them to itself.
 */
public class XPub extends SocketBase {
    private final Distributor dist = new Distributor();
    private final MultiTrie<Pipe> subscriptions = new MultiTrie<>();
    private final ArrayDeque<Frame> pending = new ArrayDeque<>();
    private boolean moreOut;

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
        xreadActivated(pipe);
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        subscriptions.removeAll(pipe, topic -> {
            if (passesSubscriptionsUp()) {
                pending.add(subscriptionFrame((byte) 0, topic));
            }
        });
        dist.remove(pipe);
    }

    @Override
    protected void xwriteActivated(Pipe pipe) {
        dist.activate(pipe);
    }

    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    @Override
    protected void xreadActivated(Pipe pipe) {
        Frame f;
        boolean inMessage = false;
        while ((f = pipe.read()) != null && f != Pipe.DELIMITER) {
            if (!inMessage && !f.hasMore() && f.size() > 0 && (f.byteAt(0) == 1 || f.byteAt(0) == 0)) {
                byte[] d = f.data();
                boolean subscribe = d[0] == 1;
                boolean changed = subscribe
                        ? subscriptions.add(d, 1, d.length - 1, pipe)
                        : subscriptions.remove(d, 1, d.length - 1, pipe);
                if (passesSubscriptionsUp() && (changed || (subscribe && options.get(ZmqOption.XPUB_VERBOSE)))) {
                    pending.add(f);
                }
            } else if (passesSubscriptionsUp()) {
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
        return pending.poll();
    }

    @Override
    protected boolean xhasIn() {
        return !pending.isEmpty();
    }

    static Frame subscriptionFrame(byte kind, byte[] topic) {
        byte[] d = new byte[topic.length + 1];
        d[0] = kind;
        System.arraycopy(topic, 0, d, 1, topic.length);
        return Frame.wrap(d);
    }
}
