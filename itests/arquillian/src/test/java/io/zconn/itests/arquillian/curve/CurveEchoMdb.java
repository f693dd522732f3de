package io.zconn.itests.arquillian.curve;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * A CURVE server on tcp://127.0.0.1:25570 that answers only clients on its allow-list, and tells
 * each one the User-Id and Socket-Type the adapter saw. No key is written here: the values are
 * expressions that WildFly resolves at deployment ({@code annotation-property-replacement}) from
 * system properties whose values are themselves Elytron encrypted expressions.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25570"),
        @ActivationConfigProperty(propertyName = "curveServer", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "curveSecretKey", propertyValue = "${zconn.it.curve.server.secret}"),
        @ActivationConfigProperty(propertyName = "zapDomain", propertyValue = "curve-it"),
        @ActivationConfigProperty(propertyName = "zapCurveKeys", propertyValue = "${zconn.it.curve.allowed}")})
@ResourceAdapter("zconn.rar")
public class CurveEchoMdb implements ZmqRequestListener {
    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("echo:" + request.text() + "|user=" + request.userId().orElse("none") + "|type="
                + request.property("Socket-Type").orElse("none"));
    }
}
