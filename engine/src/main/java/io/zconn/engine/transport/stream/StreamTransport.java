package io.zconn.engine.transport.stream;

import io.zconn.engine.Errno;
import io.zconn.engine.ZmqException;
import io.zconn.engine.core.Endpoint;
import io.zconn.engine.core.EndpointHandle;
import io.zconn.engine.core.SocketBase;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** tcp and ipc over Netty (work in progress). */
public final class StreamTransport {
    public StreamTransport(int ioThreads, ThreadFactory threadFactory, Executor executor) {
    }

    public EndpointHandle bind(SocketBase socket, Endpoint ep) {
        throw new ZmqException(Errno.EPROTONOSUPPORT, "not yet");
    }

    public EndpointHandle connect(SocketBase socket, Endpoint ep) {
        throw new ZmqException(Errno.EPROTONOSUPPORT, "not yet");
    }

    public void shutdown() {
    }
}
