package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;

/** Subscribes to "keep" on a libzmq PUB bound at tcp://127.0.0.1:25564. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "SUB"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25564"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "subscriptions", propertyValue = "keep")})
public class SubMdb implements ZmqMessageListener {
    @EJB
    private Inbox inbox;

    @Override
    public void onMessage(ZmqMessage message) {
        inbox.add("sub", message.text());
    }
}
