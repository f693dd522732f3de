package io.zconn.engine.socket;

import io.zconn.engine.Errno;
import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqException;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.routing.Distributor;
import io.zconn.engine.routing.FairQueue;
import io.zconn.engine.routing.MultiTrie;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * XPUB: sends each message to the subscribers with a matching prefix (with INVERT_MATCHING, to
 * those without one), dropping it for those at their HWM (with XPUB_NODROP, refusing it while one
 * is), and hands subscription messages (first byte 1 = subscribe, 0 = unsubscribe) up to the
 * user: the first subscription and last unsubscription of each topic, all subscriptions with
 * XPUB_VERBOSE, all of both with XPUB_VERBOSER. With XPUB_MANUAL nothing is applied by itself:
 * every request goes up and the user applies it with SUBSCRIBE/UNSUBSCRIBE to the subscriber it
 * read last. XPUB_WELCOME_MSG is written to each new subscriber. PUB is an XPUB that keeps
 * subscriptions to itself.
 *
 * <p>The messages waiting for the user are bounded by RCVHWM per subscriber, as ZeroMQ's HWMs
 * are per pipe: once RCVHWM messages from one subscriber wait, the XPUB stops reading that
 * subscriber's pipe until the user has read one of them, so its pipe fills up and back-pressure
 * reaches its connection, while the other subscribers are still read (one peer's SUBSCRIBE storm
 * does not keep the others' subscriptions out). The unsubscriptions of a departing subscriber are
 * the only addition, bounded by what it had subscribed. XPUB_MANUAL keeps what each subscriber
 * asked for in a second trie, which costs what the automatic one would have.
 */
public class XPub extends SocketBase {
    private final Distributor dist = new Distributor();
    private final FairQueue fq = new FairQueue(this::pipeFinished);
    private final MultiTrie<Pipe> subscriptions = new MultiTrie<>();
    /** XPUB_MANUAL: what each subscriber asked for, reported as it leaves. */
    private final MultiTrie<Pipe> requested = new MultiTrie<>();
    /** Pipes between attach and termination: the only ones a subscription may name. */
    private final Set<Pipe> attached = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Attached pipes that sent at least one subscription: the peers {@code awaitPeers} counts. */
    private final Set<Pipe> subscribed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<Notice> pending = new ArrayDeque<>();
    /** Messages waiting for the user, per subscriber pipe (absent: none). */
    private final IdentityHashMap<Pipe, int[]> waiting = new IdentityHashMap<>();
    /** The subscriber of the last message the user read (null: none, or gone). */
    private Pipe lastPipe;
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

    private boolean manual() {
        return passesSubscriptionsUp() && options.get(ZmqOption.XPUB_MANUAL);
    }

    @Override
    protected <T> boolean xsetOption(ZmqOption<T> option, T value) {
        if (option == ZmqOption.XPUB_VERBOSE) {
            options.put(ZmqOption.XPUB_VERBOSE, (Boolean) value);
            options.put(ZmqOption.XPUB_VERBOSER, false); // libzmq: VERBOSE alone means subscriptions only
            return true;
        }
        if (option == ZmqOption.XPUB_VERBOSER) {
            options.put(ZmqOption.XPUB_VERBOSE, (Boolean) value);
            options.put(ZmqOption.XPUB_VERBOSER, (Boolean) value);
            return true;
        }
        if ((option == ZmqOption.SUBSCRIBE || option == ZmqOption.UNSUBSCRIBE) && passesSubscriptionsUp()) {
            if (!manual()) {
                throw new ZmqException(Errno.EINVAL, "option " + option + " is valid for " + type
                        + " sockets only with XPUB_MANUAL");
            }
            if (lastPipe != null) {
                byte[] topic = (byte[]) value;
                if (option == ZmqOption.SUBSCRIBE) {
                    subscriptions.add(topic, 0, topic.length, lastPipe);
                } else {
                    subscriptions.remove(topic, 0, topic.length, lastPipe);
                }
            }
            return true;
        }
        return false;
    }

    @Override
    protected void xattachPipe(Pipe pipe) {
        attached.add(pipe);
        dist.attach(pipe);
        fq.attach(pipe);
        byte[] welcome = options.get(ZmqOption.XPUB_WELCOME_MSG);
        if (welcome.length > 0) {
            // one message into a new pipe, whatever its HWM (as libzmq); the array is never changed
            pipe.write(Frame.wrap(welcome));
            pipe.flush();
        }
        pump();
    }

    @Override
    protected void xsubscribeToAll(Pipe pipe) {
        if (attached.contains(pipe)) {
            subscriptions.add(new byte[0], 0, 0, pipe);
            subscribed.add(pipe);
        }
    }

    @Override
    protected void xpipeTerminated(Pipe pipe) {
        fq.remove(pipe);
        dist.remove(pipe);
        waiting.remove(pipe);
        attached.remove(pipe);
        subscribed.remove(pipe);
        if (lastPipe == pipe) {
            lastPipe = null;
        }
        boolean up = passesSubscriptionsUp();
        if (manual()) {
            // every request it made comes up as an unsubscription; what the user applied goes quietly
            requested.removeAll(pipe, true, topic -> pending.add(new Notice(subscriptionFrame((byte) 0, topic), null)));
            subscriptions.removeAll(pipe, topic -> { });
        } else {
            requested.removeAll(pipe, topic -> { }); // left from a time XPUB_MANUAL was on
            subscriptions.removeAll(pipe, options.get(ZmqOption.XPUB_VERBOSER), topic -> {
                if (up) {
                    pending.add(new Notice(subscriptionFrame((byte) 0, topic), null));
                }
            });
        }
    }

    @Override
    protected void xpipePeerTerminated(Pipe pipe) {
        dist.remove(pipe);
        fq.peerTerminated(pipe); // its last (un)subscriptions are still read
        pump();
    }

    @Override
    protected boolean xcountsAsPeer(Pipe pipe) {
        return subscribed.contains(pipe);
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("fq", fq.size());
        out.put("dist", dist.size());
        out.put("subscriptions", subscriptions.isEmpty() ? 0 : 1);
        out.put("requested", requested.isEmpty() ? 0 : 1);
        out.put("attached", attached.size());
        out.put("subscribed", subscribed.size());
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
                if (subscription(f, pipe) && up) {
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

    /**
     * Applies (or, with XPUB_MANUAL, records) a subscription message.
     *
     * @return whether the user is told of it
     */
    private boolean subscription(Frame f, Pipe pipe) {
        byte[] d = f.data();
        boolean subscribe = d[0] == 1;
        if (subscribe && attached.contains(pipe)) {
            subscribed.add(pipe);
        }
        if (manual()) {
            if (subscribe) {
                requested.add(d, 1, d.length - 1, pipe);
            } else {
                requested.remove(d, 1, d.length - 1, pipe);
            }
            return true;
        }
        if (subscribe) {
            return subscriptions.add(d, 1, d.length - 1, pipe) || options.get(ZmqOption.XPUB_VERBOSE);
        }
        // as libzmq 4.3.4: an unsubscription of a topic the subscriber did not have is told too
        return subscriptions.unsubscribe(d, 1, d.length - 1, pipe) != MultiTrie.Removal.VALUES_REMAIN
                || options.get(ZmqOption.XPUB_VERBOSER);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (!moreOut) {
            dist.unmatch();
            if (frame.hasArray()) {
                subscriptions.match(frame.array(), frame.arrayOffset(), frame.size(), dist::match);
            } else {
                byte[] d = frame.data();
                subscriptions.match(d, 0, d.length, dist::match);
            }
            if (options.get(ZmqOption.INVERT_MATCHING)) {
                dist.reverseMatch();
            }
            if (options.get(ZmqOption.XPUB_NODROP) && !dist.matchingWritable()) {
                dist.unmatch(); // refused whole: nothing of it was written anywhere
                return false;
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
        Pipe from = n.from() != null && attached.contains(n.from()) ? n.from() : null;
        lastPipe = from;
        if (from != null && !n.frame().hasMore()) {
            int[] c = waiting.get(from);
            if (c != null && --c[0] <= 0) {
                waiting.remove(from);
            }
            if (!atQuota(from)) {
                fq.activate(from); // room again: resume reading that subscriber
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
