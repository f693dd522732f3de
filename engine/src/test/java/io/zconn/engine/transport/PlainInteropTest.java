package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZapHandler;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PLAIN and ZAP against libzmq 4.3.4 (python3-zmq): zconn clients against a libzmq PLAIN server
 * whose ZAP handler is a raw inproc REP, libzmq clients against a zconn PLAIN server with a Java
 * {@link ZapHandler}, either side binding, accepted and refused, and NULL against PLAIN.
 */
@Timeout(90)
class PlainInteropTest {
    /** A libzmq PLAIN server (PULL) with a raw ZAP handler accepting alice/pw as uid-alice. */
    private static final String LIBZMQ_SERVER = String.join("\n",
            "import threading, time",
            "ctx = zmq.Context.instance()",
            "zap = ctx.socket(zmq.REP)",
            "zap.bind('inproc://zeromq.zap.01')",
            "n = [0]",
            "def serve():",
            "    while True:",
            "        try:",
            "            f = zap.recv_multipart()",
            "        except zmq.ZMQError:",
            "            return",
            "        n[0] += 1",
            "        ok = f[5] == b'PLAIN' and f[6] == b'alice' and f[7] == b'pw'",
            "        zap.send_multipart([f[0], f[1], b'200' if ok else b'400', b'OK' if ok else b'denied',",
            "                            b'uid-alice' if ok else b'', b''])",
            "threading.Thread(target=serve, daemon=True).start()",
            "s = ctx.socket(zmq.PULL)",
            "s.plain_server = True",
            "s.zap_domain = b'dom'",
            "port = s.bind_to_random_port('tcp://127.0.0.1')",
            "print('port=%d' % port, flush=True)",
            "if sys.argv[1] == 'accept':",
            "    s.rcvtimeo = 30000",
            "    m = s.recv(copy=False)",
            "    print('got=%s user=%s' % (m.bytes.decode(), m.get('User-Id')), flush=True)",
            "else:",
            "    end = time.time() + 30",
            "    while n[0] == 0 and time.time() < end:",
            "        time.sleep(0.05)",
            "    time.sleep(2.0)",
            "    print('zap=%d' % n[0], flush=True)",
            "import os",
            "os._exit(0)");

    /** A libzmq PLAIN client (PUSH): connects to argv[2] or binds, sends, reports its handshake. */
    private static final String LIBZMQ_CLIENT = String.join("\n",
            "import zmq.utils.monitor as M",
            "ctx = zmq.Context.instance()",
            "c = ctx.socket(zmq.PUSH)",
            "c.plain_username = b'bob'",
            "c.plain_password = sys.argv[1].encode()",
            "mon = c.get_monitor_socket()",
            "if sys.argv[2] == 'bind':",
            "    print('port=%d' % c.bind_to_random_port('tcp://127.0.0.1'), flush=True)",
            "else:",
            "    c.connect(sys.argv[2])",
            "c.send(b'from-libzmq', zmq.NOBLOCK) if sys.argv[2] != 'bind' else None",
            "outcome = None",
            "while outcome is None and mon.poll(30000):",
            "    ev = M.recv_monitor_message(mon)",
            "    if ev['event'] in (zmq.EVENT_HANDSHAKE_SUCCEEDED, zmq.EVENT_HANDSHAKE_FAILED_AUTH,",
            "                       zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL):",
            "        outcome = ev",
            "print('event=%d value=%d' % (outcome['event'], outcome['value']), flush=True)",
            "if outcome['event'] == zmq.EVENT_HANDSHAKE_SUCCEEDED:",
            "    if sys.argv[2] == 'bind':",
            "        c.send(b'from-libzmq')",
            "    c.linger = 5000",
            "    mon.close()",
            "    c.close()",
            "    ctx.term()",
            "import os",
            "os._exit(0)");

    /** A libzmq NULL PULL server reporting the handshake failures and connections it sees. */
    private static final String LIBZMQ_NULL_SERVER = String.join("\n",
            "import time, zmq.utils.monitor as M",
            "ctx = zmq.Context.instance()",
            "s = ctx.socket(zmq.PULL)",
            "mon = s.get_monitor_socket()",
            "print('port=%d' % s.bind_to_random_port('tcp://127.0.0.1'), flush=True)",
            "accepted = 0",
            "failed = []",
            // the 3 s window opens at the first connection, however long a loaded machine takes to make it
            "end = time.time() + 30.0",
            "while time.time() < end:",
            "    if mon.poll(100):",
            "        ev = M.recv_monitor_message(mon)",
            "        if ev['event'] == zmq.EVENT_ACCEPTED:",
            "            if accepted == 0:",
            "                end = time.time() + 3.0",
            "            accepted += 1",
            "        if ev['event'] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:",
            "            failed.append(int(ev['value']))",
            "print('accepted=%d failed=%s' % (accepted, failed), flush=True)",
            "import os",
            "os._exit(0)");

    private static final int HANDSHAKE_SUCCEEDED = 0x1000;
    private static final int HANDSHAKE_FAILED_PROTOCOL = 0x2000;
    private static final int UNEXPECTED_COMMAND = 0x10000001;
    private static final int MECHANISM_MISMATCH = 0x11000002;

    private final Context ctx = new Context();

