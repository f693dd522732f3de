package io.zconn.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import io.zconn.osgi.MessageListener;

import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.Result;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.event.EventHandler;

/** With health checks and Event Admin on: stopping the bundle leaves no thread and no health check. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnObserveStopIT extends ObserveTestSupport {

    @Test
    public void stoppingTheBundleLeavesNoZconnThreadAndNoHealthCheck() throws Exception {
        context.registerService(MessageListener.class, m -> { },
                FrameworkUtil.asDictionary(Map.of("zconn.socket", "busy")));
        context.registerService(EventHandler.class, e -> { },
                FrameworkUtil.asDictionary(Map.of("event.topics", "io/zconn/socket/*")));
        configureSocket("busy", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        awaitSocketService("busy");
        assertEquals(Result.Status.WARN, execute("busy").getStatus());
        awaitTrue("delivery and I/O threads running", () -> zconnThreads().size() >= 2);

        Bundle b = zconnBundle();
        b.stop();
        assertEquals(Bundle.RESOLVED, b.getState());
        awaitTrue("no zconn thread, still: " + zconnThreads(), () -> zconnThreads().isEmpty());
        assertNull(socketService("busy"));
        assertNull(healthCheck("busy"));
        assertEquals(0, context.getServiceReferences("org.apache.felix.hc.api.HealthCheck", null) == null ? 0
                : context.getServiceReferences("org.apache.felix.hc.api.HealthCheck", null).length);
    }

    private static List<String> zconnThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("zconn")).toList();
    }
}
