package io.zconn.engine.pipe;

import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PipeTest {
    static final class Recorder implements Pipe.Events {
        final List<String> events = new ArrayList<>();

        @Override
        public void readActivated(Pipe pipe) {
            events.add("read");
        }

        @Override
        public void writeActivated(Pipe pipe) {
            events.add("write");
        }

        @Override
        public void terminated(Pipe pipe) {
            events.add("term");
        }
    }

    @Test
    void hwmCountsWholeMessagesNotFrames() {
        Pipe[] p = Pipe.pair(2, 2);
        for (int i = 0; i < 2; i++) {
            assertThat(p[0].checkWrite()).isTrue();
            p[0].write(Frame.of("a").withMore(true));
            p[0].write(Frame.of("b").withMore(true));
            p[0].write(Frame.of("c"));
        }
        assertThat(p[0].checkWrite()).isFalse();
    }

    @Test
    void writerAdmitsExactlyTheHwmAgainEachTimeTheReaderHasEmptiedThePipe() {
        for (int hwm : new int[] {1, 3, 1000, 5000}) {
            Pipe[] p = Pipe.pair(hwm, hwm);
            for (int round = 0; round < 3; round++) {
                int written = 0;
                while (p[0].checkWrite()) {
                    p[0].write(Frame.of("m"));
                    written++;
                    assertThat(written).as("HWM %d never refused", hwm).isLessThanOrEqualTo(hwm);
                }
                assertThat(written).as("HWM %d, round %d", hwm, round).isEqualTo(hwm);
                p[0].flush();
                int read = 0;
                while (p[1].read() != null) {
                    read++;
                }
                assertThat(read).isEqualTo(hwm);
            }
        }
    }

    @Test
    void writerSeesRoomOnlyAsTheReaderPublishesIt() {
        Pipe[] p = Pipe.pair(1000, 1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(p[0].checkWrite()).isTrue();
            p[0].write(Frame.of("m"));
        }
        p[0].flush();
        assertThat(p[0].checkWrite()).isFalse();
        for (int i = 0; i < 10; i++) {
            assertThat(p[1].read()).isNotNull(); // fewer reads than the reader publishes at once
        }
        assertThat(p[0].checkWrite()).as("reads not yet published leave the pipe full").isFalse();
        while (p[1].read() != null) {
            // empties the pipe, which publishes the reader's count
        }
        assertThat(p[0].checkWrite()).isTrue();
        assertThat(p[0].outboundBacklog()).isZero();
    }

    @Test
    void readerSeesMultipartMessageOnlyWhenComplete() {
        Pipe[] p = Pipe.pair(0, 0);
        p[0].write(Frame.of("a").withMore(true));
        p[0].flush();
        assertThat(p[1].read()).isNull();
        p[0].write(Frame.of("b"));
        p[0].flush();
        assertThat(p[1].read().text()).isEqualTo("a");
        assertThat(p[1].read().text()).isEqualTo("b");
    }

    @Test
    void readerIsWokenOnlyAfterFindingThePipeEmpty() {
        Pipe[] p = Pipe.pair(0, 0);
        Recorder r = new Recorder();
        p[1].setEvents(r);
        p[0].write(Frame.of("1"));
        p[0].flush();
        assertThat(r.events).isEmpty(); // reader was never asleep
        p[1].read();
        assertThat(p[1].read()).isNull(); // now asleep
        p[0].write(Frame.of("2"));
        p[0].flush();
        p[0].write(Frame.of("3"));
        p[0].flush();
        assertThat(r.events).containsExactly("read");
    }

    @Test
    void blockedWriterIsWokenAtTheLowWaterMarkNotAtTheFirstFreeSlot() {
        Pipe[] p = Pipe.pair(10, 10);
        Recorder w = new Recorder();
        p[0].setEvents(w);
        for (int i = 0; i < 10; i++) {
            p[0].write(Frame.of("m"));
        }
        p[0].flush();
        assertThat(p[0].checkWrite()).isFalse();
        for (int i = 0; i < 4; i++) {
            p[1].read();
        }
        assertThat(w.events).isEmpty(); // backlog 6 > LWM 5
        p[1].read();
        assertThat(w.events).containsExactly("write");
    }

    @Test
    void largeHwmWriterLearnsOfReadsInBatchesButIsWokenAtTheLowWaterMark() {
        Pipe[] p = Pipe.pair(1000, 1000);
        Recorder w = new Recorder();
        p[0].setEvents(w);
        for (int i = 0; i < 1000; i++) {
            assertThat(p[0].checkWrite()).isTrue();
            p[0].write(Frame.of("m"));
            p[0].flush();
        }
        assertThat(p[0].checkWrite()).isFalse();
        for (int i = 0; i < 10; i++) {
            p[1].read();
        }
        // ten reads are not yet published to the writer: it stays at the HWM (conservative)
        assertThat(p[0].checkWrite()).isFalse();
        for (int i = 10; i < 499; i++) {
            p[1].read();
        }
        assertThat(w.events).isEmpty(); // backlog 501 > LWM 500
        p[1].read();
        assertThat(w.events).containsExactly("write");
        // once woken, the writer sees every read and may fill the pipe back to the HWM exactly
        for (int i = 0; i < 500; i++) {
            assertThat(p[0].checkWrite()).isTrue();
            p[0].write(Frame.of("m"));
            p[0].flush();
        }
        assertThat(p[0].checkWrite()).isFalse();
    }

    @Test
    void writerIsWokenWhenReaderDrainsBelowHwm() {
        Pipe[] p = Pipe.pair(1, 1);
        Recorder w = new Recorder();
        p[0].setEvents(w);
        p[0].write(Frame.of("x"));
        p[0].flush();
        assertThat(p[0].checkWrite()).isFalse();
        p[1].read();
        assertThat(w.events).containsExactly("write");
        assertThat(p[0].checkWrite()).isTrue();
    }

    @Test
    void terminateQueuesDelimiterAfterPendingMessagesAndTellsPeer() {
        Pipe[] p = Pipe.pair(0, 0);
        Recorder r = new Recorder();
        p[1].setEvents(r);
        p[0].write(Frame.of("last"));
        p[0].flush();
        p[0].terminate();
        assertThat(r.events).contains("term");
        assertThat(p[1].isPeerTerminated()).isTrue();
        assertThat(p[1].read().text()).isEqualTo("last");
        assertThat(p[1].read()).isSameAs(Pipe.DELIMITER);
    }

    @Test
    void conflatingPipeKeepsOnlyTheNewestMessage() {
        Pipe[] p = Pipe.pair(1, 1, true);
        for (int i = 0; i < 5; i++) {
            assertThat(p[0].checkWrite()).isTrue();
            p[0].write(Frame.of("v" + i));
            p[0].flush();
        }
        assertThat(p[1].read().text()).isEqualTo("v4");
        assertThat(p[1].read()).isNull();
    }
}
