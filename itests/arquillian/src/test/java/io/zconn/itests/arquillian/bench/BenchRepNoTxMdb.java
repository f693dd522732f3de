package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/** The benchmark's REP MDB without a transaction (NOT_SUPPORTED): echoes. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25752")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BenchRepNoTxMdb implements ZmqRequestListener {
    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("echo:" + request.text());
    }
}
