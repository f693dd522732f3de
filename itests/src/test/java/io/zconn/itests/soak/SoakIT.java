package io.zconn.itests.soak;

import io.zconn.itests.interop.LibzmqPeer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short {@link Soak} in every {@code mvn verify} (75 s, a sample every 10 s, a libzmq peer killed
 * and restarted every 3 s): heap after GC, threads and descriptors stay flat. Longer runs:
 * {@code -Dzconn.soak.seconds=600 -Dzconn.soak.sampleSeconds=30}. The table goes to stdout and to
 * {@code target/soak.md}.
 */
class SoakIT {

    @Test
    void heapThreadsAndDescriptorsStayFlatWhileLibzmqPeersComeAndGo() throws Exception {
        try (LibzmqPeer probe = LibzmqPeer.start()) {
            // python3-zmq is there (or the test failed under CI / was aborted elsewhere)
            assertThat(probe.version()).startsWith("4.");
        }
        long seconds = Long.getLong("zconn.soak.seconds", 75);
        long sample = Long.getLong("zconn.soak.sampleSeconds", 10);
        Soak.Result r = new Soak(Duration.ofSeconds(seconds), Duration.ofSeconds(sample), Duration.ofSeconds(3), 3)
                .run();
        String report = "Soak: " + seconds + " s, a sample every " + sample + " s, 3 libzmq peers, one killed"
                + " (SIGKILL) and restarted every 3 s\n\n" + r.table();
        System.out.println(report);
        Files.writeString(Path.of("target", "soak.md"), report, StandardCharsets.UTF_8);
        assertThat(r.flat()).as(r.verdict()).isTrue();
    }
}
