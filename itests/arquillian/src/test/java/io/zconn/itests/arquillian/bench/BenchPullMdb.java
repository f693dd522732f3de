package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** The benchmark's PULL MDB with the default container-managed transaction (REQUIRED): counts deliveries. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25756"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
public class BenchPullMdb implements ZmqMessageListener {
    @Override
    public void onMessage(ZmqMessage message) {
        BenchCounter.PULL_TX.hit();
    }
}
