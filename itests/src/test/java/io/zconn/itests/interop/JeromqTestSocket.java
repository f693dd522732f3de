package io.zconn.itests.interop;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A JeroMQ 0.6.0 socket (an independent Java implementation) in a scenario. */
final class JeromqTestSocket implements TestSocket {
    private final ZMQ.Socket socket;

    JeromqTestSocket(ZContext ctx, String type) {
        this.socket = ctx.createSocket(SocketType.valueOf(type));
        socket.setLinger(0);
    }

    @Override
    public String impl() {
        return "JeroMQ";
    }

    @Override
    public String bind(String endpoint) {
        socket.bind(endpoint);
        return socket.getLastEndpoint();
    }

    @Override
    public void connect(String endpoint) {
        socket.connect(endpoint);
    }

    @Override
    public void setInt(String option, int value) {
        switch (option) {
            case "ROUTER_MANDATORY" -> socket.setRouterMandatory(value != 0);
            case "HEARTBEAT_IVL" -> socket.setHeartbeatIvl(value);
            case "LINGER" -> socket.setLinger(value);
            case "CURVE_SERVER" -> socket.setCurveServer(value != 0);
            case "PLAIN_SERVER" -> socket.setPlainServer(value != 0);
            case "RECONNECT_IVL" -> socket.setReconnectIVL(value);
            case "IMMEDIATE" -> socket.setImmediate(value != 0);
            case "SNDTIMEO" -> socket.setSendTimeOut(value);
            default -> throw new IllegalArgumentException("option " + option + " not mapped for JeroMQ");
        }
    }

    @Override
    public void setBytes(String option, byte[] value) {
        switch (option) {
            case "ROUTING_ID", "IDENTITY" -> socket.setIdentity(value);
            case "SUBSCRIBE" -> socket.subscribe(value);
            case "UNSUBSCRIBE" -> socket.unsubscribe(value);
            case "CURVE_SERVERKEY" -> socket.setCurveServerKey(value);
            case "CURVE_PUBLICKEY" -> socket.setCurvePublicKey(value);
            case "CURVE_SECRETKEY" -> socket.setCurveSecretKey(value);
            default -> throw new IllegalArgumentException("option " + option + " not mapped for JeroMQ");
        }
    }

    @Override
    public void send(List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (!socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0)) {
                throw new IllegalStateException("JeroMQ send failed: errno " + socket.errno());
            }
        }
    }

    @Override
    public List<String> recv(Duration timeout) {
        socket.setReceiveTimeOut((int) timeout.toMillis());
        byte[] first = socket.recv();
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        return TestSocket.describe(frames);
    }

    @Override
    public void close() {
        socket.close();
    }
}
