package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.OnZmqMessage;
import io.zconn.ra.api.ZmqListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** The no-methods listener style: answers on tcp://127.0.0.1:25565 from an annotated method. */
@MessageDriven(messageListenerInterface = ZmqListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25565")})
@ResourceAdapter("zconn.rar")
public class ModernMdb implements ZmqListener {
    @OnZmqMessage
    public String shout(String text) {
        return text.toUpperCase(java.util.Locale.ROOT);
    }
}
