package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** The benchmark's REP MDB with the default container-managed transaction (REQUIRED): echoes. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25751")})
public class BenchRepMdb implements ZmqRequestListener {
    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("echo:" + request.text());
    }
}
