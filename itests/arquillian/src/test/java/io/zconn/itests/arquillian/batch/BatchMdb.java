package io.zconn.itests.arquillian.batch;

import io.zconn.ra.api.ZmqBatchListener;
import io.zconn.ra.api.ZmqMessage;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.jboss.ejb3.annotation.ResourceAdapter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A batch MDB (container-managed transaction, REQUIRED) on a PULL socket at tcp://127.0.0.1:25762: records each
 * call's messages and the transaction it ran in. One delivery at a time, so calls come in arrival order.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25762"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "maxConcurrentDeliveries", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "maxBatch", propertyValue = "50")})
@ResourceAdapter("zconn.rar")
public class BatchMdb implements ZmqBatchListener {
    /** Each call: its messages' texts. */
    static final List<List<String>> CALLS = new CopyOnWriteArrayList<>();
    /** Each call: the key of the transaction it ran in, as text ("none" without one). */
    static final List<String> TRANSACTIONS = new CopyOnWriteArrayList<>();

    @Resource
    private TransactionSynchronizationRegistry tsr;

    @Override
    public void onMessages(List<ZmqMessage> messages) {
        List<String> texts = new ArrayList<>(messages.size());
        for (ZmqMessage m : messages) {
            texts.add(m.text());
        }
        Object key = tsr.getTransactionKey();
        TRANSACTIONS.add(key == null ? "none" : key.toString());
        CALLS.add(texts);
    }
}
