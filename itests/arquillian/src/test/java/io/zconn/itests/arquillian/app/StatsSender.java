package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionFactory;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.resource.ResourceException;

/** Sends through the statistics test's connection factory. */
@Stateless
public class StatsSender {
    @Resource(lookup = "java:/zconn/StatsPush")
    private ZmqConnectionFactory push;

    public void send(String text) throws ResourceException {
        try (ZmqConnection c = push.getConnection()) {
            c.send(text);
        }
    }
}
