package io.zconn.itests.arquillian.curve;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.resource.ResourceException;

/** Sends through the connection factory configured as a CURVE client (ironjacamar-curve.xml). */
@Stateless
public class CurveSender {
    @Resource(lookup = "java:/zconn/TestCurvePush")
    private ZmqConnectionFactory push;

    public void send(String text) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            c.send(ZmqMessage.of(text));
        }
    }
}
