package io.zconn.engine.transport.stream;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A storm of peers that each get dropped writes the context's budget of WARNING lines and
 * summaries that account for every other drop, not one line per peer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DropWarningStormTest {
    private static final Pattern SUMMARY = Pattern.compile("suppressed (\\d+) similar warnings \\(handshake failed\\)");

    private final Logger engineLog = Logger.getLogger(ZmtpEngine.class.getName());
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (Level.WARNING.equals(r.getLevel())) {
                synchronized (warnings) {
                    warnings.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        engineLog.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        engineLog.removeHandler(capture);
    }

    @Test
    void stormOfBadGreetingsLogsTheBudgetAndSummariesThatCountEveryDrop() throws IOException {
        int peers = 200;
        try (Context ctx = new Context()) {
            Socket pull = ctx.socket(SocketType.PULL);
            pull.bind("tcp://127.0.0.1:*");
            String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
            int port = Integer.parseInt(ep.substring(ep.lastIndexOf(':') + 1));
            for (int i = 0; i < peers; i++) {
                assertThat(droppedAfterABadSignature(port)).as("peer %d dropped", i).isTrue();
            }
        } // closing the context writes the summary still pending
        List<String> lines;
        synchronized (warnings) {
            lines = warnings.stream().map(LogRecord::getMessage).toList();
        }
        long written = lines.stream().filter(l -> l.startsWith("dropping connection ")).count();
        long suppressed = 0;
        for (String l : lines) {
            Matcher m = SUMMARY.matcher(l);
            if (m.find()) {
                suppressed += Long.parseLong(m.group(1));
            }
        }
        System.out.printf("%d dropped peers: %d WARNING lines (%d written, %d suppressed and summarised)%n",
                peers, lines.size(), written, suppressed);
        assertThat(written + suppressed).as("every drop is written or counted").isEqualTo(peers);
        // within one 10 s interval: the budget; a slow machine may span a few intervals
        assertThat(written).isGreaterThanOrEqualTo(StreamTransport.DROP_WARNINGS_PER_INTERVAL)
                .isLessThan(peers / 4);
        assertThat(lines.size()).isLessThan(peers / 4);
    }

    /** Connects, sends a greeting with a bad signature and reports whether the server hung up. */
    private static boolean droppedAfterABadSignature(int port) throws IOException {
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            raw.setSoTimeout(5000);
            byte[] bad = new byte[64];
            bad[0] = 0x42; // not 0xFF
            raw.getOutputStream().write(bad);
            InputStream in = raw.getInputStream();
            byte[] buf = new byte[256];
            try {
                int n;
                do {
                    n = in.read(buf); // the server's own greeting, until it hangs up
                } while (n >= 0);
                return true;
            } catch (java.net.SocketException e) {
                return true; // reset
            }
        }
    }
}
