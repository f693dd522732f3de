package io.zconn.itests.arquillian.bench;

import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqMessage;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.util.List;

/** The benchmark's batch PULL MDB (NOT_SUPPORTED): counts the messages of each call. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25760"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BenchPullBatchNoTxMdb implements ZmqBatchListener {
    @Override
    public void onMessages(List<ZmqMessage> messages) {
        BenchCounter.PULL_BATCH_NOTX.hits(messages.size());
    }
}
