package io.zconn.demo;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

import java.util.logging.Logger;

/** Logs what PUSH peers send to tcp://127.0.0.1:5556. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:5556"),
        @ActivationConfigProperty(propertyName = "orderedDelivery", propertyValue = "true")})
@ResourceAdapter("zconn.rar")
public class LoggerMdb implements ZmqMessageListener {
    private static final Logger LOG = Logger.getLogger("io.zconn.demo");

    @Override
    public void onMessage(ZmqMessage message) {
        LOG.info("ZCONN-DEMO received " + message);
    }
}
