package io.zconn.ra.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks' rule and data, against fake zconn MBeans in the platform MBean server. */
class ZconnHealthTest {
    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    /** What the checks read of an activation's MBean (the adapter's has more). */
    public interface FakeActivationMXBean {
        /** @return Ready */
        boolean isReady();

        /** @return LoopFailed */
        boolean isLoopFailed();

        /** @return PeersConnected */
        int getPeersConnected();

        /** @return RequiredPeers */
        int getRequiredPeers();

        /** @return Reconnects */
        long getReconnects();

        /** @return HwmDrops */
        long getHwmDrops();

        /** @return SendsRefused */
        long getSendsRefused();

        /** @return QueueFillPercent */
        int getQueueFillPercent();

        /** @return PeersAtHwm */
        int getPeersAtHwm();
    }

    /** A settable fake. */
    public static final class FakeActivation implements FakeActivationMXBean {
        volatile boolean ready;
        volatile boolean loopFailed;
        volatile int peers;
        volatile int required;
        volatile long drops;
        volatile int fill;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public boolean isLoopFailed() {
            return loopFailed;
        }

        @Override
        public int getPeersConnected() {
            return peers;
        }

        @Override
        public int getRequiredPeers() {
            return required;
        }

        @Override
        public long getReconnects() {
            return 3;
        }

        @Override
        public long getHwmDrops() {
            return drops;
        }

        @Override
        public long getSendsRefused() {
            return 0;
        }

        @Override
        public int getQueueFillPercent() {
            return fill;
        }

        @Override
        public int getPeersAtHwm() {
            return fill == 100 ? 1 : 0;
        }
    }

    /** An adapter's MBean from before readiness: only the peer count. */
    public interface OldFactoryMXBean {
        /** @return PeersConnected */
        int getPeersConnected();
    }

    private void register(String type, String name, Object mbean) throws Exception {
        ObjectName on = new ObjectName("io.zconn:type=" + type + ",name=" + ObjectName.quote(name));
        MBEANS.registerMBean(mbean, on);
        registered.add(on);
    }

    @AfterEach
    void unregister() throws Exception {
        for (ObjectName on : registered) {
            MBEANS.unregisterMBean(on);
        }
    }

    private static Map<String, Object> data(HealthCheckResponse r) {
        assertThat(r.getName()).isEqualTo("zconn");
        return r.getData().orElseThrow();
    }

    @Test
    void aConnectingActivationWithoutItsPeerIsDownAndUpOnceThePeerIsThere() throws Exception {
        FakeActivation a = new FakeActivation();
        a.required = 1;
        register("Activation", "PullMdb <- PULL connected to tcp://127.0.0.1:25569", a);
        FakeActivation bound = new FakeActivation();
        bound.ready = true;
        register("Activation", "EchoMdb <- REP bound to tcp://*:25570", bound);

        HealthCheckResponse down = ZconnHealth.readiness(MBEANS);
        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(data(down)).containsEntry("activations", 2L).containsEntry("notReady", 1L)
                .containsEntry("activation PullMdb <- PULL connected to tcp://127.0.0.1:25569",
                        "DOWN (fewer peers than required): peers 0/1, reconnects 3, hwmDrops 0, sendsRefused 0, "
                                + "queue 0% of HWM, peersAtHwm 0")
                .containsKey("activation EchoMdb <- REP bound to tcp://*:25570");
        assertThat(ZconnHealth.liveness(MBEANS).getStatus()).as("no peer is not a liveness failure")
                .isEqualTo(HealthCheckResponse.Status.UP);

        a.peers = 1;
        a.ready = true;
        HealthCheckResponse up = ZconnHealth.readiness(MBEANS);
        assertThat(up.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(data(up)).containsEntry("notReady", 0L);
        assertThat((String) data(up).get("activation PullMdb <- PULL connected to tcp://127.0.0.1:25569"))
                .startsWith("UP: peers 1/1");
    }

    @Test
    void aQueueAtItsHwmIsReportedButLeavesItUp() throws Exception {
        FakeActivation a = new FakeActivation();
        a.ready = true;
        a.drops = 42;
        a.fill = 100;
        register("Activation", "SubMdb <- SUB connected to tcp://127.0.0.1:25571", a);
        HealthCheckResponse r = ZconnHealth.readiness(MBEANS);
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat((String) data(r).get("activation SubMdb <- SUB connected to tcp://127.0.0.1:25571"))
                .contains("hwmDrops 42", "queue 100% of HWM", "peersAtHwm 1");
    }

    @Test
    void aFailedReceiveLoopIsNotAliveAndNotReady() throws Exception {
        FakeActivation a = new FakeActivation();
        a.ready = true;
        a.loopFailed = true;
        register("Activation", "PullMdb <- PULL bound to tcp://*:25572", a);
        HealthCheckResponse live = ZconnHealth.liveness(MBEANS);
        assertThat(live.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat((String) data(live).get("activation PullMdb <- PULL bound to tcp://*:25572"))
                .startsWith("DOWN (receive loop failed");
        assertThat(ZconnHealth.readiness(MBEANS).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void connectionFactoriesCountAndAnOlderAdapterWithoutReadyIsTakenAsReady() throws Exception {
        FakeActivation cf = new FakeActivation();
        cf.required = 2;
        cf.peers = 1;
        register("ConnectionFactory", "PUSH connected to tcp://127.0.0.1:25573", cf);
        register("ConnectionFactory", "PUB bound to tcp://*:25574", (OldFactoryMXBean) () -> 0);
        HealthCheckResponse r = ZconnHealth.readiness(MBEANS);
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(data(r)).containsEntry("connectionFactories", 2L).containsEntry("notReady", 1L)
                .containsEntry("connection factory PUB bound to tcp://*:25574", "UP: peers 0");
        assertThat((String) data(r).get("connection factory PUSH connected to tcp://127.0.0.1:25573"))
                .startsWith("DOWN (fewer peers than required): peers 1/2");
    }

    @Test
    void withoutAnyZconnMBeanBothAreUp() {
        HealthCheckResponse r = ZconnHealth.readiness(MBEANS);
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(data(r)).containsEntry("activations", 0L).containsEntry("connectionFactories", 0L);
        assertThat(ZconnHealth.liveness(MBEANS).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
