package io.zconn.engine.socket;

import io.zconn.engine.Frame;
import io.zconn.engine.SocketType;
import io.zconn.engine.core.Ctx;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;

/** PAIR: exactly one peer at a time; a second connection is refused while the first lives. */
public final class Pair extends SocketBase {
    private Pipe pipe;
    private boolean more;

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
        }
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
        if (pipe == null) {
            return null;
        }
        Frame f = pipe.read();
        return f == Pipe.DELIMITER ? null : f;
    }

    @Override
    protected boolean xhasIn() {
        return pipe != null && pipe.checkRead();
    }

    @Override
    protected boolean xhasOut() {
        return pipe != null && (more || pipe.checkWrite());
    }
}
