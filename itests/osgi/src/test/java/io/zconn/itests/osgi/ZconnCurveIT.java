package io.zconn.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.zconn.engine.Curve;
import io.zconn.engine.CurveCertificate;
import io.zconn.engine.CurveKeyPair;
import io.zconn.engine.Message;
import io.zconn.engine.PeerMetadata;
import io.zconn.engine.Socket;
import io.zconn.engine.Z85;
import io.zconn.engine.ZapHandler;
import io.zconn.osgi.RequestListener;
import io.zconn.osgi.SocketInfo;
import io.zconn.osgi.SocketRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

/**
 * CURVE in OSGi against libzmq (pyzmq): sockets configured through Configuration Admin as CURVE
 * servers with an allow-list or a whiteboard {@link ZapHandler} service, and as a CURVE client.
 * The server sockets are REP sockets whose whiteboard {@link RequestListener} echoes the
 * connection's User-Id, so a reply proves both the handshake and the authenticated identity.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ZconnCurveIT extends OsgiTestSupport {
    /** How long a client that should get nothing waits for a reply. */
    private static final int NOTHING_MS = 2000;
    private static final int REPLY_MS = 15000;

    /**
     * A libzmq CURVE REQ client: sends "hello", then waits (at most argv[5] ms) for the reply or a
     * ZAP refusal, watching its monitor; prints {@code reply=<frames|->} and {@code events=<...>}.
     */
    private static final String CURVE_CLIENT = String.join("\n",
            "import time, zmq.utils.monitor",
            "ep, serverkey, pub, sec, wait_ms = sys.argv[1:6]",
            "ctx = zmq.Context()",
            "s = ctx.socket(zmq.REQ)",
            "s.LINGER = 0",
            "s.curve_serverkey = serverkey.encode()",
            "s.curve_publickey = pub.encode()",
            "s.curve_secretkey = sec.encode()",
            "m = s.get_monitor_socket()",
            "names = {zmq.EVENT_HANDSHAKE_SUCCEEDED: 'HANDSHAKE_SUCCEEDED',",
            "         zmq.EVENT_HANDSHAKE_FAILED_AUTH: 'HANDSHAKE_FAILED_AUTH',",
            "         zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: 'HANDSHAKE_FAILED_PROTOCOL',",
            "         zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: 'HANDSHAKE_FAILED_NO_DETAIL'}",
            "s.connect(ep)",
            "s.send_string('hello')",
            "p = zmq.Poller(); p.register(s, zmq.POLLIN); p.register(m, zmq.POLLIN)",
            "events = set(); reply = None",
            "deadline = time.monotonic() + int(wait_ms) / 1000",
            "while reply is None and not any(e.startswith('HANDSHAKE_FAILED_AUTH') for e in events):",
            "    left = int((deadline - time.monotonic()) * 1000)",
            "    if left <= 0:",
            "        break",
            "    for sock, _ in p.poll(left):",
            "        if sock is s:",
            "            reply = '|'.join(f.decode() for f in s.recv_multipart())",
            "        else:",
            "            e = zmq.utils.monitor.recv_monitor_message(m)",
            "            if e['event'] in names:",
            "                events.add('%s:%d' % (names[e['event']], e['value']))",
            "print('reply=' + (reply if reply is not None else '-'), flush=True)",
            "print('events=' + ','.join(sorted(events)), flush=True)",
            "s.disable_monitor(); m.close(0); s.close(0); ctx.term()");

    @Inject
    private SocketRegistry registry;

    /** Echoes "user:<User-Id or ->:<request>" and records the User-Ids it saw. */
    private static final class EchoUser implements RequestListener {
        final List<String> users = new CopyOnWriteArrayList<>();

        @Override
        public Message onRequest(Message request) {
            String user = request.property(PeerMetadata.USER_ID).orElse("-");
            users.add(user);
            return Message.of("user:" + user + ":" + request.get(0).text());
        }
    }

    private ServiceRegistration<RequestListener> listen(String socket, RequestListener l) {
        return context.registerService(RequestListener.class, l, FrameworkUtil.asDictionary(Map.of("zconn.socket", socket)));
    }

    /** Runs the libzmq client; returns its two output lines, "reply=..." and "events=...". */
    private static String[] client(String endpoint, String serverKey, CurveKeyPair keys, int waitMs)
            throws InterruptedException {
        try (LibzmqPeer peer = LibzmqPeer.start(CURVE_CLIENT, endpoint, serverKey, keys.publicKeyZ85(),
                keys.secretKeyZ85(), Integer.toString(waitMs))) {
            String[] lines = peer.await(waitMs / 1000 + 30).strip().split("\n");
            assertEquals("peer output: " + String.join("\n", lines), 2, lines.length);
            return lines;
        }
    }

    /** A CURVE REP server whose key pair comes from a secret certificate file and whose clients from a keys directory. */
    private Configuration allowListServer(String name, String domain, CurveKeyPair server, CurveKeyPair allowed)
            throws Exception {
        Path secrets = Files.createTempDirectory("zconn-secret");
        Path keys = Files.createTempDirectory("zconn-keys");
        CurveCertificate.save(server, Map.of(), secrets.resolve("server.key"), secrets.resolve("server.key_secret"));
        CurveCertificate.save(allowed, Map.of("name", "allowed"), keys.resolve("allowed.key"),
                secrets.resolve("allowed.key_secret"));
        return configureSocket(name, "zconn.type", "REP", "zconn.bind", ANY_PORT,
                "curve.server", Boolean.TRUE,
                "curve.secretkey.file", secrets.resolve("server.key_secret").toString(),
                "zap.domain", domain,
                "zap.curve.keys.directory", keys.toString());
    }

    @Test
    public void curveServerWithAllowListServesTheAllowedLibzmqClientAndSeesItsUserId() throws Exception {
        LibzmqPeer.require();
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair allowed = Curve.generateKeyPair();
        EchoUser echo = new EchoUser();
        ServiceRegistration<RequestListener> listener = listen("curve-allow", echo);
        Configuration c = allowListServer("curve-allow", "allow-a", server, allowed);
        try {
            String ep = boundEndpoint("curve-allow");
            String[] out = client(ep, server.publicKeyZ85(), allowed, REPLY_MS);
            assertEquals("reply=user:" + allowed.publicKeyZ85() + ":hello", out[0]);
            assertTrue(out[1], out[1].contains("HANDSHAKE_SUCCEEDED"));
            assertEquals(List.of(allowed.publicKeyZ85()), echo.users);
            assertEquals("CURVE", socket("curve-allow").getOption(io.zconn.engine.ZmqOption.MECHANISM));
        } finally {
            listener.unregister();
            c.delete();
        }
    }

    @Test
    public void wrongServerKeyGetsNothingAndAnUnlistedClientIsRefused() throws Exception {
        LibzmqPeer.require();
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair allowed = Curve.generateKeyPair();
        CurveKeyPair stranger = Curve.generateKeyPair();
        EchoUser echo = new EchoUser();
        ServiceRegistration<RequestListener> listener = listen("curve-deny", echo);
        Configuration c = allowListServer("curve-deny", "deny-b", server, allowed);
        try {
            String ep = boundEndpoint("curve-deny");
            // an allowed client that has the wrong server key cannot even complete the handshake
            String[] wrongKey = client(ep, Curve.generateKeyPair().publicKeyZ85(), allowed, NOTHING_MS);
            assertEquals("reply=-", wrongKey[0]);
            assertFalse(wrongKey[1], wrongKey[1].contains("HANDSHAKE_SUCCEEDED"));
            // a client with the right server key but not in the keys directory: ZAP says 400
            String[] unlisted = client(ep, server.publicKeyZ85(), stranger, REPLY_MS);
            assertEquals("reply=-", unlisted[0]);
            assertTrue(unlisted[1], unlisted[1].contains("HANDSHAKE_FAILED_AUTH:400"));
            assertEquals("the listener heard from nobody", List.of(), echo.users);
            // and the socket still serves the allowed client
            assertEquals("reply=user:" + allowed.publicKeyZ85() + ":hello",
                    client(ep, server.publicKeyZ85(), allowed, REPLY_MS)[0]);
        } finally {
            listener.unregister();
            c.delete();
        }
    }

    @Test
    public void whiteboardZapHandlerDecidesAndTheDocumentedFallbackFollowsItsUnregistration() throws Exception {
        LibzmqPeer.require();
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair alice = Curve.generateKeyPair();
        CurveKeyPair mallory = Curve.generateKeyPair();
        List<String> asked = new CopyOnWriteArrayList<>();
        ZapHandler handler = request -> {
            String key = Z85.encode(request.curvePublicKey());
            asked.add(request.domain() + "/" + request.mechanism() + "/" + key);
            return key.equals(alice.publicKeyZ85()) ? ZapHandler.Reply.accept("alice")
                    : ZapHandler.Reply.deny("only alice");
        };
        ServiceRegistration<ZapHandler> zap = context.registerService(ZapHandler.class, handler, null);
        EchoUser echo = new EchoUser();
        ServiceRegistration<RequestListener> listener = listen("curve-wb", echo);
        Configuration c = configureSocket("curve-wb", "zconn.type", "REP", "zconn.bind", ANY_PORT,
                "curve.server", Boolean.TRUE, "curve.secretkey", server.secretKeyZ85(), "zap.domain", "wb");
        List<Configuration> others = new ArrayList<>();
        try {
            String ep = boundEndpoint("curve-wb");
            String serverKey = server.publicKeyZ85();
            assertEquals("reply=user:alice:hello", client(ep, serverKey, alice, REPLY_MS)[0]);
            String[] refused = client(ep, serverKey, mallory, REPLY_MS);
            assertEquals("reply=-", refused[0]);
            assertTrue(refused[1], refused[1].contains("HANDSHAKE_FAILED_AUTH:400"));
            assertEquals(List.of("wb/CURVE/" + alice.publicKeyZ85(), "wb/CURVE/" + mallory.publicKeyZ85()),
                    asked.subList(0, 2));
            assertEquals(List.of("alice"), echo.users);

            // unregistered, with no allow-list anywhere: the engine's default, a CURVE server takes
            // every client that knows its key (and has no User-Id to give)
            zap.unregister();
            zap = null;
            int askedWhileRegistered = asked.size();
            awaitTrue("only curve-wb left (other tests' sockets closed)", () -> registry.sockets().stream()
                    .map(SocketInfo::name).toList().equals(List.of("curve-wb")));
            String fallback = client(ep, serverKey, mallory, REPLY_MS)[0];
            assertTrue(fallback, fallback.matches("reply=user:-?:hello"));

            // with an allow-list for another domain the context has a ZAP handler again, and a
            // domain without one is refused
            CurveKeyPair otherServer = Curve.generateKeyPair();
            others.add(allowListServer("curve-other", "other", otherServer, alice));
            boundEndpoint("curve-other");
            String[] noHandler = client(ep, serverKey, mallory, REPLY_MS);
            assertEquals("reply=-", noHandler[0]);
            assertTrue(noHandler[1], noHandler[1].contains("HANDSHAKE_FAILED_AUTH"));
            assertEquals("the handler was asked nothing once unregistered", askedWhileRegistered, asked.size());
        } finally {
            if (zap != null) {
                zap.unregister();
            }
            listener.unregister();
            c.delete();
            for (Configuration o : others) {
                o.delete();
            }
        }
    }

    @Test
    public void configuredCurveClientTalksToALibzmqCurveServerThatChecksItsKey() throws Exception {
        LibzmqPeer.require();
        CurveKeyPair server = Curve.generateKeyPair();
        CurveKeyPair client = Curve.generateKeyPair();
        Path certs = Files.createTempDirectory("zconn-certs");
        Path secrets = Files.createTempDirectory("zconn-secret");
        // pyzmq's authenticator reads the public certificate zconn wrote
        CurveCertificate.save(client, Map.of(), certs.resolve("client.key"), secrets.resolve("client.key_secret"));
        try (LibzmqPeer peer = LibzmqPeer.start(String.join("\n",
                "from zmq.auth.thread import ThreadAuthenticator",
                "pub, sec, certs = sys.argv[1:4]",
                "ctx = zmq.Context()",
                "auth = ThreadAuthenticator(ctx); auth.start()",
                "auth.configure_curve(domain='*', location=certs)",
                "s = ctx.socket(zmq.REP); s.LINGER = 0; s.RCVTIMEO = 20000",
                "s.curve_server = True; s.curve_publickey = pub.encode(); s.curve_secretkey = sec.encode()",
                "s.bind('tcp://127.0.0.1:*')",
                "print(s.LAST_ENDPOINT.decode(), flush=True)",
                "f = s.recv(copy=False)",
                "s.send_string('got:%s:%s' % (f.get('User-Id'), f.bytes.decode()))",
                "print('served', flush=True)",
                "s.close(); auth.stop(); ctx.term()"),
                server.publicKeyZ85(), server.secretKeyZ85(), certs.toString())) {
            awaitTrue("the libzmq server's endpoint", () -> peer.output().contains("\n"));
            String ep = peer.output().lines().findFirst().orElseThrow();
            Configuration c = configureSocket("curve-req", "zconn.type", "REQ", "zconn.connect", ep,
                    "curve.serverkey", server.publicKeyZ85(),
                    "curve.secretkey.file", secrets.resolve("client.key_secret").toString());
            try {
                Socket req = socket("curve-req");
                assertTrue(req.send(Message.of("ping"), Duration.ofSeconds(10)));
                Message reply = req.recvMessage(Duration.ofSeconds(15));
                assertNotNull("no reply from libzmq; it printed: " + peer.output(), reply);
                assertEquals("got:" + client.publicKeyZ85() + ":ping", reply.get(0).text());
                assertTrue(peer.await(20).contains("served"));
            } finally {
                c.delete();
            }
        }
    }

    private Socket socket(String name) throws Exception {
        ServiceReference<Socket> ref = awaitSocketService(name);
        Socket s = context.getService(ref);
        assertNotNull(s);
        // the test holds the service only while the framework runs; the bundle owns the socket
        context.ungetService(ref);
        return s;
    }
}
