package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;

/**
 * A container-managed-transaction bean sending through a factory whose PUSH socket is bound and
 * shared: every send, in a transaction or not, goes through the same socket and so, to one peer,
 * through the same pipe, in the order the socket was given the messages.
 */
@Stateless
public class TxSender {
    @Resource(name = "zconn/TestTxPush")
    private ZmqConnectionFactory push;

    @Resource
    private SessionContext context;

    /** Sends in the caller's transaction (or a new one), then marks it rollback-only. */
    public void sendThenRollBack(String text) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            c.send(text);
        }
        context.setRollbackOnly();
    }

    /**
     * Sends the messages in the transaction, then, before the transaction commits, sends the marker
     * outside any transaction: the marker must reach the peer first.
     */
    public void sendThenMarkThenCommit(String marker, String... texts) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            for (String t : texts) {
                c.send(t);
            }
        }
        context.getBusinessObject(TxSender.class).sendWithoutTransaction(marker);
    }

    /** Sends at once: no transaction. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void sendWithoutTransaction(String text) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            c.send(text);
        }
    }
}
