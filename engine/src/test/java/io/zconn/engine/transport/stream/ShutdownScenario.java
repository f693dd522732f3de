package io.zconn.engine.transport.stream;

import io.zconn.engine.Context;
import io.zconn.engine.Message;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Run in a class loader of its own by {@link ShutdownClassesTest}: a context on a host executor (as in
 * an application server) with tcp traffic, its sockets closed; {@link #call()} returns what closes the context.
 */
public final class ShutdownScenario implements Callable<AutoCloseable> {
    /** Used reflectively. */
    public ShutdownScenario() {
    }

    @Override
    public AutoCloseable call() {
        ExecutorService host = Executors.newCachedThreadPool();
        Context context = Context.builder().ioThreads(1).executor(host).build();
        Socket pull = context.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        Socket push = context.socket(SocketType.PUSH);
        push.connect(pull.getOption(ZmqOption.LAST_ENDPOINT));
        for (int i = 0; i < 10; i++) {
            push.send(Message.of("m" + i));
        }
        for (int i = 0; i < 10; i++) {
            if (pull.recvMessage(Duration.ofSeconds(10)) == null) {
                throw new IllegalStateException("message " + i + " did not arrive");
            }
        }
        push.close();
        pull.close();
        return () -> {
            context.close();
            host.shutdown();
        };
    }
}
