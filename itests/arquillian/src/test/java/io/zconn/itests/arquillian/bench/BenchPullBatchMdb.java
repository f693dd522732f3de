package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqMessage;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.List;

/** The benchmark's batch PULL MDB (container-managed transaction, REQUIRED): counts the messages of each call. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25759"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
public class BenchPullBatchMdb implements ZmqBatchListener {
    @Override
    public void onMessages(List<ZmqMessage> messages) {
        BenchCounter.PULL_BATCH_TX.hits(messages.size());
    }
}
