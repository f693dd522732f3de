package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.outbound.ZmqConnectionImpl;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.resource.ResourceException;

/**
 * A bean injected with the connection factories. The references are mapped to each server's JNDI
 * names by the test deployment's ejb-jar.xml ({@code ZconnSuite#ejbJarXml}).
 */
@Stateless
public class Sender {
    @Resource(name = "zconn/TestPush")
    private ZmqConnectionFactory push;

    @Resource(name = "zconn/TestReq")
    private ZmqConnectionFactory req;

    public void send(String... frames) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            c.send(ZmqMessage.of(frames));
        }
    }

    /** @return the id of the managed connection behind a fresh handle (closed again at once) */
    public long reqConnectionId() throws ResourceException {
        try (ZmqConnection c = req.getConnection()) {
            return ((ZmqConnectionImpl) c).managedConnectionId();
        }
    }

    /** Makes a request nobody answers; returns the id of the managed connection that failed. */
    public long failRequest() throws ResourceException {
        try (ZmqConnection c = req.getConnection()) {
            long id = ((ZmqConnectionImpl) c).managedConnectionId();
            try {
                c.request(ZmqMessage.of("anyone?"));
                throw new IllegalStateException("a reply came from nowhere");
            } catch (ZmqConnectionException expected) {
                return id;
            }
        }
    }
}
