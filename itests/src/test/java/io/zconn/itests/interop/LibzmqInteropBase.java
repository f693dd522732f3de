package io.zconn.itests.interop;

import io.zconn.engine.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the libzmq interop classes share: one libzmq peer process per test class, a fresh zconn
 * context per test, and every socket a test makes closed after it (each class runs on its own; the
 * peer belongs to the class that is running).
 */
abstract class LibzmqInteropBase {
    /** The libzmq peer of the running class. */
    static LibzmqPeer peer;
    /** The running test's context, closed after it. */
    Context ctx;
    private final List<TestSocket> sockets = new ArrayList<>();

    @BeforeAll
    static void startPeer() {
        peer = LibzmqPeer.start();
    }

    @AfterAll
    static void stopPeer() {
        if (peer != null) {
            peer.close();
            peer = null;
        }
    }

    @BeforeEach
    void context() {
        ctx = new Context();
    }

    @AfterEach
    void closeSocketsAndContext() {
        for (TestSocket s : sockets) {
            try {
                s.close();
            } catch (RuntimeException | AssertionError e) {
                // already closed
            }
        }
        ctx.close();
    }

    /** @return a bindable endpoint: tcp on 127.0.0.1 with a port the system picks, or a fresh ipc path */
    static String endpoint(String transport) {
        return transport.equals("tcp") ? "tcp://127.0.0.1:*"
                : "ipc://" + System.getProperty("java.io.tmpdir") + "/zconn-it-" + UUID.randomUUID() + ".sock";
    }

    /** @return a zconn socket of the type, closed after the test */
    ZconnTestSocket zconn(String type) {
        return track(new ZconnTestSocket(ctx, type));
    }

    /** @return a libzmq socket of the type in the peer process, closed after the test */
    TestSocket libzmq(String type) {
        return track(new LibzmqTestSocket(peer, type));
    }

    /** @return {@link #zconn} for "zconn", else {@link #libzmq} */
    TestSocket socket(String impl, String type) {
        return impl.equals("zconn") ? zconn(type) : libzmq(type);
    }

    /** Stops tracking a socket the test closed itself. */
    void forget(TestSocket s) {
        sockets.remove(s);
    }

    /** Closes the socket after the test too (for sockets a test makes itself). */
    <T extends TestSocket> T track(T s) {
        sockets.add(s);
        return s;
    }
}
