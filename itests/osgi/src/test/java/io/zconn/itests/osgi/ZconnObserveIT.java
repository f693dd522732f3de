package io.zconn.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.zconn.engine.Message;
import io.zconn.engine.Socket;

import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.hc.api.Result;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

/**
 * With the Felix Health Check API and Felix Event Admin installed: every configured socket has a
 * health check tagged {@code zconn}, and its connection events are Event Admin topics.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnObserveIT extends ObserveTestSupport {

    @Test
    public void aSocketWithoutPeerIsWarnAndALibzmqPeerMakesItOk() throws Exception {
        LibzmqPeer.require();
        Configuration c = configureSocket("hc-in", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        try {
            String ep = boundEndpoint("hc-in");
            awaitTrue("health check registered", () -> healthCheck("hc-in") != null);
            ServiceReference<?> ref = healthCheck("hc-in");
            assertEquals("zconn socket hc-in", ref.getProperty("hc.name"));
            Result r = execute("hc-in");
            assertEquals(messages(r).toString(), Result.Status.WARN, r.getStatus());
            assertTrue(messages(r).toString(), messages(r).contains("bound " + ep));

            try (LibzmqPeer peer = LibzmqPeer.start(
                    "import time\n"
                            + "s = zmq.Context().socket(zmq.PUSH); s.connect(sys.argv[1]); print('up', flush=True)\n"
                            + "time.sleep(60)",
                    ep)) {
                awaitTrue("the peer connected", () -> peer.output().startsWith("up"));
                awaitTrue("OK with the libzmq peer", () -> status("hc-in") == Result.Status.OK);
                Result ok = execute("hc-in");
                assertTrue(messages(ok).toString(), messages(ok).contains("socket 'hc-in' (PULL) has 1 peer(s)"));
                assertTrue(messages(ok).toString(), messages(ok).stream()
                        .anyMatch(m -> m.startsWith("peer tcp://127.0.0.1:") && m.contains(" on " + ep)));
            }
            // the peer's process is gone: so is its connection
            awaitTrue("WARN again once the peer is gone", () -> status("hc-in") == Result.Status.WARN);
        } finally {
            c.delete();
        }
        awaitTrue("health check unregistered with the socket", () -> healthCheck("hc-in") == null);
    }

    @Test
    public void aConfiguredSocketThatCannotBindIsCritical() throws Exception {
        Configuration c = configureSocket("hc-bad", "zconn.type", "PULL", "zconn.bind", "tcp:/nowhere");
        try {
            awaitTrue("CRITICAL", () -> status("hc-bad") == Result.Status.CRITICAL);
            assertTrue(messages(execute("hc-bad")).get(0).startsWith("socket 'hc-bad' (PULL) could not be set up"));
        } finally {
            c.delete();
        }
    }

    @Test
    public void eventAdminGetsConnectedAndDisconnectedOfAConfiguredSocket() throws Exception {
        LibzmqPeer.require();
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> handlerProps = FrameworkUtil.asDictionary(Map.of(
                "event.topics", "io/zconn/socket/*", "event.filter", "(zconn.name=ev-out)"));
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add,
                handlerProps);
        try (LibzmqPeer peer = LibzmqPeer.start(
                "s = zmq.Context().socket(zmq.PULL); s.RCVTIMEO = 20000; s.LINGER = 0\n"
                        + "port = s.bind_to_random_port('tcp://127.0.0.1'); print(port, flush=True)\n"
                        + "print(s.recv_string(), flush=True); s.close()")) {
            awaitTrue("the peer's port", () -> peer.output().contains("\n"));
            String ep = "tcp://127.0.0.1:" + peer.output().trim();
            Configuration c = configureSocket("ev-out", "zconn.type", "PUSH", "zconn.connect", ep);
            try {
                awaitTrue("CONNECTED, got " + topics(events), () -> topics(events).contains("io/zconn/socket/CONNECTED"));
                Event connected = first(events, "io/zconn/socket/CONNECTED");
                assertEquals("ev-out", connected.getProperty("zconn.name"));
                assertEquals("PUSH", connected.getProperty("zconn.type"));
                assertEquals(ep, connected.getProperty("zconn.endpoint"));
                assertEquals("CONNECTED", connected.getProperty("zconn.event"));

                ServiceReference<Socket> ref = awaitSocketService("ev-out");
                Socket out = context.getService(ref);
                try {
                    assertTrue(out.send(Message.of("bye"), Duration.ofSeconds(10)));
                } finally {
                    context.ungetService(ref);
                }
                assertTrue(peer.await(30).endsWith("bye\n"));
                awaitTrue("DISCONNECTED, got " + topics(events),
                        () -> topics(events).contains("io/zconn/socket/DISCONNECTED"));
                Event gone = first(events, "io/zconn/socket/DISCONNECTED");
                assertEquals("ev-out", gone.getProperty("zconn.name"));
                assertEquals(ep, gone.getProperty("zconn.endpoint"));
                assertTrue(String.valueOf(gone.getProperty("zconn.peer")),
                        String.valueOf(gone.getProperty("zconn.peer")).startsWith("tcp://127.0.0.1:"));
            } finally {
                c.delete();
            }
        } finally {
            handler.unregister();
        }
    }

    @Test
    public void theConsoleCommandsShowTheSocketsAndTheirPeers() throws Exception {
        Configuration c = configureSocket("cmd-pair", "zconn.type", "PAIR", "zconn.bind", ANY_PORT);
        try {
            boundEndpoint("cmd-pair");
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=zconn)");
            assertEquals(1, refs.length);
            List<String> functions = List.of((String[]) refs[0].getProperty("osgi.command.function"));
            assertTrue(functions.toString(), functions.containsAll(List.of("list", "send", "stats", "monitor")));
            Object commands = context.getService(refs[0]);
            try {
                String stats = (String) commands.getClass().getMethod("stats").invoke(commands);
                assertTrue(stats, stats.matches("(?s).*\\ncmd-pair +ACTIVE +0 .*"));
                String monitor = (String) commands.getClass().getMethod("monitor", String.class, int.class, long.class)
                        .invoke(commands, "cmd-pair", 1, 1L);
                assertEquals("stopped monitoring 'cmd-pair': 1 s elapsed (0 event(s))", monitor);
            } finally {
                context.ungetService(refs[0]);
            }
        } finally {
            c.delete();
        }
    }

    private Result.Status status(String socket) {
        try {
            return execute(socket).getStatus();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> topics(List<Event> events) {
        return events.stream().map(Event::getTopic).toList();
    }

    private static Event first(List<Event> events, String topic) {
        return events.stream().filter(e -> e.getTopic().equals(topic)).findFirst().orElseThrow();
    }
}
