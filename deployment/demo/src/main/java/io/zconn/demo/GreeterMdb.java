package io.zconn.demo;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

import java.util.concurrent.atomic.AtomicLong;

/** Answers REQ clients on tcp://127.0.0.1:5555. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:5555")})
@ResourceAdapter("zconn.rar")
public class GreeterMdb implements ZmqRequestListener {
    private static final AtomicLong COUNT = new AtomicLong();

    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("Hello " + request.text() + " from zconn on WildFly (request #"
                + COUNT.incrementAndGet() + ")");
    }
}
