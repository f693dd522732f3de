package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;

import java.util.Map;

/**
 * PAIR: exactly one peer at a time; a second connection is refused while the first lives. When the
 * peer goes, what it sent before going is still delivered (the pipe is read up to its delimiter).
 */
public final class Pair extends SocketBase {
    private Pipe pipe;
    private boolean more;
    /** A frame read ahead by {@link #xhasIn()} or at the peer's termination. */
    private Frame peeked;

    public Pair(Ctx ctx) {
        super(ctx, SocketType.PAIR);
    }

    @Override
    protected void xattachPipe(Pipe p) {
        if (pipe == null) {
            pipe = p;
        } else {
            terminatePipe(p);
        }
    }

    @Override
    protected void xpipeTerminated(Pipe p) {
        if (p == pipe) {
            pipe = null;
            more = false;
            peeked = null;
        }
    }

    @Override
    protected void xpipePeerTerminated(Pipe p) {
        if (p == pipe) {
            more = false;
            readAhead(); // leaves at once when only the delimiter is left
        } else {
            pipeFinished(p);
        }
    }

    @Override
    protected void xroutingState(Map<String, Integer> out) {
        out.put("pair", pipe == null ? 0 : 1);
    }

    @Override
    protected boolean xsend(Frame frame) {
        if (pipe == null || (!more && !pipe.checkWrite())) {
            return false;
        }
        pipe.write(frame);
        more = frame.hasMore();
        if (!more) {
            pipe.flush();
        }
        return true;
    }

    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    @Override
    protected Frame xrecv() {
        if (peeked != null) {
            Frame f = peeked;
            peeked = null;
            return f;
        }
        if (pipe == null) {
            return null;
        }
        Frame f = pipe.read();
        if (f == Pipe.DELIMITER) {
            pipeFinished(pipe);
            return null;
        }
        return f;
    }

    /** @return whether a frame was read ahead */
    @SuppressWarnings("ReferenceEquality") // Pipe.DELIMITER is a sentinel: identity is the point
    private boolean readAhead() {
        if (peeked == null && pipe != null) {
            Frame f = pipe.read();
            if (f == Pipe.DELIMITER) {
                pipeFinished(pipe);
            } else {
                peeked = f;
            }
        }
        return peeked != null;
    }

    @Override
    protected boolean xhasIn() {
        return readAhead();
    }

    @Override
    protected boolean xhasOut() {
        return pipe != null && (more || pipe.checkWrite());
    }
}
