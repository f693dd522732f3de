package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds the frame decoder and command parser random and mutated input (fixed seed): the only
 * failure they may report is a {@link ZmtpException}, never an index, size or memory error.
 */
class DecoderFuzzTest {
    private static final int CASES = 20_000;

    private static byte[] validStream(Random r) {
        ByteBuf b = Unpooled.buffer();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(4)) {
                case 0 -> {
                    // now and then a frame large enough to be filled in place
                    int size = r.nextInt(10) == 0 ? 8192 + r.nextInt(5000) : r.nextInt(300);
                    FrameEncoder.encode(Frame.wrap(new byte[size], r.nextBoolean()), b);
                }
                case 1 -> FrameEncoder.encodeCommand(new Command.Ping(r.nextInt(65536), new byte[r.nextInt(17)]), b);
                case 2 -> FrameEncoder.encodeCommand(new Command.Subscribe(new byte[r.nextInt(10)]), b);
                default -> {
                    var props = Metadata.newMap();
                    props.put("Socket-Type", "PUSH".getBytes(StandardCharsets.US_ASCII));
                    FrameEncoder.encodeCommand(new Command.Ready(props), b);
                }
            }
        }
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        return a;
    }

    @Test
    void decoderOnlyEverFailsWithProtocolErrors() {
        Random r = new Random(20261125L);
        int protocolErrors = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input;
            if (r.nextBoolean()) {
                input = new byte[r.nextInt(64)];
                r.nextBytes(input);
            } else {
                input = validStream(r);
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips && input.length > 0; f++) {
                    input[r.nextInt(input.length)] = (byte) r.nextInt(256);
                }
            }
            FrameDecoder d = new FrameDecoder(1 << 16, new FrameDecoder.Sink() {
                @Override
                public boolean onFrame(Frame frame) {
                    return true;
                }

                @Override
                public boolean onCommand(Command command) {
                    return true;
                }
            });
            ByteBuf buf = Unpooled.buffer();
            try {
                int pos = 0;
                while (pos < input.length) {
                    int chunk = 1 + r.nextInt(Math.max(1, input.length - pos));
                    buf.writeBytes(input, pos, Math.min(chunk, input.length - pos));
                    pos += chunk;
                    d.decode(buf);
                }
            } catch (ZmtpException e) {
                protocolErrors++;
            }
        }
        assertThat(protocolErrors).as("fuzzing should hit protocol errors").isPositive();
    }

    @Test
    void commandParserOnlyEverFailsWithProtocolErrors() {
        Random r = new Random(7L);
        for (int i = 0; i < CASES; i++) {
            byte[] body = new byte[r.nextInt(40)];
            r.nextBytes(body);
            if (body.length > 1 && r.nextBoolean()) {
                String[] names = {"READY", "ERROR", "PING", "PONG", "SUBSCRIBE", "CANCEL"};
                byte[] name = names[r.nextInt(names.length)].getBytes(StandardCharsets.US_ASCII);
                body[0] = (byte) name.length;
                System.arraycopy(name, 0, body, 1, Math.min(name.length, body.length - 1));
            }
            try {
                Command.parse(Unpooled.wrappedBuffer(body));
            } catch (ZmtpException expected) {
                // fine
            }
        }
    }
}
