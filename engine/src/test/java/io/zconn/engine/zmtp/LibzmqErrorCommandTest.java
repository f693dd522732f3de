package io.zconn.engine.zmtp;

import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * libzmq 4.3.4's PLAIN server refuses a client with an ERROR whose name length byte is 0x5E and name
 * "RROR" (a C hex escape in its source swallows the E; bytes captured from libzmq 4.3.4). Read as the
 * ERROR it means, a refused zconn client stops; read as malformed, it reconnected and asked again
 * and again (13 ZAP requests in 0.7 s in LibzmqSecurityInteropTest before this).
 */
class LibzmqErrorCommandTest {
    private static final byte[] LIBZMQ_PLAIN_ERROR_400 = {0x04, 0x09, 0x5e, 'R', 'R', 'O', 'R', 0x03, '4', '0', '0'};

    private static List<Command> decode(boolean raw, byte[]... reads) {
        List<Command> out = new ArrayList<>();
        FrameDecoder d = FrameDecoder.forHandshake(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame frame) {
                throw new AssertionError("a data frame in the handshake");
            }

            @Override
            public boolean onCommand(Command command) {
                out.add(command);
                return true;
            }
        }, raw);
        var cumulated = Unpooled.buffer();
        for (byte[] r : reads) {
            cumulated.writeBytes(r);
            d.decode(cumulated);
        }
        cumulated.release();
        return out;
    }

    @Test
    void libzmqsMangledPlainErrorIsReadAsAnError() {
        for (boolean raw : new boolean[] {false, true}) {
            assertThat(decode(raw, LIBZMQ_PLAIN_ERROR_400)).containsExactly(new Command.Error("400"));
        }
    }

    @Test
    void libzmqsMangledPlainErrorSplitAcrossReadsIsReadAsAnError() {
        List<Command> got = decode(true, new byte[] {0x04, 0x09, 0x5e}, new byte[] {'R', 'R'},
                new byte[] {'O', 'R', 0x03, '4'}, new byte[] {'0', '0'});
        assertThat(got).containsExactly(new Command.Error("400"));
    }

    @Test
    void anotherCommandWhoseNameLengthOverrunsTheFrameStaysMalformed() {
        assertThatThrownBy(() -> decode(false, new byte[] {0x04, 0x09, 0x5e, 'R', 'R', 'O', 'X', 0x03, '4', '0', '0'}))
                .isInstanceOf(ZmtpException.class).hasMessageContaining("name length 94");
    }
}
