package io.zconn.engine.transport;

import io.zconn.engine.Context;
import io.zconn.engine.Socket;
import io.zconn.engine.SocketType;
import io.zconn.engine.ZmqOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SNDBUF, RCVBUF and TCP_KEEPALIVE(_IDLE) reach the kernel sockets of a connection, as the kernel
 * itself reports them ({@code ss}: Linux doubles a buffer size set with setsockopt, and shows the
 * keepalive timer).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KernelSocketOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void buffersAndKeepaliveReachTheConnectingSocket() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/ss").canExecute() || new File("/bin/ss").canExecute(), "ss (iproute2) is missing");
        Socket pull = ctx.socket(SocketType.PULL);
        pull.bind("tcp://127.0.0.1:*");
        String ep = pull.getOption(ZmqOption.LAST_ENDPOINT);
        String port = ep.substring(ep.lastIndexOf(':') + 1);
        Socket push = ctx.socket(SocketType.PUSH);
        push.setOption(ZmqOption.SNDBUF, 96 * 1024);
        push.setOption(ZmqOption.RCVBUF, 80 * 1024);
        push.setOption(ZmqOption.TCP_KEEPALIVE, 1);
        push.setOption(ZmqOption.TCP_KEEPALIVE_IDLE, 600);
        push.connect(ep);
        push.send("hi");
        assertThat(pull.recvFrame(WAIT)).isNotNull();
        // the connecting side's socket: its peer is the listener's port
        String[] line = new String[1];
        await().atMost(WAIT).until(() -> {
            line[0] = ss("-tmnoH", "state", "established", "dst", "127.0.0.1:" + port);
            return line[0].contains("skmem");
        });
        assertThat(line[0]).contains("rb" + 2 * 80 * 1024).contains("tb" + 2 * 96 * 1024);
        // TCP_KEEPALIVE_IDLE 600 s: the first probe is due in about 10 minutes (the default is 2 hours)
        assertThat(line[0]).containsPattern("timer:\\(keepalive,(9|10)min");
    }

    private static String ss(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("zconn-ss", ".out");
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "ss";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
