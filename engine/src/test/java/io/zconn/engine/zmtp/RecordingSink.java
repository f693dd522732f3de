package io.zconn.engine.zmtp;

import io.zconn.engine.Frame;

import java.util.ArrayList;
import java.util.List;

/** A {@link FrameDecoder.Sink} that keeps all a decoder gives it and never pushes back: the decoder tests' sink. */
final class RecordingSink implements FrameDecoder.Sink {
    /** The data frames, in order. */
    final List<Frame> frames = new ArrayList<>();
    /** The commands, in order. */
    final List<Command> commands = new ArrayList<>();
    /** The names of the commands discarded unparsed, in order. */
    final List<String> discarded = new ArrayList<>();

    @Override
    public boolean onFrame(Frame frame) {
        frames.add(frame);
        return true;
    }

    @Override
    public boolean onCommand(Command command) {
        commands.add(command);
        return true;
    }

    @Override
    public void onDiscarded(String name, long size) {
        discarded.add(name);
    }
}
