package io.zconn.itests.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's verdict can say GROWING: leaks of heap, descriptors or threads, and stalled traffic. */
class SoakVerdictTest {
    private static final long MB = 1L << 20;

    private static List<Soak.Sample> series(long heapStep, int fdStep, int threadStep, long traffic) {
        List<Soak.Sample> s = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            s.add(new Soak.Sample(10L * (i + 1), 8 * MB + i * heapStep, 15 + i * threadStep, 51 + i * fdStep,
                    traffic, traffic, traffic, 3 * i));
        }
        return s;
    }

    @Test
    void steadySeriesIsFlat() {
        Soak.Result r = Soak.judge(series(0, 0, 0, 1000), List.of());
        assertThat(r.flat()).as(r.verdict()).isTrue();
        assertThat(r.verdict()).startsWith("FLAT");
    }

    @Test
    void heapGrowingOneMegabyteAnIntervalIsGrowing() {
        Soak.Result r = Soak.judge(series(MB, 0, 0, 1000), List.of());
        assertThat(r.flat()).isFalse();
        assertThat(r.verdict()).contains("heap after GC grew");
    }

    @Test
    void descriptorAndThreadLeaksAreGrowing() {
        assertThat(Soak.judge(series(0, 3, 0, 1000), List.of()).verdict()).contains("descriptors grew");
        assertThat(Soak.judge(series(0, 0, 1, 1000), List.of()).verdict()).contains("threads grew");
    }

    @Test
    void anIntervalWithoutTrafficOrAWorkerErrorFails() {
        assertThat(Soak.judge(series(0, 0, 0, 0), List.of()).flat()).isFalse();
        assertThat(Soak.judge(series(0, 0, 0, 1000), List.of("soak-rep: boom")).flat()).isFalse();
    }
}
