package io.zconn.ra.outbound;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction synchronization registry for one transaction at a time, driven by the test: begin,
 * suspend/resume, mark rollback-only, commit or roll back (which runs the synchronizations as a
 * transaction manager does).
 */
final class FakeTransactions implements TransactionSynchronizationRegistry {
    private Object key;
    private int status = Status.STATUS_NO_TRANSACTION;
    private Map<Object, Object> resources = new HashMap<>();
    private List<Synchronization> syncs = new ArrayList<>();
    private Object suspendedKey;
    private int suspendedStatus;

    synchronized void begin() {
        if (key != null) {
            throw new IllegalStateException("already in a transaction");
        }
        key = new Object();
        status = Status.STATUS_ACTIVE;
        resources = new HashMap<>();
        syncs = new ArrayList<>();
    }

    synchronized void suspend() {
        suspendedKey = key;
        suspendedStatus = status;
        key = null;
        status = Status.STATUS_NO_TRANSACTION;
    }

    synchronized void resume() {
        key = suspendedKey;
        status = suspendedStatus;
    }

    /** Puts the transaction in the given state (e.g. COMMITTING) without completing it. */
    synchronized void status(int s) {
        status = s;
    }

    void commit() {
        complete(status == Status.STATUS_MARKED_ROLLBACK ? Status.STATUS_ROLLEDBACK : Status.STATUS_COMMITTED);
    }

    void rollback() {
        complete(Status.STATUS_ROLLEDBACK);
    }

    private void complete(int outcome) {
        List<Synchronization> s;
        synchronized (this) {
            s = List.copyOf(syncs);
        }
        if (outcome == Status.STATUS_COMMITTED) {
            s.forEach(Synchronization::beforeCompletion);
        }
        synchronized (this) {
            status = outcome;
        }
        s.forEach(sync -> sync.afterCompletion(outcome));
        synchronized (this) {
            key = null;
            status = Status.STATUS_NO_TRANSACTION;
        }
    }

    @Override
    public synchronized Object getTransactionKey() {
        return key;
    }

    @Override
    public synchronized void putResource(Object k, Object value) {
        requireTransaction();
        resources.put(k, value);
    }

    @Override
    public synchronized Object getResource(Object k) {
        requireTransaction();
        return resources.get(k);
    }

    @Override
    public synchronized void registerInterposedSynchronization(Synchronization sync) {
        if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
            throw new IllegalStateException("status " + status);
        }
        syncs.add(sync);
    }

    @Override
    public synchronized int getTransactionStatus() {
        return status;
    }

    @Override
    public synchronized void setRollbackOnly() {
        requireTransaction();
        status = Status.STATUS_MARKED_ROLLBACK;
    }

    @Override
    public synchronized boolean getRollbackOnly() {
        requireTransaction();
        return status == Status.STATUS_MARKED_ROLLBACK;
    }

    private void requireTransaction() {
        if (key == null) {
            throw new IllegalStateException("no transaction");
        }
    }
}
