package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Receives what a libzmq PUSH peer sends to tcp://127.0.0.1:25662 (statistics test). */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25662"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
@ResourceAdapter("zconn.rar")
public class StatsPullMdb implements ZmqMessageListener {
    @EJB
    private Inbox inbox;

    @Override
    public void onMessage(ZmqMessage message) {
        inbox.add("stats", message.text());
    }
}
