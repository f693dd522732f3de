package io.zconn.ra.outbound;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.LogCapture;
import io.zconn.ra.TestBootstrap;
import io.zconn.ra.ZmqResourceAdapter;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;

import jakarta.transaction.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Sends inside a JTA transaction wait for its outcome. "Not before the commit" is checked without
 * timing: while the transaction is open, the test suspends it and sends a marker on the same
 * socket, which leaves at once; over one pipe order is kept, so the peer must see the marker
 * first, and the transaction's messages only after the commit.
 */
class SendOnCommitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final TestBootstrap bootstrap = new TestBootstrap();
    private final FakeTransactions tx = new FakeTransactions();
    private final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    private Context peers;
    private Socket pull;

    @BeforeEach
    void start() throws Exception {
        bootstrap.transactions = tx;
        ra.start(bootstrap);
        peers = new Context();
        pull = peers.socket(SocketType.PULL);
    }

    @AfterEach
    void stop() throws Exception {
        pull.close();
        ra.stop();
        peers.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> bootstrap.active() == 0);
        bootstrap.shutdown();
    }

    private ZmqManagedConnectionFactory pushTo(Socket peer) {
        peer.bind("tcp://127.0.0.1:*");
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType("PUSH");
        f.setEndpoints(peer.getOption(ZmqOption.LAST_ENDPOINT));
        return f;
    }

    private String next() {
        Message m = pull.recvMessage(WAIT);
        assertThat(m).as("message within " + WAIT).isNotNull();
        return m.get(0).text();
    }

    /** Sends a marker outside the transaction, through the same managed connection. */
    private void marker(ZmqConnection c, String text) {
        tx.suspend();
        try {
            c.send(text);
        } finally {
            tx.resume();
        }
    }

    @Test
    void commitSendsTheHeldMessagesInOrderAfterTheCommitAndNotBefore() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection c = (ZmqConnection) mc.getConnection(null, null);
        tx.begin();
        c.send("a");
        c.send("b");
        c.send("c");
        marker(c, "outside");
        assertThat(next()).as("the marker sent after a, b, c arrives first").isEqualTo("outside");
        assertThat(f.sentAfterCommit()).isZero();
        tx.commit();
        assertThat(next()).isEqualTo("a");
        assertThat(next()).isEqualTo("b");
        assertThat(next()).isEqualTo("c");
        assertThat(f.sentAfterCommit()).isEqualTo(3);
        mc.destroy();
    }

    @Test
    void heldMessagesSurviveClosingTheHandleAndLeaveAfterTheCommit() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        tx.begin();
        try (ZmqConnection c = cf.getConnection()) {
            c.send("first");
        }
        try (ZmqConnection c = cf.getConnection()) {
            c.send("second");
        }
        tx.commit();
        assertThat(next()).isEqualTo("first");
        assertThat(next()).isEqualTo("second");
    }

    @Test
    void rollbackDiscardsTheHeldMessages() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection c = (ZmqConnection) mc.getConnection(null, null);
        tx.begin();
        c.send("rolled-back-1");
        c.send("rolled-back-2");
        tx.rollback();
        c.send("after");
        assertThat(next()).as("nothing of the rolled-back transaction came before").isEqualTo("after");
        assertThat(f.discardedOnRollback()).isEqualTo(2);
        assertThat(f.sentAfterCommit()).isZero();
        mc.destroy();
    }

    @Test
    void aTransactionMarkedRollbackOnlyDiscardsItsSends() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection c = (ZmqConnection) mc.getConnection(null, null);
        tx.begin();
        c.send("before-mark");
        tx.setRollbackOnly();
        c.send("after-mark");
        tx.commit();
        c.send("after");
        assertThat(next()).isEqualTo("after");
        assertThat(f.discardedOnRollback()).isEqualTo(2);
        mc.destroy();
    }

    @Test
    void withoutATransactionSendsLeaveAtOnce() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        try (ZmqConnection c = cf.getConnection()) {
            c.send("now");
            assertThat(next()).isEqualTo("now");
        }
        assertThat(f.sentAfterCommit()).isZero();
    }

    @Test
    void sendOnCommitOffSendsAtOnceInsideATransaction() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        f.setSendOnCommit(false);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        tx.begin();
        try (ZmqConnection c = cf.getConnection()) {
            c.send("now");
            assertThat(next()).as("received while the transaction is still open").isEqualTo("now");
        } finally {
            tx.rollback();
        }
        assertThat(f.discardedOnRollback()).isZero();
    }

    @Test
    void aTransactionHoldsAtMostMaxTransactionMessagesAndOneMoreFailsTheSend() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        f.setMaxTransactionMessages(3);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection c = (ZmqConnection) mc.getConnection(null, null);
        tx.begin();
        for (int i = 0; i < 3; i++) {
            c.send("m" + i);
        }
        assertThatThrownBy(() -> c.send("m3")).isInstanceOf(ZmqConnectionException.class)
                .hasMessageContaining("at most 3").hasMessageContaining("maxTransactionMessages");
        tx.commit();
        c.send("after");
        assertThat(next()).isEqualTo("m0");
        assertThat(next()).isEqualTo("m1");
        assertThat(next()).isEqualTo("m2");
        assertThat(next()).as("the refused message was not sent").isEqualTo("after");
        mc.destroy();
    }

    @Test
    void aSendWhileTheTransactionCompletesIsRefused() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqManagedConnection mc = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection c = (ZmqConnection) mc.getConnection(null, null);
        tx.begin();
        tx.status(Status.STATUS_COMMITTING);
        assertThatThrownBy(() -> c.send("late")).isInstanceOf(ZmqConnectionException.class)
                .hasMessageContaining("while the transaction completes");
        tx.rollback();
        mc.destroy();
    }

    @Test
    void aSendFromTheSharedBoundSocketWaitsForTheCommitToo() throws Exception {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType("PUSH");
        f.setEndpoints("tcp://127.0.0.1:*");
        f.setBind(true);
        ZmqManagedConnection a = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqManagedConnection b = (ZmqManagedConnection) f.createManagedConnection(null, null);
        assertThat(a.isShared()).isTrue();
        pull.connect(a.lastEndpoint());
        ZmqConnection ha = (ZmqConnection) a.getConnection(null, null);
        ZmqConnection hb = (ZmqConnection) b.getConnection(null, null);
        tx.begin();
        ha.send("tx-a");
        hb.send("tx-b");
        ha.close();
        a.destroy();
        marker(hb, "outside");
        assertThat(next()).isEqualTo("outside");
        tx.commit();
        assertThat(next()).isEqualTo("tx-a");
        assertThat(next()).isEqualTo("tx-b");
        b.destroy();
    }

    @Test
    void aSendThatFailsAfterTheCommitIsLoggedAndCountedAndTheOthersStillLeave() throws Exception {
        ZmqManagedConnectionFactory f = pushTo(pull);
        ZmqManagedConnection gone = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqManagedConnection kept = (ZmqManagedConnection) f.createManagedConnection(null, null);
        ZmqConnection g = (ZmqConnection) gone.getConnection(null, null);
        ZmqConnection k = (ZmqConnection) kept.getConnection(null, null);
        try (LogCapture log = new LogCapture()) {
            tx.begin();
            g.send("lost");
            k.send("kept");
            gone.destroy();
            tx.commit();
            assertThat(next()).isEqualTo("kept");
            assertThat(f.failedAfterCommit()).isEqualTo(1);
            assertThat(f.sentAfterCommit()).isEqualTo(1);
            assertThat(log.count("ZCONNRA0025")).isEqualTo(1);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("SEVERE") && l.contains("message 1 of 2"));
        }
        kept.destroy();
    }
}
