package io.zconn.engine.routing;

import io.zconn.engine.Frame;
import io.zconn.engine.pipe.Pipe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How pipes leave a fair queue: at once when the socket ends them, at the delimiter otherwise. */
class FairQueueLifecycleTest {
    private final List<Pipe> finished = new ArrayList<>();
    private final FairQueue fq = new FairQueue(finished::add);

    private static void send(Pipe p, String... texts) {
        for (String t : texts) {
            p.write(Frame.of(t));
        }
        p.flush();
    }

    @Test
    void pipeHoldingOnlyItsDelimiterIsNeverReadableAndLeaves() {
        Pipe[] a = Pipe.pair(0, 0);
        fq.attach(a[0]);
        a[1].terminate();
        assertThat(fq.hasIn()).isFalse();
        assertThat(fq.isEmpty()).isTrue();
        assertThat(finished).containsExactly(a[0]);
    }

    @Test
    void pipeEndedByItsPeerStaysReadableUpToItsDelimiter() {
        Pipe[] a = Pipe.pair(0, 0);
        Pipe[] b = Pipe.pair(0, 0);
        fq.attach(a[0]);
        fq.attach(b[0]);
        send(a[1], "1", "2");
        a[1].terminate();
        fq.peerTerminated(a[0]);
        assertThat(fq.size()).isEqualTo(2);
        assertThat(fq.hasIn()).isTrue();
        List<String> got = new ArrayList<>();
        Frame f;
        while ((f = fq.recv()) != null) {
            got.add(f.text());
        }
        assertThat(got).containsExactly("1", "2");
        assertThat(finished).containsExactly(a[0]);
        assertThat(fq.size()).isEqualTo(1);
        assertThat(fq.hasIn()).isFalse();
    }

    @Test
    void peerTerminatedWithNothingLeftLeavesAtOnce() {
        Pipe[] a = Pipe.pair(0, 0);
        fq.attach(a[0]);
        send(a[1], "1");
        assertThat(fq.recv().text()).isEqualTo("1");
        assertThat(fq.recv()).isNull(); // deactivated: empty
        a[1].terminate();
        fq.peerTerminated(a[0]);
        assertThat(fq.isEmpty()).isTrue();
        assertThat(finished).containsExactly(a[0]);
    }

    @Test
    void removedPipeIsDroppedAtOnceWithWhatItHolds() {
        Pipe[] a = Pipe.pair(0, 0);
        fq.attach(a[0]);
        send(a[1], "1", "2");
        assertThat(fq.hasIn()).isTrue(); // reads one frame ahead
        fq.remove(a[0]);
        assertThat(fq.isEmpty()).isTrue();
        assertThat(fq.recv()).isNull();
        assertThat(finished).isEmpty(); // the owner asked: not told
    }
}
