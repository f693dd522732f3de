package io.zconn.osgi.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.osgi.SocketSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthChecksTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Context context = new Context();
    private final Context peers = new Context();
    private final FakeBundleContext framework = new FakeBundleContext();
    private final SocketManager manager = new SocketManager(context, framework.context);

    @AfterEach
    void tearDown() {
        manager.closeAll();
        peers.close();
        context.close();
    }

    private String bindPull(String name) {
        manager.open(SocketSpec.builder(name, SocketType.PULL).bind("tcp://127.0.0.1:*").build(),
                SocketManager.FROM_CONFIGURATION);
        return manager.managed(name).orElseThrow().boundEndpoints().get(0);
    }

    private List<FakeBundleContext.Registered> checks() {
        return framework.active().stream().filter(r -> r.service instanceof HealthCheck).toList();
    }

    private HealthCheck check(String name) {
        return (HealthCheck) checks().stream().filter(r -> name.equals(r.properties.get("zconn.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no health check of " + name)).service;
    }

    @Test
    void everySocketGetsACheckNamedAfterItAndTaggedZconnWhichGoesWithTheSocket() {
        bindPull("before");
        HealthChecks hc = new HealthChecks(manager, framework.context, new String[] {"messaging", "zconn"}, 1);
        bindPull("after");
        assertThat(checks()).hasSize(2);
        FakeBundleContext.Registered r = checks().stream().filter(c -> "after".equals(c.properties.get("zconn.name")))
                .findFirst().orElseThrow();
        assertThat(r.properties).containsEntry("hc.name", "zconn socket after");
        assertThat((String[]) r.properties.get("hc.tags")).containsExactly("zconn", "messaging");

        manager.close("after");
        assertThat(checks()).hasSize(1);
        hc.deactivate();
        assertThat(checks()).isEmpty();
        bindPull("later");
        assertThat(checks()).isEmpty();
    }

    @Test
    void aSocketWithoutPeerIsWarnAndAPeerMakesItOk() {
        String ep = bindPull("in");
        new HealthChecks(manager, framework.context, new String[0], 1);
        Result r = check("in").execute();
        assertThat(r.getStatus()).isEqualTo(Result.Status.WARN);
        assertThat(messages(r)).anyMatch(m -> m.contains("has 0 peer(s), fewer than 1")).contains("bound " + ep);

        try (Socket peer = peers.socket(SocketType.PUSH)) {
            peer.connect(ep);
            await().atMost(WAIT).until(() -> check("in").execute().getStatus() == Result.Status.OK);
            await().atMost(WAIT).until(() -> messages(check("in").execute()).stream()
                    .anyMatch(m -> m.startsWith("peer tcp://127.0.0.1:") && m.contains(" on " + ep)));
            assertThat(messages(check("in").execute())).contains("socket 'in' (PULL) has 1 peer(s)");
        }
        await().atMost(WAIT).until(() -> check("in").execute().getStatus() == Result.Status.WARN);
        assertThat(messages(check("in").execute())).anyMatch(m -> m.contains("1 handshake(s), 1 disconnection(s)"));
    }

    @Test
    void minPeersZeroNeverWarns() {
        bindPull("in");
        new HealthChecks(manager, framework.context, null, 0);
        assertThat(check("in").execute().getStatus()).isEqualTo(Result.Status.OK);
    }

    @Test
    void aConfiguredSocketThatFailedIsCritical() {
        new HealthChecks(manager, framework.context, new String[0], 1);
        assertThatThrownBy(() -> manager.open(SocketSpec.builder("bad", SocketType.PULL).bind("tcp:/nowhere").build(),
                SocketManager.FROM_CONFIGURATION)).isInstanceOf(RuntimeException.class);
        Result r = check("bad").execute();
        assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(messages(r).get(0)).startsWith("socket 'bad' (PULL) could not be set up: ");
    }

    @Test
    void aClosedSocketIsCritical() {
        bindPull("in");
        new HealthChecks(manager, framework.context, new String[0], 1);
        HealthCheck c = check("in");
        ManagedSocket ms = manager.managed("in").orElseThrow();
        ms.close();
        assertThat(c.execute().getStatus()).isEqualTo(Result.Status.CRITICAL);
        assertThat(messages(c.execute())).containsExactly("socket 'in' (PULL) is closed");
    }

    private static List<String> messages(Result r) {
        List<String> out = new ArrayList<>();
        for (ResultLog.Entry e : r) {
            out.add(e.getMessage());
        }
        return out;
    }
}
