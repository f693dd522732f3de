package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/** The benchmark's PULL MDB without a transaction (NOT_SUPPORTED): counts deliveries. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25757"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BenchPullNoTxMdb implements ZmqMessageListener {
    @Override
    public void onMessage(ZmqMessage message) {
        BenchCounter.PULL_NOTX.hit();
    }
}
