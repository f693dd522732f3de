package io.zconn.itests.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A libzmq socket in the peer process. */
final class LibzmqTestSocket implements TestSocket {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final LibzmqPeer peer;
    private final String name = "s" + NAMES.incrementAndGet();

    String name() {
        return name;
    }

    LibzmqTestSocket(LibzmqPeer peer, String type) {
        this.peer = peer;
        peer.call("socket " + name + " " + type);
    }

    @Override
    public String impl() {
        return "libzmq " + peer.version();
    }

    @Override
    public String bind(String endpoint) {
        return peer.call("bind " + name + " " + endpoint);
    }

    @Override
    public void connect(String endpoint) {
        peer.call("connect " + name + " " + endpoint);
    }

    @Override
    public void setInt(String option, int value) {
        peer.call("opt " + name + " " + option + " int " + value);
    }

    @Override
    public void setBytes(String option, byte[] value) {
        peer.call("opt " + name + " " + option + " hex " + encode(value));
    }

    private static String encode(byte[] f) {
        if (f.length == 0) {
            return "-";
        }
        if (f.length > 64) {
            boolean same = true;
            for (byte x : f) {
                same &= x == f[0];
            }
            if (same) {
                return "@" + HexFormat.of().toHexDigits(f[0]) + ":" + f.length;
            }
        }
        return HexFormat.of().formatHex(f);
    }

    @Override
    public void send(List<byte[]> frames) {
        StringBuilder sb = new StringBuilder("send ").append(name);
        for (byte[] f : frames) {
            sb.append(' ').append(encode(f));
        }
        peer.call(sb.toString());
    }

    @Override
    public List<String> recv(Duration timeout) {
        String a = peer.call("recv " + name + " " + timeout.toMillis());
        if (a.equals("TIMEOUT")) {
            return null;
        }
        return new ArrayList<>(Arrays.asList(a.split(" ")));
    }

    @Override
    public void close() {
        peer.call("close " + name);
    }
}