    @BeforeAll
    static void requirePeer() {
        PythonPeer.require();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String printed(PythonPeer peer, String pattern) {
        Pattern p = Pattern.compile(pattern);
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            Matcher m = p.matcher(peer.output());
            if (m.find()) {
                found[0] = m.group(1);
                return true;
            }
            if (!peer.isAlive()) {
                throw new AssertionError("libzmq peer ended without printing " + pattern + ": " + peer.output());
            }
            return false;
        });
        return found[0];
    }

    private Socket plainClient(String user, String password, String endpoint) {
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.PLAIN_USERNAME, user);
        push.setOption(ZmqOption.PLAIN_PASSWORD, password);
        push.setOption(ZmqOption.RECONNECT_IVL, 50);
        push.setOption(ZmqOption.LINGER, 5000);
        push.connect(endpoint);
        return push;
    }

    @Test
    void zconnPlainClientIsAcceptedByLibzmqPlainServerWhichSeesItsUserId() {
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_SERVER, "accept")) {
            String port = printed(peer, "port=(\\d+)");
            Socket push = plainClient("alice", "pw", "tcp://127.0.0.1:" + port);
            push.send("hello-libzmq");
            assertThat(printed(peer, "got=(.*)\n")).isEqualTo("hello-libzmq user=uid-alice");
        }
    }

    @Test
    void zconnPlainClientRefusedByLibzmqZapDoesNotReconnect() {
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_SERVER, "count")) {
            String port = printed(peer, "port=(\\d+)");
            plainClient("alice", "wrong", "tcp://127.0.0.1:" + port);
            // RECONNECT_IVL is 50 ms: a client that retried would be asked ~40 times in the 2 s
            assertThat(printed(peer, "zap=(\\d+)")).isEqualTo("1");
        }
    }

    private Socket zconnPlainServer(AtomicInteger calls) {
        ctx.setZapHandler(r -> {
            calls.incrementAndGet();
            return "bob".equals(r.username()) && "pw".equals(r.password())
                    ? ZapHandler.Reply.accept("uid-bob") : ZapHandler.Reply.deny("wrong password for " + r.username());
        });
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.PLAIN_SERVER, true);
        pull.setOption(ZmqOption.RCVTIMEO, 30_000);
        return pull;
    }

    @Test
    void libzmqPlainClientIsAcceptedByZconnPlainServerWithJavaZapHandler() {
        AtomicInteger calls = new AtomicInteger();
        Socket pull = zconnPlainServer(calls);
        pull.bind("tcp://127.0.0.1:*");
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_CLIENT, "pw", pull.getOption(ZmqOption.LAST_ENDPOINT))) {
            assertThat(pull.recvString()).isEqualTo("from-libzmq");
            assertThat(printed(peer, "event=(\\d+)")).isEqualTo(Integer.toString(HANDSHAKE_SUCCEEDED));
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    /**
     * libzmq's PLAIN client only knows its own malformed ERROR ("^RROR", see FrameDecoder): zconn
     * sends the ERROR of RFC 23, which libzmq reports as an unexpected command; either way it is a
     * protocol error, and it does not reconnect.
     */
    @Test
    void libzmqPlainClientRefusedByZconnGivesUp() {
        AtomicInteger calls = new AtomicInteger();
        Socket pull = zconnPlainServer(calls);
        pull.bind("tcp://127.0.0.1:*");
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_CLIENT, "bad", pull.getOption(ZmqOption.LAST_ENDPOINT))) {
            String line = printed(peer, "(event=\\d+ value=\\d+)");
            assertThat(line).as(peer.output()).isEqualTo("event=" + HANDSHAKE_FAILED_PROTOCOL + " value=" + UNEXPECTED_COMMAND);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> calls.get() == 1);
        }
    }

    @Test
    void zconnPlainServerConnectingToABoundLibzmqPlainClient() {
        AtomicInteger calls = new AtomicInteger();
        Socket pull = zconnPlainServer(calls);
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_CLIENT, "pw", "bind")) {
            pull.connect("tcp://127.0.0.1:" + printed(peer, "port=(\\d+)"));
            assertThat(pull.recvString()).isEqualTo("from-libzmq");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void zconnPlainClientAgainstLibzmqNullServerStopsAtTheMechanismMismatch() {
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_NULL_SERVER)) {
            String port = printed(peer, "port=(\\d+)");
            plainClient("u", "p", "tcp://127.0.0.1:" + port);
            // once the mismatch is seen, never again (counted over 3 s from the first connection); it
            // is seen on the first connection unless libzmq read our whole greeting at once and closed
            // before sending its own (a loaded machine): then on the next, or (seen in CI under load) a
            // few more. Retrying every 50 ms without stopping would make ~60 connections in these 3 s
            String seen = printed(peer, "(accepted=\\d+ failed=.*)\n");
            Matcher m = Pattern.compile("accepted=(\\d+) failed=\\[(.*)]").matcher(seen);
            assertThat(m.matches()).as(seen).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(seen).isBetween(1, 10);
            assertThat(m.group(2)).as(seen).startsWith(Integer.toString(MECHANISM_MISMATCH));
        }
    }

    @Test
    void libzmqPlainClientAgainstZconnNullServerIsRefusedCleanly() {
        Socket pull = ctx.socket(SocketType.PULL);
        pull.setOption(ZmqOption.RCVTIMEO, 1000);
        pull.bind("tcp://127.0.0.1:*");
        try (PythonPeer peer = PythonPeer.start(LIBZMQ_CLIENT, "pw", pull.getOption(ZmqOption.LAST_ENDPOINT))) {
            String line = printed(peer, "(event=\\d+ value=\\d+)");
            assertThat(line).isEqualTo("event=8192 value=" + MECHANISM_MISMATCH);
        }
    }
}
