package io.zconn.itests.arquillian.app;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Connects to tcp://127.0.0.1:25663, where only ZconnHealthIT's libzmq peer listens (for a while):
 * the activation is not ready without it.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "PULL"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25663"),
        @ActivationConfigProperty(propertyName = "bind", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "reconnectInterval", propertyValue = "100"),
        @ActivationConfigProperty(propertyName = "reconnectIntervalMax", propertyValue = "500")})
@ResourceAdapter("zconn.rar")
public class HealthPullMdb implements ZmqMessageListener {
    @Override
    public void onMessage(ZmqMessage message) {
        // the test only watches the activation's readiness
    }
}
