package io.zconn.ra;

import io.zconn.engine.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * What the adapter-level tests share: a started {@link ZmqResourceAdapter} on a {@link TestBootstrap}
 * and a context for the engine peers the test talks to; after each test the adapter stops, the
 * peers close and every work item the adapter started must have ended.
 */
public abstract class RunningAdapterTest {
    /** The adapter's WorkManager and timer. */
    protected final TestBootstrap bootstrap = new TestBootstrap();
    /** The adapter under test, started before each test. */
    protected final ZmqResourceAdapter ra = new ZmqResourceAdapter();
    /** The context of the test's own peers. */
    protected Context peers;

    @BeforeEach
    void startAdapter() throws Exception {
        ra.start(bootstrap);
        peers = new Context();
    }

    @AfterEach
    void stopAdapter() throws Exception {
        ra.stop();
        peers.close();
        await().atMost(Duration.ofSeconds(2)).until(() -> bootstrap.active() == 0);
        bootstrap.shutdown();
    }
}
