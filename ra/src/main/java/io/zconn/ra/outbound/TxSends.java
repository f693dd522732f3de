package io.zconn.ra.outbound;

import io.zconn.engine.Message;
import io.zconn.ra.RaLog;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionException.Reason;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;

import java.util.ArrayList;
import java.util.List;

/**
 * The sends one JTA transaction made through one connection factory, held until the transaction
 * completes: registered as an interposed {@link Synchronization}, it sends them, in the order they
 * were made, in {@code afterCompletion(STATUS_COMMITTED)} and discards them on any other outcome.
 *
 * <p>ZeroMQ has no transactions, so this is not two-phase commit: the messages leave after the
 * transaction has committed, best effort and at most once. A send that fails then (socket closed,
 * send timeout) cannot undo the commit; it is logged ({@code ZCONNRA0025}) and counted, and the
 * later messages are still sent. A crash between the commit and the sends loses them.
 *
 * <p>Bounded: at most {@code max} messages per transaction and factory; one more fails the send
 * with {@link Reason#NOT_SUPPORTED}, and the messages already held stay held.
 */
final class TxSends implements Synchronization {
    private final ZmqManagedConnectionFactory factory;
    private final int max;
    private final List<Pending> pending = new ArrayList<>();
    private boolean completed;

    private record Pending(ZmqManagedConnection connection, Message message) {
    }

    TxSends(ZmqManagedConnectionFactory factory, int max) {
        this.factory = factory;
        this.max = max;
    }

    /**
     * Holds one message until the transaction completes.
     *
     * @throws ZmqConnectionException when the transaction already holds {@code max} messages of this
     *                                factory, or has completed
     */
    synchronized void add(ZmqManagedConnection connection, Message message) {
        if (completed) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, "the transaction has completed; "
                    + "the message was not sent", null);
        }
        if (pending.size() >= max) {
            throw new ZmqConnectionException(Reason.NOT_SUPPORTED, "a transaction may hold at most " + max
                    + " messages to send on commit through " + factory + " (maxTransactionMessages); "
                    + "this message was not accepted", null);
        }
        pending.add(new Pending(connection, message));
    }

    /** @return messages held */
    synchronized int size() {
        return pending.size();
    }

    @Override
    public void beforeCompletion() {
        // nothing to prepare: ZeroMQ cannot vote
    }

    @Override
    public void afterCompletion(int status) {
        List<Pending> todo;
        synchronized (this) {
            completed = true;
            todo = new ArrayList<>(pending);
            pending.clear();
        }
        if (status != Status.STATUS_COMMITTED) {
            factory.countDiscarded(todo.size());
            return;
        }
        int index = 0;
        for (Pending p : todo) {
            index++;
            try {
                p.connection().sendNow(p.message());
                factory.countSentAfterCommit();
            } catch (RuntimeException e) {
                long failed = factory.countFailedAfterCommit();
                RaLog.sendAfterCommitFailed(factory.toString(), index, todo.size(), failed, e);
            }
        }
    }
}
