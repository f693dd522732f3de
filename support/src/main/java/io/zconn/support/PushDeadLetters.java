package io.zconn.support;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.time.Duration;

/** {@link DeadLetters#push}: a PUSH socket with IMMEDIATE. */
final class PushDeadLetters implements DeadLetters {
    private final Socket socket;
    private final String endpoint;

    PushDeadLetters(Context context, String endpoint, int linger) {
        this.endpoint = endpoint.trim();
        Socket s = context.socket(SocketType.PUSH);
        try {
            s.setOption(ZmqOption.LINGER, linger);
            s.setOption(ZmqOption.IMMEDIATE, true);
            s.connect(this.endpoint);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        this.socket = s;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public boolean send(Message body, Duration timeout) {
        return socket.send(body, timeout);
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "dead letters to " + endpoint;
    }
}
