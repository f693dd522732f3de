package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Answers libzmq REQ clients on tcp://127.0.0.1:25563. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25563")})
public class EchoMdb implements ZmqRequestListener {
    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("echo:" + request.text());
    }
}
