package io.zconn.itests.osgi;

import static org.junit.Assert.assertEquals;

import io.zconn.osgi.MessageListener;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnBundleStopIT extends OsgiTestSupport {

    @Test
    public void stoppingTheBundleLeavesNoZconnThread() throws Exception {
        context.registerService(MessageListener.class, m -> { },
                FrameworkUtil.asDictionary(Map.of("zconn.socket", "busy")));
        configureSocket("busy", "zconn.type", "PULL", "zconn.bind", ANY_PORT);
        awaitSocketService("busy");
        awaitTrue("delivery and I/O threads running", () -> zconnThreads().size() >= 2);

        Bundle b = zconnBundle();
        b.stop();
        assertEquals(Bundle.RESOLVED, b.getState());
        awaitTrue("no zconn thread, still: " + zconnThreads(), () -> zconnThreads().isEmpty());
        assertEquals(null, socketService("busy"));
    }

    private static List<String> zconnThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("zconn")).toList();
    }
}
