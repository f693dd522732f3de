package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.OnZmqMessage;
import io.zconn.ra.api.ZmqListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** The no-methods listener style: answers on tcp://127.0.0.1:25565 from an annotated method. */
@MessageDriven(messageListenerInterface = ZmqListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25565")})
public class ModernMdb implements ZmqListener {
    @OnZmqMessage
    public String shout(String text) {
        return text.toUpperCase(java.util.Locale.ROOT);
    }
}
