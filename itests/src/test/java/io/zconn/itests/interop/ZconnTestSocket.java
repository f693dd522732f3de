package io.zconn.itests.interop;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A zconn socket in a scenario. */
final class ZconnTestSocket implements TestSocket {
    private final Socket socket;

    ZconnTestSocket(Context ctx, String type) {
        this.socket = ctx.socket(SocketType.parse(type));
        socket.setOption(ZmqOption.LINGER, 0);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public String impl() {
        return "zconn";
    }

    @Override
    public String bind(String endpoint) {
        socket.bind(endpoint);
        return socket.getOption(ZmqOption.LAST_ENDPOINT);
    }

    @Override
    public void connect(String endpoint) {
        socket.connect(endpoint);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setInt(String option, int value) {
        ZmqOption<?> o = ZmqOption.forName(option);
        if (o.type() == Boolean.class) {
            socket.setOption((ZmqOption<Boolean>) o, value != 0);
        } else if (o.type() == Long.class) {
            socket.setOption((ZmqOption<Long>) o, (long) value);
        } else {
            socket.setOption((ZmqOption<Integer>) o, value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setBytes(String option, byte[] value) {
        socket.setOption((ZmqOption<byte[]>) ZmqOption.forName(option), value);
    }

    @Override
    public void send(List<byte[]> frames) {
        Message m = new Message();
        frames.forEach(m::add);
        socket.send(m);
    }

    @Override
    public List<String> recv(Duration timeout) {
        Message m = socket.recvMessage(timeout);
        if (m == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        m.forEach(f -> frames.add(f.data()));
        return TestSocket.describe(frames);
    }

    @Override
    public void close() {
        socket.close();
    }
}
