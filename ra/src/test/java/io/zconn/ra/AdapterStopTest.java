package io.zconn.ra;

import io.zconn.ra.outbound.ZmqManagedConnectionFactory;

import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the adapter stops when the server is already tearing it down (Open Liberty's uninstall). */
class AdapterStopTest extends RunningAdapterTest {

    @Test
    void stopIsPromptAndReportsNoErrorWhenTheWorkManagerRefusesWorkWhileStopping() throws Exception {
        // a shared bound socket has a monitor (the factory's peer figures): its close hands the last events to new work
        ZmqManagedConnectionFactory f = new ZmqManagedConnectionFactory();
        f.setResourceAdapter(ra);
        f.setSocketType("PUSH");
        f.setEndpoints("tcp://127.0.0.1:*");
        f.setBind(true);
        ManagedConnection mc = f.createManagedConnection(null, null);
        bootstrap.rejectStartWork = true;
        try (LogCapture log = new LogCapture()) {
            long t0 = System.nanoTime();
            ra.stop();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("stop took %d ms", ms).isLessThan(3_000);
            assertThat(log.count("ZCONNRA0031")).as("the refusal is reported, as expected").isPositive();
            assertThat(log.count("ZCONNRA0030")).as(String.join("\n", log.lines())).isZero();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("SEVERE") || l.startsWith("WARNING"));
        } finally {
            mc.destroy();
        }
    }
}
