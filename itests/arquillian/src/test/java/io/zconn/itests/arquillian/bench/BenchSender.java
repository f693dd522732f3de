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

    /** The same, with use-ccm="false": no CachedConnectionManager bookkeeping per handle. */
    @Resource(lookup = "java:/zconn/BenchPushNoCcm")
    private ZmqConnectionFactory pushNoCcm;

    /** The same, with use-ccm="false" and tracking="false" and sharable="false" (no handle tracking). */
    @Resource(lookup = "java:/zconn/BenchPushLean")
    private ZmqConnectionFactory pushLean;

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
        sendConnectionPerMessage(push, n, payload);
    }

    /**
     * Sends n messages, a connection handle from the pool for each, through the factory with other pool settings.
     *
     * @param lean false: use-ccm="false"; true: also tracking="false", sharable="false"
     */
    public void sendConnectionPerMessage(boolean lean, int n, byte[] payload) throws ResourceException {
        sendConnectionPerMessage(lean ? pushLean : pushNoCcm, n, payload);
    }

    private static void sendConnectionPerMessage(ZmqConnectionFactory f, int n, byte[] payload)
            throws ResourceException {
        for (int i = 0; i < n; i++) {
            try (ZmqConnection c = f.getConnection()) {
                c.send(ZmqMessage.of(payload));
            }
        }
    }
}
