package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;

/** Receives what a libzmq PUSH peer sends to tcp://127.0.0.1:25562. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25562"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "true")})
public class PullMdb implements ZmqMessageListener {
    @EJB
    private Inbox inbox;

    @Override
    public void onMessage(ZmqMessage message) {
        inbox.add("pull", String.join("|", message.texts()));
    }
}
