package io.zconn.itests.arquillian.secure;

import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqRequestListener;

import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import org.jboss.ejb3.annotation.ResourceAdapter;
import org.jboss.ejb3.annotation.SecurityDomain;

/**
 * A PLAIN server on tcp://127.0.0.1:25591 whose clients the server's realm checks
 * (zapContainerRealm) and whose deliveries run as the client's user (runAsUserId): answers each
 * request with the caller principal the container gives the bean. In a security domain (so that the
 * caller is the domain's current identity) and open to every caller: WildFly denies methods without
 * permissions in a secured bean, and the identity carries the name only, no roles.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "socketType", propertyValue = "REP"),
        @ActivationConfigProperty(propertyName = "endpoints", propertyValue = "tcp://127.0.0.1:25591"),
        @ActivationConfigProperty(propertyName = "plainServer", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "zapContainerRealm", propertyValue = "true"),
        @ActivationConfigProperty(propertyName = "runAsUserId", propertyValue = "true")})
@ResourceAdapter("zconn-secure.rar")
@SecurityDomain("other")
@PermitAll
public class CallerEchoMdb implements ZmqRequestListener {
    @Resource
    private MessageDrivenContext context;

    @Override
    public ZmqMessage onRequest(ZmqMessage request) {
        return ZmqMessage.of("caller:" + context.getCallerPrincipal().getName() + ":" + request.text());
    }
}
