package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.Distributor;
import io.zconn.engine.routing.FairQueue;
import io.zconn.engine.routing.PrefixTrie;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * XSUB: receives everything its publishers send (as libzmq's XSUB, it does not filter: publishers
 * do); sending a message whose first byte is 1 (subscribe) or 0 (unsubscribe) changes its
 * subscriptions and tells every publisher, and new publishers hear all current subscriptions.
 * SUB sets them through options and keeps only the messages that match them (with
 * INVERT_MATCHING, those that match none).
 */
public class XSub extends SocketBase {
    protected final FairQueue fq = new FairQueue(this::pipeFinished);
    private final Distributor dist = new Distributor();
    private final PrefixTrie subscriptions = new PrefixTrie();
    private boolean moreIn;
    private boolean moreOut;
    /** INVERT_MATCHING, kept here when set (read for every message). */
    private boolean invertMatching = ZmqOption.INVERT_MATCHING.defaultValue();
    private Frame prefetched;
    private final Set<Pipe> resendAfterMessage = new HashSet<>(); // hiccuped during a multipart send

    public XSub(Ctx ctx) {
        this(ctx, SocketType.XSUB);
    }

    protected XSub(Ctx ctx, SocketType type) {
        super(ctx, type);
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        fq.attach(pipe);
        dist.attach(pipe);
        subscriptions.forEach(topic -> pipe.write(XPub.subscriptionFrame((byte) 1, topic)));
        pipe.flush();
    }

    @Override
    protected void xhiccuped(Pipe pipe) {
        // a reconnected publisher starts with no subscriptions from us: tell it all of them, but
        // not between the parts of a message the user is sending (they would join that message)
        if (moreOut) {
            resendAfterMessage.add(pipe);
        } else {
            resendSubscriptions(pipe);
        }
    }

    private void resendSubscriptions(Pipe pipe) {
        subscriptions.forEach(topic -> pipe.write(XPub.subscriptionFrame((byte) 1, topic)));
        pipe.flush();
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        resendAfterMessage.remove(pipe);
        dist.remove(pipe);
        fq.remove(pipe);
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        resendAfterMessage.remove(pipe);
        dist.remove(pipe);
        fq.peerTerminated(pipe); // readable up to its delimiter
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
        out.put("dist", dist.size());
    }

    @Override
    protected void xreadActivated(Pipe pipe) {
        fq.activate(pipe);
    }

    @Override
    protected void xwriteActivated(Pipe pipe) {
        dist.activate(pipe);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (!moreOut && !frame.hasMore() && frame.size() > 0) {
            byte kind = frame.byteAt(0);
            if (kind == 1 || kind == 0) {
                byte[] d = frame.data();
                byte[] topic = java.util.Arrays.copyOfRange(d, 1, d.length);
                boolean forward = true;
                if (kind == 1) {
                    subscriptions.add(topic); // always forwarded: publishers count per subscriber
                } else {
                    forward = subscriptions.remove(topic);
                }
                if (forward) {
                    dist.matchAll();
                    dist.sendToMatching(frame);
                }
                return true;
            }
        }
        if (!moreOut) {
            dist.matchAll();
        }
        dist.sendToMatching(frame);
        moreOut = frame.hasMore();
        if (!moreOut && !resendAfterMessage.isEmpty()) {
            resendAfterMessage.forEach(this::resendSubscriptions);
            resendAfterMessage.clear();
        }
        return true;
    }

    @Override
    protected boolean xhasOut() {
        return true;
    }

    @Override
    protected Frame xrecv() {
        if (prefetched != null) {
            Frame f = prefetched;
            prefetched = null;
            moreIn = f.hasMore();
            return f;
        }
        while (true) {
            Frame f = fq.recv();
            if (f == null) {
                return null;
            }
            if (moreIn || matches(f)) {
                moreIn = f.hasMore();
                return f;
            }
            while (f != null && f.hasMore()) {
                f = fq.recv();
            }
        }
    }

    /** @return whether received messages are filtered by the subscriptions (SUB; an XSUB takes all) */
    protected boolean filters() {
        return false;
    }

    private boolean matches(Frame f) {
        if (!filters()) {
            return true;
        }
        boolean m;
        if (f.hasArray()) {
            m = subscriptions.matches(f.array(), f.arrayOffset(), f.size());
        } else {
            byte[] d = f.data();
            m = subscriptions.matches(d, 0, d.length);
        }
        return m != invertMatching;
    }

    @Override
    protected void xoptionStored(ZmqOption<?> option) {
        if (option == ZmqOption.INVERT_MATCHING) {
            invertMatching = options.get(ZmqOption.INVERT_MATCHING);
        }
    }

    @Override
    protected boolean xhasIn() {
        if (moreIn || prefetched != null) {
            return true;
        }
        while (fq.hasIn()) {
            Frame f = fq.recv();
            if (f == null) {
                return false;
            }
            if (matches(f)) {
                prefetched = f;
                return true;
            }
            while (f != null && f.hasMore()) {
                f = fq.recv();
            }
        }
        return false;
    }

    /** Changes a subscription as if the user had sent the subscription message (used by SUB). */
    protected void changeSubscription(byte kind, byte[] topic) {
        xsend(XPub.subscriptionFrame(kind, topic));
    }
}
