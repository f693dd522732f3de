package io.zconn.engine.transport.stream;

import io.netty.channel.Channel;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.Options;
import io.zconn.engine.core.SocketBase;
import io.zconn.engine.pipe.Pipe;
import io.zconn.engine.zmtp.PeerInfo;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A bound tcp or ipc endpoint: every accepted connection that completes its handshake gets a new
 * pipe to the socket; when the connection ends, the pipe ends (after the socket has read what
 * arrived before).
 */
@SuppressWarnings("FutureReturnValueIgnored") // Netty close() futures: nothing to report, no one awaits them
final class Listener implements EndpointHandle, SessionOwner {
    private final StreamTransport transport;
    private final SocketBase socket;
    private final Options opts;
    private final Set<Channel> children = ConcurrentHashMap.newKeySet();
    private volatile Channel serverChannel;
    private volatile String endpoint;
    private volatile boolean closed;

    Listener(StreamTransport transport, SocketBase socket, Options opts) {
        this.transport = transport;
        this.socket = socket;
        this.opts = opts;
    }

    void bound(Channel server, String endpoint) {
        this.serverChannel = server;
        this.endpoint = endpoint;
    }

    void accepted(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        children.add(ch);
        ch.closeFuture().addListener(f -> children.remove(ch));
        Monitoring.emitFd(socket, io.zconn.engine.SocketEvent.Type.ACCEPTED, endpoint, ch);
        if (socket.type() == SocketType.STREAM) {
            new RawEngine(opts, this).install(ch);
        } else {
            new ZmtpEngine(socket.type(), opts, this).install(ch, true);
        }
    }

    @Override
    public Pipe pipeFor(Channel channel, PeerInfo peer) {
        if (closed || socket.isClosed()) {
            return null;
        }
        Pipe[] pair = Pipe.pair(opts.sndHwm(), opts.rcvHwm(), opts.get(ZmqOption.CONFLATE));
        Pipe socketEnd = pair[0];
        socketEnd.routingId(peer.routingId().length > 0 ? peer.routingId() : null);
        socketEnd.peerSocketType(peer.socketType());
        socketEnd.attachment(this);
        socket.attachLater(socketEnd);
        return pair[1];
    }

    @Override
    public void closed(Channel channel, Pipe pipe) {
        if (pipe != null) {
            pipe.terminate();
        }
    }

    @Override
    public SocketBase socket() {
        return socket;
    }

    @Override
    public boolean closing() {
        return closed || socket.isClosed();
    }

    @Override
    public StreamTransport transport() {
        return transport;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        boolean first = !closed; // a socket may hold one listener under two names (as bound, as resolved)
        closed = true;
        Channel s = serverChannel;
        if (s != null && !StreamTransport.loopStopped(s) && !s.close().awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            // its I/O thread is stuck or dead; the transport closes what is left at shutdown
            System.getLogger(Listener.class.getName()).log(System.Logger.Level.WARNING,
                    "listener " + endpoint + " did not close within 5 s");
            Monitoring.emit(socket, io.zconn.engine.SocketEvent.Type.CLOSE_FAILED, endpoint, Monitoring.ETIMEDOUT, null, null);
        } else if (s != null && first) {
            Monitoring.emitFd(socket, io.zconn.engine.SocketEvent.Type.CLOSED, endpoint, s);
        }
        // connections whose handshake never finished have no pipe the socket could end
        for (Channel c : children) {
            if (!StreamTransport.established(c) && !StreamTransport.loopStopped(c)) {
                c.close();
            }
        }
    }
}
