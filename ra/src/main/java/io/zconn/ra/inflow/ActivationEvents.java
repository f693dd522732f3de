package io.zconn.ra.inflow;

import io.zconn.engine.SocketType;
import io.zconn.ra.RaLog;
import io.zconn.support.DeliveryEvents;

import java.util.List;

/** The shared delivery layer's events as the adapter's numbered log lines ({@code ZCONNRA00nn}, see {@link RaLog}). */
final class ActivationEvents implements DeliveryEvents {
    private final String name;

    ActivationEvents(String name) {
        this.name = name;
    }

    @Override
    public void receiveFailing(Throwable cause, long firstMs, long maxMs) {
        RaLog.receiveLoopFailing(name, cause, firstMs, maxMs);
    }

    @Override
    public void receiveRecovered(int failures, long millis) {
        RaLog.receiveLoopRecovered(name, failures, millis);
    }

    @Override
    public void loopFailed(Throwable error) {
        RaLog.activationFailed(name, error);
    }

    @Override
    public void loopInterrupted() {
        RaLog.receiveLoopInterrupted(name);
    }

    @Override
    public void attemptFailed(int attempt, Throwable cause) {
        RaLog.deliveryFailed(name, attempt, cause);
    }

    @Override
    public void deliveryFailed(int attempts, long failedSoFar, Throwable cause) {
        RaLog.deliveryAbandoned(name, attempts, failedSoFar, cause);
    }

    @Override
    public void deadLettered(String endpoint) {
        RaLog.deadLettered(name, endpoint);
    }

    @Override
    public void deadLetterFailed(String endpoint, long droppedSoFar, Object reason) {
        RaLog.deadLetterFailed(name, endpoint, droppedSoFar, reason);
    }

    @Override
    public void messageDropped(String reason, long droppedSoFar, Throwable cause) {
        RaLog.messageDropped(name, reason, droppedSoFar, cause);
    }

    @Override
    public void drained(long delivered, long deadLettered, long dropped, long millis) {
        RaLog.drained(name, delivered, deadLettered, dropped, millis);
    }

    @Override
    public void stopTimedOut() {
        RaLog.deactivationTimedOut(name);
    }

    @Override
    public void interrupting(List<Thread> threads, long afterMs) {
        // not reached: the adapter never interrupts the container's threads (interruptWait is zero);
        // the calls still running are reported by stillRunning (ZCONNRA0044)
    }

    @Override
    public void stillRunning(List<Thread> threads) {
        RaLog.invocationsStillRunning(name, threads.size());
    }

    @Override
    public void replyFailed(Throwable cause) {
        RaLog.replyFailed(name, cause);
    }

    @Override
    public void replyIgnored(SocketType type) {
        RaLog.replyIgnored(name, type.name());
    }
}
