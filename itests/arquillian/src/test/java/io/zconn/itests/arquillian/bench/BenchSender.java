package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.resource.ResourceException;

/** Sends through the benchmark's PUSH connection factory (java:/zconn/BenchPush). */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BenchSender {
    @Resource(lookup = "java:/zconn/BenchPush")
    private ZmqConnectionFactory push;

    /** Sends n messages over one connection handle. */
    public void sendOnOneConnection(int n, byte[] payload) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            for (int i = 0; i < n; i++) {
                c.send(ZmqMessage.of(payload));
            }
        }
    }

    /** Sends n messages, a connection handle from the pool for each. */
    public void sendConnectionPerMessage(int n, byte[] payload) throws ResourceException {
        for (int i = 0; i < n; i++) {
            try (ZmqConnection c = push.getConnection()) {
                c.send(ZmqMessage.of(payload));
            }
        }
    }
}
