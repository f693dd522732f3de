package io.zconn.ra.stats;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.ra.RunningAdapterTest;
import io.zconn.ra.TestEndpointFactory;
import io.zconn.ra.api.ZmqConnection;
import io.zconn.ra.api.ZmqConnectionException;
import io.zconn.ra.api.ZmqConnectionFactory;
import io.zconn.ra.api.ZmqMessage;
import io.zconn.ra.api.ZmqMessageListener;
import io.zconn.ra.inflow.ZmqActivation;
import io.zconn.ra.inflow.ZmqActivationSpec;
import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import org.jboss.jca.core.spi.statistics.StatisticsPlugin;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class StatisticsTest extends RunningAdapterTest {
    private static final String ANY_PORT = "tcp://127.0.0.1:*";
    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();


    /** Fails every call for a message whose first frame starts with "poison". */
    public static class Picky implements ZmqMessageListener {
        @Override
        public void onMessage(ZmqMessage message) {
            if (message.text().startsWith("poison")) {
                throw new IllegalStateException("refused");
            }
        }
    }

    private static String bound(Socket peer) {
        peer.bind(ANY_PORT);
        return peer.getOption(ZmqOption.LAST_ENDPOINT);
    }

    private ZmqManagedConnectionFactory mcf(String type, String endpoints) {
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType(type);
        f.setEndpoints(endpoints);
        f.setBind(false);
        return f;
    }

    private static Object attribute(ObjectName name, String attribute) throws Exception {
        return MBEANS.getAttribute(name, attribute);
    }

    @Test
    void connectionFactoryCountsMessagesAndBytesAsMBeanAndJcaStatistics() throws Exception {
        try (Socket pull = peers.socket(SocketType.PULL)) {
            ZmqManagedConnectionFactory f = mcf("PUSH", bound(pull));
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                c.send(ZmqMessage.of("ab", "cd"));
                c.send("single");
            }
            assertThat(pull.recvMessage(Duration.ofSeconds(5))).isNotNull();

            ObjectName name = f.mbeanName();
            assertThat(name).isNotNull();
            assertThat(name.getDomain()).isEqualTo("io.zconn");
            assertThat(name.getKeyProperty("type")).isEqualTo("ConnectionFactory");
            assertThat(ObjectName.unquote(name.getKeyProperty("name"))).startsWith("PUSH connect tcp://127.0.0.1:");
            assertThat(attribute(name, "MessagesSent")).isEqualTo(2L);
            assertThat(attribute(name, "BytesSent")).isEqualTo(10L);
            assertThat(attribute(name, "SendsFailed")).isEqualTo(0L);

            StatisticsPlugin jca = f.getStatistics();
            assertThat(jca.getNames()).contains("MessagesSent", "BytesSent", "SendsFailed", "HeldForCommit",
                    "SentAfterCommit", "DiscardedOnRollback", "FailedAfterCommit");
            assertThat(jca.getType("MessagesSent")).isEqualTo(long.class);
            assertThat(jca.getValue("MessagesSent")).isEqualTo(2L);
            assertThat(jca.getValue("BytesSent")).isEqualTo(10L);
            assertThat(jca.getDescription("BytesSent")).isNotBlank();

            ra.stop();
            assertThat(MBEANS.isRegistered(name)).as("the adapter's stop unregisters the factory's MBean").isFalse();
        }
    }

    @Test
    void sendThatTimesOutIsCountedAsFailed() throws Exception {
        ZmqManagedConnectionFactory f = mcf("PUSH", ANY_PORT);
        f.setBind(true); // bound, nobody connected: no pipe to queue on
        f.setSendTimeout(0);
        ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
        try (ZmqConnection c = cf.getConnection()) {
            assertThatThrownBy(() -> c.send("nobody listens")).isInstanceOf(ZmqConnectionException.class);
        }
        assertThat(f.stats().getSendsFailed()).isEqualTo(1);
        assertThat(f.stats().getMessagesSent()).isZero();
    }

    @Test
    void requestCountsTheRequestSentAndTheReplyReceived() throws Exception {
        try (Socket rep = peers.socket(SocketType.REP)) {
            String endpoint = bound(rep);
            Thread t = new Thread(() -> {
                Message req = rep.recvMessage(Duration.ofSeconds(5));
                rep.send(Message.of("re:" + req.get(0).text()));
            });
            t.start();
            ZmqManagedConnectionFactory f = mcf("REQ", endpoint);
            ZmqConnectionFactory cf = (ZmqConnectionFactory) f.createConnectionFactory();
            try (ZmqConnection c = cf.getConnection()) {
                assertThat(c.request(ZmqMessage.of("ping"), Duration.ofSeconds(5)).text()).isEqualTo("re:ping");
            }
            t.join();
            assertThat(f.stats().getMessagesSent()).isEqualTo(1);
            assertThat(f.stats().getBytesSent()).isEqualTo(4);
            assertThat(f.stats().getMessagesReceived()).isEqualTo(1);
            assertThat(f.stats().getBytesReceived()).isEqualTo(7);
        }
    }

    @Test
    void activationCountsDeliveriesRetriesAndDeadLettersAndItsMBeanGoesWithIt() throws Exception {
        try (Socket dl = peers.socket(SocketType.PULL); Socket push = peers.socket(SocketType.PUSH)) {
            String deadLetters = bound(dl);
            TestEndpointFactory f = new TestEndpointFactory(Picky.class, Picky::new, false, ZmqMessageListener.class);
            ZmqActivationSpec s = new ZmqActivationSpec();
            s.setSocketType("PULL");
            s.setEndpoints(ANY_PORT);
            s.setBind(true);
            s.setMaxRetries(2);
            s.setRetryInterval(1);
            s.setDeadLetterEndpoint(deadLetters);
            ra.endpointActivation(f, s);
            ZmqActivation a = ra.activations().get(0);
            push.connect(a.lastEndpoint());
            for (int i = 0; i < 3; i++) {
                push.send("ok");
            }
            push.send("poison");
            assertThat(dl.recvMessage(Duration.ofSeconds(5))).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.deliveredCount() == 3);

            ObjectName name = a.mbeanName();
            assertThat(name).isNotNull();
            assertThat(name.getKeyProperty("type")).isEqualTo("Activation");
            assertThat(attribute(name, "MessagesReceived")).isEqualTo(4L);
            assertThat(attribute(name, "BytesReceived")).isEqualTo(12L);
            assertThat(attribute(name, "Delivered")).isEqualTo(3L);
            assertThat(attribute(name, "Failed")).isEqualTo(1L);
            assertThat(attribute(name, "Retried")).as("poison tried 3 times: 2 retries").isEqualTo(2L);
            assertThat(attribute(name, "DeadLettered")).isEqualTo(1L);
            assertThat(attribute(name, "Dropped")).isEqualTo(0L);
            assertThat(attribute(name, "InFlight")).isEqualTo(0L);
            assertThat(attribute(name, "LoopFailed")).isEqualTo(false);
            assertThat(attribute(name, "LastEndpoint")).isEqualTo(a.lastEndpoint());

            StatisticsPlugin totals = ra.getStatistics();
            assertThat(totals.getValue("Activations")).isEqualTo(1L);
            assertThat(totals.getValue("Delivered")).isEqualTo(3L);

            ra.endpointDeactivation(f, s);
            assertThat(MBEANS.isRegistered(name)).as("deactivation unregisters the activation's MBean").isFalse();
            assertThat(MBEANS.queryNames(new ObjectName("io.zconn:type=Activation,*"), null)).isEmpty();
            assertThat(totals.getValue("Activations")).isEqualTo(0L);
            assertThat(totals.getValue("MessagesReceived")).as("kept after the activation stopped").isEqualTo(4L);
            assertThat(totals.getValue("Retried")).isEqualTo(2L);
        }
    }

    @Test
    void aTakenNameGetsASuffixAndEachRegistrationUnregistersItsOwn() throws Exception {
        ConnectionFactoryStats one = new ConnectionFactoryStats("same");
        ConnectionFactoryStats two = new ConnectionFactoryStats("same");
        StatsMBeans.Registration a = StatsMBeans.register(StatsMBeans.CONNECTION_FACTORY, "same", one);
        StatsMBeans.Registration b = StatsMBeans.register(StatsMBeans.CONNECTION_FACTORY, "same", two);
        assertThat(ObjectName.unquote(a.name().getKeyProperty("name"))).isEqualTo("same");
        assertThat(ObjectName.unquote(b.name().getKeyProperty("name"))).isEqualTo("same #2");
        b.close();
        assertThat(MBEANS.isRegistered(b.name())).isFalse();
        assertThat(MBEANS.isRegistered(a.name())).isTrue();
        a.close();
        a.close();
        assertThat(MBEANS.queryNames(new ObjectName("io.zconn:type=ConnectionFactory,name=\"same*\""), null))
                .isEmpty();
    }
}
